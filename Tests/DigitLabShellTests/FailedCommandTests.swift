import Foundation
import Testing
@testable import DigitLabShell

/// "A failed command leaves the session as it was": every command's error cases, run on
/// a session with data, a trained network, curves, a run and pictures, must leave its
/// fingerprint (settings, generator, data, weights, trainer, curves, files written,
/// recording, lesson) unchanged, write no file, and fail with one line.
@Suite struct FailedCommandTests {
    static let failing = [
        // Parsing: nothing reaches the session.
        "trian epoch", "set lr 2 x", "set batch 7 oops", "set init he oops", "set seed 7 x", "set lr", "set lr nan",
        "set lr inf", "set batch 0", "set batch 9223372036854775807", "set momentum 1", "set schedule step 0 0.5",
        "set memory-limit lots", "set pictures cinema", "net add conv 4 3x3 pad 9223372036854775807", "net add dense 0",
        "net add conv 8 9x9x9", "net add dropout 1", "net add relu bogus", "load", "load mnist --train 0",
        "load mnist --train", "split validation", "split testing 5", "augment rotate 500", "augment shift",
        "show train", "show train 5..1", "train until accuracy > 1", "train step -1", "eval test#x", "predict test x",
        "render", "render confusion to", "render saliency -1", "render filters x", "lesson start", "record",
        "export notebook", "save model", "help nothing-like-this", "quit now", "history 2", "\"unterminated",
        // Running: validation fails before anything changes.
        "split validation 2.5", "split validation 100000", "show test 999", "predict test 999", "predict validation 999",
        "predict drawing", "net add conv 8 30x30", "net add relu conv 8 30x30", "net add maxpool 28 maxpool 2",
        "render filters 99", "render filters 2", "render activations 9 0", "render saliency 999", "render trace 0 to x.jpg",
        "render confusion to x.jpg", "eval validation2", "load idx /no/such/folder",
        "load model /no/such/model.safetensors", "load checkpoint /no/such.safetensors", "load folder /no/such",
        "predict file /no/such.png", "lesson start no-such-lesson", "lesson stop", "next", "record stop",
        "export notebook x.pdf", "run name \"run 1\"", "save model missing-folder/m.safetensors",
        "render confusion to missing-folder/c.png", "train until validation.accuracy > 0.5 max 0",
        "explain conv x", "explain dense 0 layer 2", "explain dense 0 unit 999", "render compare no-such-run", "help zzyzx",
        "preprocess cooked", "draw save outputs/d.png", "render trace drawing", "explain softmax 9999", "draw",
    ]

    @Test func everyFailureLeavesTheSessionAsItWas() throws {
        let folder = temporaryFolder("failed")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        s.state.outputs.folder = folder
        s.lessonProgressFile = folder + "/progress"
        try run(s, "load mnist --train 300 --test 40", "split validation 30", "net preset mlp", "train step 2",
                "net reset", "train step 3", "set schedule cosine 2", "augment shift 1", "render confusion")
        try inFolder(folder) { // relative writes would land here
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        let before = fingerprint(s)
        for line in Self.failing {
            let message = errorOf(s, line)
            #expect(message != "no error", "\(line) should fail")
            #expect(!message.contains("\n") && !message.isEmpty, "\(line): one line")
            let after = fingerprint(s)
            let changed = zip(before.components(separatedBy: "\n"), after.components(separatedBy: "\n")).filter { $0 != $1 }.map { "\($0.0)\n  → \($0.1)" }
            #expect(changed.isEmpty, "\(line) changed the session (\(message)):\n\(changed.joined(separator: "\n"))")
        }
        let now = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(now == files, "a failed command wrote a file: \(Set(now).subtracting(files).sorted())")
        }
    }

    /// A failed line is in `history` once, to fix and run again: a line that parsed and
    /// failed while running was listed twice (a newcomer's review).
    @Test func aFailedLineIsInTheHistoryOnce() throws {
        let s = session()
        try run(s, "load mnist --train 100 --test 10")
        for line in ["trian epoch", "split validation 100000", "help neuron"] {
            _ = errorOf(s, line)
            #expect(s.history.filter { $0 == line }.count == 1, "\(line): \(s.history)")
        }
    }

    /// The replay of a session with a failed command gives the live numbers: the failed
    /// line is not recorded, and it changed nothing.
    @Test func aFailedSetDoesNotDivergeTheReplay() throws {
        let folder = temporaryFolder("replay")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        try run(s, "record start \(folder)/r.txt", "load mnist --train 400 --test 100", "net preset mlp")
        #expect(errorOf(s, "set lr 2 x") != "no error")
        try run(s, "train epoch", "record stop")
        #expect(s.state.settings.training.learningRate == 0.1)
        let replay = session()
        let script = try String(contentsOfFile: folder + "/r.txt", encoding: .utf8)
        #expect(ScriptRunner.run(lines: Tokenizer.lines(script), source: "r.txt", session: replay, write: { _ in }) == 0)
        #expect(replay.state.model.network!.snapshot() == s.state.model.network!.snapshot())
    }
}
