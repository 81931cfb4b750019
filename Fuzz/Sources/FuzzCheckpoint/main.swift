import DigitLabShell
import Foundation
import FuzzDriver
import Glibc

/// Structure-aware fuzzing of checkpoints (`load checkpoint`). A checkpoint is a model
/// file plus the trainer's state: JSON scalars in the metadata and arrays as tensors. Byte
/// mutations rarely get past the JSON, so libFuzzer's bytes are a program of mutations of
/// valid checkpoints: the trainer's counts, position, generator, optimiser kind and step,
/// the layout of its buffers, the session's counters and schedule start; the trainer's
/// tensors removed, retyped, reshaped, renamed or filled with NaN; the image order's values.
/// The file is loaded into a session holding data; when it loads, training must go on
/// (`train step 2`, `eval`). Traps when anything crashes or an error is not one line
/// naming the file.
let home = ProcessInfo.processInfo.environment["DIGITLAB_HOME"] ?? FileManager.default.currentDirectoryPath
let work = NSTemporaryDirectory() + "digitlab-fuzz-checkpoint-\(getpid())"
let file = "outputs/fuzz.safetensors"

func freshSession() -> Session {
    let s = Session(locator: .init(explicit: home))
    s.quickLimit = (200, 40)
    for line in ["set threads 1", "load mnist", "set batch 16"] { _ = try? s.run(line, as: .lesson) }
    return s
}

/// Valid checkpoints to start from, and the optimiser line each needs.
let bases: [(bytes: [UInt8], optimizer: String)] = {
    _ = home // read before the folder changes
    try? FileManager.default.createDirectory(atPath: work + "/outputs", withIntermediateDirectories: true)
    _ = FileManager.default.changeCurrentDirectoryPath(work)
    let recipes: [(String, [String])] = [
        ("set optimizer adam", ["net new", "net add conv 2 3x3 relu maxpool 2 dropout 0.25 dense 10", "train step 3",
                                "set schedule cosine 2", "train step 2"]),
        ("set optimizer momentum", ["net new", "net add conv 2 3x3 batchnorm relu maxpool 2 dense 10", "train epoch"]),
        ("set optimizer sgd", ["net new", "net add dense 8 relu dense 10"]),
    ]
    return recipes.enumerated().map { i, recipe in
        let s = freshSession()
        for line in [recipe.0] + recipe.1 + ["save checkpoint outputs/base-\(i).safetensors"] {
            do { _ = try s.run(line, as: .lesson) } catch { fatalError("base \(i): \(line): \(error)") }
        }
        return ([UInt8](FileManager.default.contents(atPath: "outputs/base-\(i).safetensors")!), recipe.0)
    }
}()

extension Choices {
    mutating func integer() -> Int {
        below(2) == 0 ? pick([0, 1, -1, 2, 7, 16, 199, 200, 201, 1 << 31, 1 << 40, (1 << 40) + 1, 1 << 62, Int.max, Int.min])
                      : Int(byte()) - 8
    }
    mutating func number() -> Any {
        below(2) == 0 ? integer() : pick(["nan", "inf", "-inf", "x", 1e308, -0.5, 0.5] as [Any])
    }
}

/// Sets `value` at a key path of nested JSON objects (creating nothing that is missing).
func set(_ object: inout [String: Any], _ path: ArraySlice<String>, _ value: Any?) {
    guard let key = path.first else { return }
    if path.count == 1 { object[key] = value; return }
    guard var inner = object[key] as? [String: Any] else { return }
    set(&inner, path.dropFirst(), value)
    object[key] = inner
}

let fields: [[String]] = [
    ["trainer", "state", "epochsCompleted"], ["trainer", "state", "stepsTaken"], ["trainer", "state", "cursor"],
    ["trainer", "state", "epochImages"], ["trainer", "state", "epochCorrect"], ["trainer", "state", "epochLoss"],
    ["trainer", "state", "epochSeconds"], ["trainer", "state", "parameterCounts"], ["trainer", "state", "rng"],
    ["trainer", "state", "optimizer", "kind"], ["trainer", "state", "optimizer", "steps"], ["trainer", "state", "fallback"],
    ["trainer", "state", "fallback", "step"], ["trainer", "optimizerBuffers"], ["trainer", "fallbackBuffers"], ["trainer"],
    ["counters"], ["scheduleStart"], ["unsavedSteps"], ["trainingSeconds"], ["rng"], ["seed"], ["normalization"], ["classNames"],
]

