import DigitLabIO
import Foundation
import Testing
@testable import DigitLabShell

/// A recording replays to the live session's numbers: its preamble recreates every
/// setting and the state the recording starts from; failed commands are left out.
@Suite(.serialized) struct RecordingTests {
    func replay(_ path: String) throws -> Session {
        let replay = session()
        // Pictures the replay draws go beside the recording, not into the current folder
        // (which a test running in parallel may have changed: `inFolder`).
        replay.state.outputs.folder = (path as NSString).deletingLastPathComponent + "/outputs"
        let script = try String(contentsOfFile: path, encoding: .utf8)
        var errors = [String]()
        let status = ScriptRunner.run(lines: Tokenizer.lines(script), source: path, session: replay, write: { _ in }, writeError: { errors.append($0) })
        #expect(status == 0, "\(errors)")
        return replay
    }

    @Test func theHeaderRecordsEverySetting() throws {
        let folder = temporaryFolder("rec")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        try run(s, "set loss mse", "set weight-decay 0.001", "set momentum 0.5", "set epochs 2", "set init he", "set seed 9",
                "set optimizer nesterov", "set schedule step 3 0.5", "set batch 32", "set lr 0.02", "augment rotate 5")
        try run(s, "record start \(folder)/h.txt")
        let text = try String(contentsOfFile: folder + "/h.txt", encoding: .utf8)
        for line in ["set loss mse", "set weight-decay 0.001", "set momentum 0.5", "set epochs 2", "set init he", "set seed 9",
                     "set optimizer nesterov", "set schedule step 3 0.5", "set batch 32", "set lr 0.02", "augment rotate 5.0"] {
            #expect(text.contains(line + "\n"), "header has \(line)")
        }
        let replayed = try replay(folder + "/h.txt")
        #expect(replayed.state.settings.training == s.state.settings.training)
        #expect(replayed.state.settings.initializer == .he && replayed.state.data.augmentation == s.state.data.augmentation)
    }

    @Test func aSessionWithEverySettingAndAFailedCommandReplaysToTheSameNumbers() throws {
        let folder = temporaryFolder("rec")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        s.state.outputs.folder = folder
        try run(s, "record start \(folder)/r.txt", "set seed 5", "load mnist --train 500 --test 100 --random", "split validation 50",
                "set init he", "net new", "net add conv 4 3x3 relu maxpool 2 dense 10", "set optimizer adam", "set lr 0.003",
                "set weight-decay 0.0001", "set batch 50", "set loss crossentropy", "augment shift 1 rotate 5", "set schedule cosine 2")
        _ = errorOf(s, "set lr 2 x")
        try run(s, "train epoch 2", "render confusion", "record stop")
        let r = try replay(folder + "/r.txt")
        #expect(r.state.model.network!.snapshot() == s.state.model.network!.snapshot(), "same weights")
        #expect(r.state.model.metrics == s.state.model.metrics, "same curves")
    }

    @Test func aRecordingStartedMidSessionReplays() throws {
        let folder = temporaryFolder("rec")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        s.state.outputs.folder = folder
        try run(s, "set seed 2", "load mnist --train 400 --test 60 --random", "split validation 40", "net preset lenet5",
                "set loss mse", "train step 5", "augment shift 1")
        try run(s, "record start \(folder)/mid.txt")
        #expect(FileManager.default.fileExists(atPath: folder + "/mid.start.safetensors"), "a checkpoint beside the recording")
        try run(s, "train step 7", "set lr 0.01", "train epoch", "record stop")
        let r = try replay(folder + "/mid.txt")
        #expect(r.state.model.network!.snapshot() == s.state.model.network!.snapshot(), "same weights")
        #expect(r.state.model.trainer?.stepsTaken == s.state.model.trainer?.stepsTaken)
        #expect(r.state.model.metrics == s.state.model.metrics)
    }

    @Test func aRecordingOfDataOnlyNeedsNoCheckpoint() throws {
        let folder = temporaryFolder("rec")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        try run(s, "set seed 4", "load mnist --train 300 --test 30 --random", "split validation 0.1", "record start \(folder)/d.txt",
                "net preset mlp", "train step 3", "record stop")
        let text = try String(contentsOfFile: folder + "/d.txt", encoding: .utf8)
        #expect(!text.contains("checkpoint"))
        #expect(text.contains("load mnist --train 300 --test 30 --random\n") && text.contains("split validation 30\n"))
        let r = try replay(folder + "/d.txt")
        #expect(r.state.model.network!.snapshot() == s.state.model.network!.snapshot())
    }

    /// Found by the attacker review: `record start .` crashed, `record start FOLDER` wrote
    /// FOLDER.start.safetensors beside it before failing, and an unrelated file at the
    /// checkpoint's name was replaced. Now nothing is written unless the name is a file's.
    @Test func badScriptNamesWriteNothing() throws {
        let folder = temporaryFolder("rec")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        try run(s, "load mnist --train 100 --test 10", "net preset mlp")
        try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: false)
        try "mine".write(toFile: folder + "/my.start.safetensors", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: folder + "/link.txt", withDestinationPath: folder + "/target.txt")
        let before = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        for (name, expected) in [(".", "names a folder"), ("./", "names a folder"), (folder + "/sub", "is a folder"), (folder + "/sub/.", "names a folder"),
                                 (folder + "/link.txt", "symbolic link"), (folder + "/my.txt", "is not a DigitLab checkpoint")] {
            #expect(errorOf(s, "record start \(name)").contains(expected), "\(name)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == before)
        #expect(try String(contentsOfFile: folder + "/my.start.safetensors", encoding: .utf8) == "mine")
        #expect(s.recorder == nil)
    }
}
