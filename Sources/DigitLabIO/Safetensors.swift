import Foundation

/// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON
/// (`{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, …,
/// "__metadata__": {"key": "string", …}}`), then the tensor bytes, offsets relative to
/// the end of the header. Reading checks every field before trusting it.
public enum Safetensors {
    public enum DType: String, Sendable {
        case f32 = "F32", i64 = "I64"
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

        public var floats: [Float]? {
            guard dtype == .f32 else { return nil }
            return bytes.withUnsafeBytes { raw in (0..<(bytes.count / 4)).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) } }
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

    /// Decodes and validates a file's bytes.
    public static func decode(_ bytes: [UInt8], name: String) throws(IOError) -> (tensors: [String: Tensor], metadata: [String: String]) {
        guard bytes.count >= 8 else { throw IOError(name, "truncated: \(bytes.count) bytes, not even the 8-byte header length") }
        let length = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard length <= UInt64(bytes.count - 8) else {
            throw IOError(name, "header length \(length) at byte 0 runs past the end of the file (\(bytes.count) bytes) — the file is truncated or not safetensors")
        }
        let headerEnd = 8 + Int(length)
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
        let dataSize = bytes.count - headerEnd
        var tensors = [String: Tensor]()
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
            guard shape.allSatisfy({ $0 >= 0 }) else { throw IOError(name, "tensor '\(key)': negative dimension in shape \(shape)") }
            let (count, overflow) = shape.reduce((1, false)) { acc, d in
                let (p, o) = acc.0.multipliedReportingOverflow(by: d); return (p, acc.1 || o)
            }
            guard !overflow, count * dtype.size == end - begin else {
                throw IOError(name, "tensor '\(key)': shape \(shape) of \(dtypeName) needs \(overflow ? "too many" : String(count * dtype.size)) bytes but data_offsets span \(end - begin)")
            }
            spans.append((begin, end, key))
            tensors[key] = Tensor(dtype: dtype, shape: shape, bytes: Array(bytes[(headerEnd + begin)..<(headerEnd + end)]))
        }
        spans.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        for (a, b) in zip(spans, spans.dropFirst()) where b.begin < a.end {
            throw IOError(name, "tensors '\(a.name)' and '\(b.name)' overlap (bytes \(b.begin)–\(a.end)) — the file is damaged")
        }
        return (tensors, metadata)
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
