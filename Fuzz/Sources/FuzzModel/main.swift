import DigitLabCore
import DigitLabIO
import Foundation
import FuzzDriver

/// Structure-aware fuzzing of model files. Byte-level fuzzing of safetensors almost never
/// gets past the JSON, so it missed every crash in the architecture metadata (issue 12).
/// Here libFuzzer's bytes are a *program* of mutations applied to a valid model:
/// architecture layers and sizes, the input shape, tensor shapes, offsets and dtypes,
/// normalisation constants, class names, weight values and the header length — each
/// drawn from values that break arithmetic (0, −1, 2³¹, 2⁶², Int.max, NaN, 1e-45…).
/// The result goes through `ModelFile.decode`; a decoded network must then predict.
///
/// Fails (traps) when decoding crashes, or when an error is not one line naming the file.
/// Run by `make fuzz`; seeds in Fuzz/Corpus/FuzzModel. `FUZZ_MODEL_DUMP=m.safetensors
/// FuzzModel INPUT` writes the model an input makes (to replay it with `load model`).

extension Choices {
    mutating func integer() -> Int {
        switch below(4) {
        case 0: return pick(interesting)
        case 1: return Int(byte()) - 8
        case 2: return Int(byte()) << 8 | Int(byte())
        default: return pick(interesting) &+ (Int(byte()) - 128)
        }
    }
    mutating func floatText() -> String {
        below(3) == 0 ? String(Float(bitPattern: UInt32(byte()) << 24 | UInt32(byte()) << 16 | UInt32(byte()) << 8 | UInt32(byte())))
                      : pick(floatTexts)
    }
}

let interesting: [Int] = [0, 1, -1, 2, 3, 4, 5, 7, 27, 28, 29, 255, 256, 784, 1000, 1001, 65_535, 65_536,
                          Int(Int32.max), 1 << 31, 1 << 32, 1 << 40, 1 << 61, 1 << 62, Int.max, Int.max - 1, Int.min, -(1 << 31)]
let floatTexts = ["nan", "-nan", "inf", "-inf", "1e-45", "0", "-0", "-1", "1e-6", "1.0000001e-6", "3e38", "1e39",
                  "0.1307", "0.3081", "abc", "", " 1", "1e308", "0x1p-149", "4.2e-7"]
let kinds = ["dense", "conv", "maxpool", "avgpool", "flatten", "dropout", "batchnorm", "activation"]

/// A JSON layer of any kind with chosen fields.
func layer(_ c: inout Choices) -> [String: Any] {
    switch c.pick(kinds) {
    case "dense": return ["dense": ["units": c.integer()]]
    case "conv":
        let padding: Any = c.below(4) == 0 ? ["same": [String: Any]()] : ["fixed": ["_0": c.integer()]]
        return ["conv": ["filters": c.integer(), "kernel": c.integer(), "stride": c.integer(), "padding": padding]]
    case "maxpool": return ["maxpool": ["size": c.integer()]]
    case "avgpool": return ["avgpool": ["size": c.integer()]]
    case "dropout": return ["dropout": ["rate": c.pick([0.5, -0.5, 1.0, 0.999, 1e-30, 2.0] as [Double])]]
    case "batchnorm": return ["batchnorm": [String: Any]()]
    case "activation": return ["activation": ["_0": c.pick(["relu", "leakyrelu", "sigmoid", "tanh", "softmax", "gelu"])]]
    default: return ["flatten": [String: Any]()]
    }
}

/// Small valid models to start from (encoded once).
let bases: [[UInt8]] = {
    let nets: [[LayerSpec]] = [
        [.flatten, .dense(units: 16), .activation(.relu), .dense(units: 10)],
        [.conv(filters: 2, kernel: 3, stride: 1, padding: .fixed(1)), .activation(.relu), .maxpool(size: 2), .flatten, .dense(units: 10)],
        [.conv(filters: 2, kernel: 3, stride: 2, padding: .same), .batchnorm, .activation(.tanh), .avgpool(size: 2),
         .dropout(rate: 0.5), .flatten, .dense(units: 10), .activation(.softmax)],
    ]
    let info = ModelFile.Info(normalization: .mnist, seed: 1, classNames: (0...9).map(String.init), training: "{}")
    return nets.map { specs in
        var rng = SeededRNG(seed: 1)
        let net = Network()
        for s in specs { try? net.append(s, using: &rng) }
        return ModelFile.encode(net, info: info)
    }
}()

