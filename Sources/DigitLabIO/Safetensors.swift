import DigitLabCore
import Foundation

/// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON
/// (`{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, …,
/// "__metadata__": {"key": "string", …}}`), then the tensor bytes, offsets relative to
/// the end of the header. Reading checks every field before trusting it.
public enum Safetensors {
    public enum DType: String, Sendable {
        case f32 = "F32", f64 = "F64", i64 = "I64"
        var size: Int { self == .f32 ? 4 : 8 }
    }

    public struct Tensor: Equatable, Sendable {
        public let dtype: DType
        public let shape: [Int]
        public let bytes: [UInt8]

        public init(floats: [Float], shape: [Int]) {
            dtype = .f32
            self.shape = shape
            bytes = floats.withUnsafeBytes { Array($0) } // little-endian on every platform we build for
        }

        public init(int64: Int64) {
            dtype = .i64
            shape = []
            bytes = withUnsafeBytes(of: int64.littleEndian) { Array($0) }
        }

        /// A vector of integers (a checkpoint's image order).
        public init(int64s: [Int64]) {
            dtype = .i64
            shape = [int64s.count]
            bytes = int64s.map(\.littleEndian).withUnsafeBytes { Array($0) }
        }

        /// Doubles, for numbers a checkpoint must give back exactly (its curves).
        public init(doubles: [Double], shape: [Int]) {
            dtype = .f64
            self.shape = shape
            bytes = doubles.withUnsafeBytes { Array($0) }
        }