func mutate(_ base: [UInt8], _ c: inout Choices) -> [UInt8] {
    let length = base.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
    guard var header = (try? JSONSerialization.jsonObject(with: Data(base[8..<(8 + length)]))) as? [String: Any],
          var meta = header["__metadata__"] as? [String: Any], let sessionText = meta["session"] as? String,
          var session = (try? JSONSerialization.jsonObject(with: Data(sessionText.utf8))) as? [String: Any] else { return base }
    var data = Array(base[(8 + length)...])
    let keys = header.keys.filter { $0.hasPrefix("trainer.") || $0.hasPrefix("curves.") }.sorted()
    for _ in 0..<(1 + c.below(4)) {
        switch c.below(7) {
        case 0, 1: // one scalar of the session or the trainer
            let value: Any? = switch c.below(6) {
            case 0: nil
            case 1: [c.integer(), c.integer(), c.integer(), c.integer()]
            case 2: ["curves": c.integer()]
            case 3: c.pick(["sgd", "momentum", "nesterov", "adam", "adamw", ""])
            default: c.number()
            }
            set(&session, ArraySlice(c.pick(fields)), value)
        case 2: // a trainer tensor's shape or dtype
            let key = keys.isEmpty ? "" : c.pick(keys)
            if var t = header[key] as? [String: Any] {
                if c.below(2) == 0 { t["dtype"] = c.pick(["F32", "F64", "I64", "U8"]) } else { t["shape"] = [c.integer()] + (c.below(2) == 0 ? [c.integer()] : []) }
                header[key] = t
            }
        case 3: // a trainer tensor removed or renamed
            if !keys.isEmpty {
                let key = c.pick(keys)
                let t = header[key]
                header[key] = nil
                if c.below(2) == 0 { header[c.pick(["trainer.optimizer.0.99", "trainer.fallback.buffer.0.5", "curves.x", key + "0"])] = t }
            }
        case 4: // values: NaN, huge, or an order index out of range
            if data.count >= 8 {
                let at = 4 * c.below(data.count / 4)
                let bits: UInt32 = c.pick([0x7FC0_0000, 0x7F80_0000, 0xFFFF_FFFF, 0x0000_00C8, 0x7FFF_FFFF])
                withUnsafeBytes(of: bits.littleEndian) { for i in 0..<4 { data[at + i] = $0[i] } }
            }
        case 5: // the trainer's description left out while its tensors stay, or the reverse
            if c.below(2) == 0 { session["trainer"] = nil } else { for k in keys where k.hasPrefix("trainer.") { header[k] = nil } }
        default: // the format marker or the whole session JSON
            if c.below(2) == 0 { meta["format"] = c.pick(["digitlab-model", "", "digitlab-checkpoint "]) } else { meta["session"] = c.pick(["", "{}", "[]", "null"]) }
        }
    }
    if meta["session"] as? String == sessionText, let text = try? JSONSerialization.data(withJSONObject: session) {
        meta["session"] = String(decoding: text, as: UTF8.self)
    }
    header["__metadata__"] = meta
    guard let json = try? JSONSerialization.data(withJSONObject: header) else { return base }
    let h = [UInt8](json)
    return withUnsafeBytes(of: UInt64(h.count).littleEndian) { Array($0) } + h + data
}

nonisolated(unsafe) var session: Session?
nonisolated(unsafe) var inputs = 0

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ pointer: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var c = Choices(pointer, size)
    let base = bases[c.below(bases.count)]
    let bytes = mutate(base.bytes, &c)
    inputs += 1
    if session == nil || inputs % 300 == 0 { session = freshSession() }
    let s = session!
    FileManager.default.createFile(atPath: file, contents: Data(bytes))
    _ = try? s.run(base.optimizer, as: .lesson)
    do {
        _ = try s.run("load checkpoint \(file)", as: .lesson)
        for line in ["train step 2", "eval"] { _ = try s.run(line, as: .lesson) }
    } catch {
        let message = error.message
        if message.contains("\n") { fatalError("not one line: \(message)") }
    }
    return 0
}

@_cdecl("FuzzCheckpoint_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