func mutate(_ base: [UInt8], _ c: inout Choices) -> [UInt8] {
    let length = base.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
    guard var header = (try? JSONSerialization.jsonObject(with: Data(base[8..<(8 + length)]))) as? [String: Any],
          var meta = header["__metadata__"] as? [String: Any],
          let archText = meta["architecture"] as? String,
          var arch = (try? JSONSerialization.jsonObject(with: Data(archText.utf8))) as? [String: Any],
          var layers = arch["layers"] as? [Any] else { return base }
    var data = Array(base[(8 + length)...])
    var rawLength: UInt64?
    let tensorKeys = header.keys.filter { $0 != "__metadata__" }.sorted()
    for _ in 0..<(1 + c.below(6)) {
        switch c.below(13) {
        case 0: // one field of one layer
            if !layers.isEmpty {
                let i = c.below(layers.count)
                if var l = layers[i] as? [String: Any], let kind = l.keys.first, var fields = l[kind] as? [String: Any], let f = fields.keys.sorted().first {
                    fields[fields.keys.count > 1 ? c.pick(fields.keys.sorted()) : f] = c.integer()
                    l[kind] = fields
                    layers[i] = l
                }
            }
        case 1: layers.insert(layer(&c), at: c.below(layers.count + 1))
        case 2: if !layers.isEmpty { layers.remove(at: c.below(layers.count)) }
        case 3: // repeated layers, up to just past the cap (more only slows the mutator)
            if !layers.isEmpty, layers.count < 1100 { layers += Array(repeating: layers[c.below(layers.count)], count: c.pick([2, 10, 998, 1001])) }
        case 4: arch["input"] = (0..<c.below(5)).map { _ in c.integer() }
        case 5: // the architecture replaced by something else entirely
            meta["architecture"] = c.pick(["", "null", "[]", "{}", String(repeating: "[", count: 5000), "{\"input\":[1,28,28]}", "{\"layers\":[]}"])
        case 6: // a tensor's shape
            if let key = tensorKeys.isEmpty ? nil : c.pick(tensorKeys), var t = header[key] as? [String: Any] {
                var shape = (t["shape"] as? [Int]) ?? []
                switch c.below(3) {
                case 0 where !shape.isEmpty: shape[c.below(shape.count)] = c.integer()
                case 1: shape.append(c.integer())
                default: if !shape.isEmpty { shape.removeLast() }
                }
                t["shape"] = shape
                header[key] = t
            }
        case 7: // offsets
            if let key = tensorKeys.isEmpty ? nil : c.pick(tensorKeys), var t = header[key] as? [String: Any] {
                var offsets = (t["data_offsets"] as? [Int]) ?? [0, 0]
                if offsets.count == 2 { offsets[c.below(2)] = c.integer() } else { offsets = [c.integer(), c.integer()] }
                if c.below(4) == 0 { offsets.append(c.integer()) }
                t["data_offsets"] = offsets
                header[key] = t
            }
        case 8: // dtype, name, presence
            if let key = tensorKeys.isEmpty ? nil : c.pick(tensorKeys), var t = header[key] as? [String: Any] {
                switch c.below(4) {
                case 0: t["dtype"] = c.pick(["F32", "I64", "F16", "BF16", "U8", ""]); header[key] = t
                case 1: header[key] = nil; header[key + "x"] = t
                case 2: header[key] = nil
                default: header["\(c.integer()).weight"] = t
                }
            }
        case 9: meta[c.pick(["normalization_mean", "normalization_std"])] = c.floatText()
        case 10: // classes
            meta["classes"] = c.pick(["[]", "[\"a\"]", String(repeating: "[", count: 3000), "[1,2]", "{}",
                                      "[" + Array(repeating: "\"x\"", count: c.pick([9, 11, 1000, 1001])).joined(separator: ",") + "]"])
        case 11: // weight values
            if data.count >= 4 {
                let at = 4 * c.below(data.count / 4)
                let value = c.pick([Float.nan, .infinity, -.infinity, .greatestFiniteMagnitude, -3e38, .leastNonzeroMagnitude])
                withUnsafeBytes(of: value) { for i in 0..<4 { data[at + i] = $0[i] } }
            } else { data += [1, 2, 3] }
        default: // truncated or extended data, or a lying header length
            switch c.below(3) {
            case 0: data = Array(data.prefix(c.below(data.count + 1)))
            case 1: data += [UInt8](repeating: 0, count: c.below(64))
            default: rawLength = UInt64(bitPattern: Int64(c.integer()))
            }
        }
    }
    arch["layers"] = layers
    if meta["architecture"] as? String == archText,
       let text = try? JSONSerialization.data(withJSONObject: arch) { meta["architecture"] = String(decoding: text, as: UTF8.self) }
    header["__metadata__"] = meta
    guard let json = try? JSONSerialization.data(withJSONObject: header) else { return base }
    let h = [UInt8](json)
    return withUnsafeBytes(of: (rawLength ?? UInt64(h.count)).littleEndian) { Array($0) } + h + data
}

let budget = MemoryBudget(limit: 64 << 20) // small: each run stays fast
/// One thread: no helper threads spinning between runs (half the time went there).
let setUp: Void = { Parallel.threads = 1 }()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ pointer: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = setUp
    var c = Choices(pointer, size)
    let bytes = mutate(bases[c.below(bases.count)], &c)
    // To turn a finding into a Tests/Malformed case: FUZZ_MODEL_DUMP=file.safetensors FuzzModel INPUT
    if let dump = ProcessInfo.processInfo.environment["FUZZ_MODEL_DUMP"] {
        FileManager.default.createFile(atPath: dump, contents: Data(bytes))
    }
    do {
        let (network, info) = try ModelFile.decode(bytes, name: "fuzz.safetensors", budget: budget)
        // A model that loads must predict: a batch of two blank and two inked images.
        let x = Tensor(shape: [4, 1, 28, 28], data: (0..<(4 * 784)).map { Float($0 % 3) * info.normalization.std })
        _ = network.probabilities(x)
    } catch {
        if error.description.contains("\n") || !error.description.hasPrefix("fuzz.safetensors: ") {
            fatalError("not one line naming the file: \(error.description)")
        }
    }
    return 0
}

@_cdecl("FuzzModel_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