        public var floats: [Float]? {
            guard dtype == .f32 else { return nil }
            return bytes.withUnsafeBytes { raw in (0..<(bytes.count / 4)).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) } }
        }

        public var int64s: [Int64]? {
            guard dtype == .i64 else { return nil }
            return bytes.withUnsafeBytes { raw in (0..<(bytes.count / 8)).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) } }
        }

        public var doubles: [Double]? {
            guard dtype == .f64 else { return nil }
            return bytes.withUnsafeBytes { raw in (0..<(bytes.count / 8)).map { raw.loadUnaligned(fromByteOffset: 8 * $0, as: Double.self) } }
        }

        public var int64: Int64? {
            guard dtype == .i64, bytes.count == 8 else { return nil }
            return bytes.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) }
        }
    }

    /// Encodes tensors (in the given order) and string metadata. Same input, same bytes.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) -> [UInt8] {
        var entries = [String]()
        var offset = 0
        for (name, t) in tensors {
            let shape = t.shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonString(name)):{\"dtype\":\"\(t.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + t.bytes.count)]}")
            offset += t.bytes.count
        }
        let meta = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }.joined(separator: ",")
        var header = Array(("{\"__metadata__\":{\(meta)}" + (entries.isEmpty ? "" : ",") + entries.joined(separator: ",") + "}").utf8)
        // Pad with spaces so the data starts 8-byte aligned (as the reference writer does).
        while (8 + header.count) % 8 != 0 { header.append(0x20) }
        var out = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) }
        out += header
        for (_, t) in tensors { out += t.bytes }
        return out
    }

    /// The most header bytes DigitLab reads (4 MB). Its own headers are a few KB (1,000
    /// batchnorm layers: under 1 MB); the reference implementation allows 100 MB, but a
    /// header is parsed into objects tens of times its size (a 12 MB header of 200,000
    /// tensors took 800 MB and 13 s).
    public static let maxHeaderLength = 4 << 20
    /// The most tensors a header may list: six per layer (batchnorm has five).
    public static let maxTensors = 6 * LayerSpec.maxLayers
    /// The most dimensions a tensor may have (conv weights have 4).
    public static let maxRank = 8
    /// JSON nesting deeper than this is refused before parsing (a safetensors header
    /// nests 3 levels, an architecture 5).
    public static let maxJSONDepth = 64

    /// Where one tensor's bytes lie in the file, checked against the file's size.
    public struct Entry: Equatable, Sendable {
        public let dtype: DType
        public let shape: [Int]
        /// Byte range in the whole file (the header already added).
        public let range: Range<Int>
    }

    /// The parsed and checked header: every entry's shape agrees with its byte span, the
    /// spans lie inside the file and do not overlap. No tensor data is copied.
    ///
    /// `bytes` may be only the start of the file (its first `8 + maxHeaderLength` bytes)
    /// when `fileSize` gives the whole file's size: the header can be checked before the
    /// tensors are read.
    public static func header(_ bytes: [UInt8], fileSize: Int? = nil, name: String) throws(IOError) -> (entries: [String: Entry], metadata: [String: String]) {
        let total = fileSize ?? bytes.count
        guard total >= 8, bytes.count >= 8 else { throw IOError(name, "truncated: \(total) bytes, not even the 8-byte header length") }
        let length = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        // A picture or a text given by mistake: say what it is, not what its first bytes
        // would mean as a header length.
        if let kind = ImageFile.format(of: bytes) {
            throw IOError(name, "this is a \(kind == .png ? "PNG" : "JPEG") picture, not a model (safetensors) file — pictures are read by `predict file PICTURE` in the shell, `digitlab predict PICTURE` on the command line")
        }
        if length > UInt64(total - 8), bytes.prefix(64).allSatisfy({ $0 == 9 || $0 == 10 || $0 == 13 || (32...126).contains($0) }) {
            throw IOError(name, "this is a text file, not a model (safetensors) file — models are written by `save model` or `save checkpoint`")
        }
        guard length <= UInt64(total - 8) else {
            throw IOError(name, "header length \(length) at byte 0 runs past the end of the file (\(total) bytes) — the file is truncated or not safetensors")
        }
        guard length <= UInt64(maxHeaderLength), Int(length) <= bytes.count - 8 else {
            throw IOError(name, "header length \(length) at byte 0 is more than DigitLab reads (\(maxHeaderLength) bytes) — not a DigitLab model")
        }
        let headerEnd = 8 + Int(length)
        if let depth = JSONDepth.exceeding(maxJSONDepth, in: bytes[8..<headerEnd]) {
            throw IOError(name, "the header's JSON nests more than \(maxJSONDepth) levels (at byte \(8 + depth)) — the file is damaged")
        }
        let members = JSONDepth.topLevelMembers(in: bytes[8..<headerEnd])
        guard members <= maxTensors + 1 else {
            throw IOError(name, "the header lists \(members) entries; DigitLab reads at most \(maxTensors) tensors — not a DigitLab model")
        }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd]))
        } catch {
            throw IOError(name, "invalid JSON in the header (bytes 8–\(headerEnd)) — the file is damaged")
        }
        guard let header = json as? [String: Any] else { throw IOError(name, "the header is not a JSON object") }
        var metadata = [String: String]()
        if let m = header["__metadata__"] {
            guard let dict = m as? [String: Any] else { throw IOError(name, "__metadata__ is not an object of strings") }
            for (k, v) in dict {
                guard let s = v as? String else { throw IOError(name, "__metadata__ value for '\(k)' is not a string") }
                metadata[k] = s
            }
        }
        let dataSize = total - headerEnd
        var entries = [String: Entry]()
        var spans = [(begin: Int, end: Int, name: String)]()
        for (key, value) in header where key != "__metadata__" {
            guard let entry = value as? [String: Any], let dtypeName = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2 else {
                throw IOError(name, "tensor '\(key)': needs dtype, shape and two data_offsets")
            }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw IOError(name, "tensor '\(key)': dtype \(dtypeName) is not supported (DigitLab reads F32 weights)")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= dataSize else {
                throw IOError(name, "tensor '\(key)': data_offsets [\(begin), \(end)] fall outside the \(dataSize) data bytes")
            }
            guard shape.count <= maxRank else {
                throw IOError(name, "tensor '\(key)': shape has \(shape.count) dimensions, at most \(maxRank)")
            }
            guard shape.allSatisfy({ $0 >= 0 }) else { throw IOError(name, "tensor '\(key)': negative dimension in shape \(shape)") }
            // Every product is checked: a shape of [2⁶²] times 4 bytes must not trap.
            let needed = checkedProduct(shape + [dtype.size])
            guard let needed, needed == end - begin else {
                throw IOError(name, "tensor '\(key)': shape \(shape) of \(dtypeName) needs \(needed.map(String.init) ?? "too many") bytes but data_offsets span \(end - begin)")
            }
            spans.append((begin, end, key))
            entries[key] = Entry(dtype: dtype, shape: shape, range: (headerEnd + begin)..<(headerEnd + end))
        }
        spans.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        for (a, b) in zip(spans, spans.dropFirst()) where b.begin < a.end {
            throw IOError(name, "tensors '\(a.name)' and '\(b.name)' overlap (bytes \(b.begin)–\(a.end)) — the file is damaged")
        }
        return (entries, metadata)
    }

    /// Decodes and validates a file's bytes, copying every tensor out.
    public static func decode(_ bytes: [UInt8], name: String) throws(IOError) -> (tensors: [String: Tensor], metadata: [String: String]) {
        let (entries, metadata) = try header(bytes, name: name)
        return (entries.mapValues { Tensor(dtype: $0.dtype, shape: $0.shape, bytes: Array(bytes[$0.range])) }, metadata)
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if ch.value < 0x20 { out += String(format: "\\u%04x", ch.value) } else { out.unicodeScalars.append(ch) }
            }
        }
        return out + "\""
    }
}

extension Safetensors.Tensor {
    init(dtype: Safetensors.DType, shape: [Int], bytes: [UInt8]) {
        self.dtype = dtype; self.shape = shape; self.bytes = bytes
    }
}
