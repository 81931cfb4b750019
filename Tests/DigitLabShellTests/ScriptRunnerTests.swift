import Foundation
import Testing
@testable import DigitLabShell

@Suite struct ScriptRunnerTests {
    @Test func firstFailingLineStopsWithFileAndLine() {
        var out = [String](), err = [String]()
        let script = ["# a comment", "", "load mnist --train 100 --test 10", "net preset mlp", "trian step", "data"]
        let status = ScriptRunner.run(lines: script, source: "lesson.txt", session: session(),
                                      write: { out.append($0) }, writeError: { err.append($0) })
        #expect(status == 1)
        #expect(err == ["lesson.txt:5: unknown command 'trian' — did you mean train?"])
        #expect(out.joined().contains("settings for mlp"), "the lines before ran")
        #expect(!out.joined().contains("class balance"), "the line after the failure never ran")
    }

    @Test func crlfScriptsRun() {
        var err = [String]()
        let status = ScriptRunner.run(lines: Tokenizer.lines("\u{FEFF}load mnist --train 100 --test 10\r\nnet preset mlp\r\ndata\r\n"),
                                      source: "s", session: session(), write: { _ in }, writeError: { err.append($0) })
        #expect(status == 0, "\(err)")
    }

    @Test func replayingAScriptGivesTheSameTranscript() {
        let script = ["load mnist --train 320 --test 50", "split validation 32", "net preset lenet5",
                      "train step 3", "train epoch", "eval"]
        func transcript() -> [String] {
            var out = [String]()
            let status = ScriptRunner.run(lines: script, source: "s", session: session(), write: { out.append($0) })
            #expect(status == 0)
            // Timings differ between runs; everything else must not.
            return out.map { $0.replacing(/\| [0-9.]+ s, [0-9,]+ images\/s/, with: "| T") }
        }
        #expect(transcript() == transcript())
    }

    @Test func epochLinesPrintAsTheyHappen() {
        var out = [String]()
        _ = ScriptRunner.run(lines: ["load mnist --train 200 --test 10", "net preset mlp", "train epoch 2"], source: "s", session: session(), write: { out.append($0) })
        #expect(out.filter { $0.hasPrefix("epoch ") }.count == 2, "each epoch once, as its own line: \(out)")
    }

    @Test func quitEndsTheRun() {
        var out = [String]()
        let status = ScriptRunner.run(lines: ["help quit", "quit", "bogus"], source: "s", session: session(), write: { out.append($0) })
        #expect(status == 0 && out.count == 1)
    }
}
