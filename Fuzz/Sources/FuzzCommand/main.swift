import FuzzDriver
import DigitLabShell
import Foundation
import Glibc

/// Command lines, every command included — loading, training, rendering, saving,
/// recording, exporting. The fuzzer works in a temporary folder of its own; lines run as a
/// lesson's would, so they may write only under outputs/, and after every input the
/// harness checks that nothing appeared anywhere else (in its folder, or beside it under
/// a name the input spells out).
/// A command that runs longer than half a second is interrupted, as Ctrl-C would.
/// A fresh session every 500 inputs keeps the history short.
let home = ProcessInfo.processInfo.environment["DIGITLAB_HOME"] ?? FileManager.default.currentDirectoryPath
let work = NSTemporaryDirectory() + "digitlab-fuzz-command-\(getpid())"
nonisolated(unsafe) var started = Date()

func freshSession() -> Session {
    let s = Session(locator: .init(explicit: home))
    s.quickLimit = (200, 50) // every load keeps at most this many images
    s.interruptRequested = { Date().timeIntervalSince(started) > 0.5 }
    for line in ["load mnist", "split validation 20", "net preset mlp", "train step"] { _ = try? s.run(line) }
    return s
}

func listing(_ folder: String) -> Set<String> {
    Set((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
}

nonisolated(unsafe) var session: Session = {
    try? FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    _ = FileManager.default.changeCurrentDirectoryPath(work)
    return freshSession()
}()
nonisolated(unsafe) var inputs = 0
nonisolated(unsafe) let besideWork = listing(NSTemporaryDirectory())
nonisolated(unsafe) let inWork = listing(work)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    inputs += 1
    if inputs % 500 == 0 { session = freshSession() }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    for line in text.split(separator: "\n").prefix(8) {
        started = Date()
        _ = try? session.run(String(line), as: .lesson)
    }
    // Nothing written outside outputs/: not in the work folder, not beside it.
    let strayHere = listing(work).subtracting(inWork).subtracting(["outputs"])
    // Beside it, only names the input spells out count: other programs share the
    // temporary folder (a folder someone made there at the wrong moment failed a run).
    let strayBeside = listing(NSTemporaryDirectory()).subtracting(besideWork).filter { text.contains($0) }
    if !strayHere.isEmpty || !strayBeside.isEmpty {
        FileHandle.standardError.write(Data("wrote outside outputs/: \(strayHere.sorted()) \(strayBeside.sorted())\n".utf8))
        abort()
    }
    return 0
}

@_cdecl("FuzzCommand_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
