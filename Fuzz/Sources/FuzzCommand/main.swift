import FuzzDriver
import DigitLabShell

/// Command lines: every word, number and option combination. Commands that read or
/// write files, or train, are skipped (they are fuzzed through their readers); the rest
/// run against a session with a small network and no data.
/// A fresh session every 1,000 inputs: one session keeps its whole history and
/// transcript (as it should for a notebook), which over millions of inputs exhausted
/// the fuzzer's memory limit.
func freshSession() -> Session {
    let s = Session()
    _ = try? s.run("net new")
    _ = try? s.run("net add dense 8 relu")
    return s
}
nonisolated(unsafe) var session = freshSession()
nonisolated(unsafe) var inputs = 0
let skipped: Set<String> = ["load", "save", "render", "export", "record", "train", "lesson", "predict", "eval", "quit", "exit"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    inputs += 1
    if inputs % 1000 == 0 { session = freshSession() }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    for line in text.split(separator: "\n").prefix(8) {
        guard let first = line.split(separator: " ").first, !skipped.contains(String(first)) else { continue }
        _ = try? session.run(String(line))
    }
    if (session.network?.layers.count ?? 0) > 12 { _ = try? session.run("net new") } // keep it small
    return 0
}


@_cdecl("FuzzCommand_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
