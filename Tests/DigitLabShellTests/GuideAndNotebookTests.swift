import DigitLabIO
import Foundation
import Testing
@testable import DigitLabShell

@Suite(.serialized) struct GuideAndNotebookTests {
    func temporaryFolder() -> String {
        let f = NSTemporaryDirectory() + "digitlab-guide-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: f, withIntermediateDirectories: true)
        return f
    }

    @Test func guidedLessonRunsOnEnterSkipsWithNextAndRemembers() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        s.quickLimit = (5000, 500)
        s.lessonProgressFile = folder + "/progress"
        let list = try run(s, "lesson list")
        #expect(list.contains("01-meet-the-data") && list.contains("Meet the data"))
        let start = try run(s, "lesson start 01")
        #expect(start.hasPrefix("== Meet the data =="))
        #expect(start.hasSuffix("  next: > load mnist\n  (Enter runs it; type your own commands any time; `next` skips it)"))
        // Enter runs the shown command, shows the next prose and command.
        let step = try s.runPendingLessonCommand()
        #expect(step.hasPrefix("> load mnist\nloaded mnist"))
        #expect(step.contains("next: > data"))
        // The learner types their own command: the lesson waits.
        #expect(!(try run(s, "help data")).contains("next:"))
        // Typing the shown command itself moves on, like Enter.
        #expect(try run(s, "data").contains("next: > show train 0..9"))
        #expect(try run(s, "next").contains("next: > render samples train 30"))
        try run(s, "lesson stop")
        #expect(try run(s, "lesson list").contains("step "), "progress remembered")
        let resumed = session()
        resumed.lessonProgressFile = folder + "/progress"
        #expect(try run(resumed, "lesson start 01").contains("resuming at step"))
        #expect(errorOf(resumed, "lesson start 99") == "lesson start: no lesson '99' — `lesson list` shows them")
    }

    @Test func recordingReplaysToTheSameState() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        try run(s, "set seed 3", "record start \(folder)/s.txt", "load mnist --train 300 --test 50", "net preset mlp", "train step 4")
        _ = errorOf(s, "trian step") // a failed command changes nothing, so it is not recorded
        let stop = try run(s, "record stop")
        #expect(stop == "stopped recording: 3 commands in \(folder)/s.txt (replay with `digitlab run \(folder)/s.txt`)")
        let script = try String(contentsOfFile: folder + "/s.txt", encoding: .utf8)
        #expect(script.contains("set seed 3\n") && !script.contains("trian"))
        let replay = session()
        let status = ScriptRunner.run(lines: script.split(separator: "\n").map(String.init), source: "s.txt", session: replay, write: { _ in })
        #expect(status == 0)
        #expect(replay.network!.snapshot() == s.network!.snapshot(), "the replay trains the same weights")
    }

    @Test func notebookHTMLEmbedsPicturesAndMarkdownLinksThem() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        s.outputFolder = folder
        try run(s, "load mnist --train 300 --test 50", "render samples train 4")
        _ = errorOf(s, "net add conv 2 99x99")
        let html = try run(s, "export notebook \(folder)/n.html")
        #expect(html == "wrote \(folder)/n.html: 3 commands, 1 pictures")
        let page = try String(contentsOfFile: folder + "/n.html", encoding: .utf8)
        #expect(page.contains("&gt; load mnist --train 300 --test 50"))
        #expect(page.contains("src=\"data:image/png;base64,iVBORw0KGgo"), "the PNG is embedded")
        #expect(page.contains("class=\"err\""), "failed commands are shown as errors")
        try run(s, "export notebook \(folder)/n.md")
        let md = try String(contentsOfFile: folder + "/n.md", encoding: .utf8)
        #expect(md.contains("![\(folder)/samples-train.png](samples-train.png)"))
        #expect(errorOf(s, "export notebook \(folder)/n.pdf") == "export notebook: the file must end in .html or .md, got '\(folder)/n.pdf'")
    }

    @Test func manifestsCatchAnyChangedByte() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        s.outputFolder = folder
        try run(s, "load mnist --train 300 --test 50", "net preset mlp", "train epoch", "render confusion",
                "save model \(folder)/m.safetensors")
        let manifest = try Manifest.make(s.artifacts)
        #expect(manifest.split(separator: "\n").count == 2)
        #expect(Manifest.verify(manifest).problems.isEmpty)
        var bytes = [UInt8](FileManager.default.contents(atPath: folder + "/m.safetensors")!)
        bytes[bytes.count - 1] ^= 1
        try AtomicFile.write(bytes, to: folder + "/m.safetensors")
        #expect(Manifest.verify(manifest).problems.first?.hasPrefix("\(folder)/m.safetensors: differs") == true)
    }
}
