import DigitLabIO
import Foundation
import Testing
@testable import DigitLabShell

/// Notebooks keep each cell as it was when it ran: its text, its epoch lines, its
/// pictures byte for byte — never the files as they are at export time.
@Suite(.serialized) struct NotebookTests {
    func trainedSession(_ folder: String) throws -> Session {
        let s = session()
        s.state.outputs.folder = folder
        try run(s, "load mnist --train 400 --test 60", "split validation 40", "net preset mlp", "render confusion", "train epoch", "render confusion")
        return s
    }

    @Test func eachCellKeepsItsOwnPictureAndEpochLines() throws {
        let folder = temporaryFolder("nb")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = try trainedSession(folder)
        #expect(FileManager.default.fileExists(atPath: folder + "/confusion-test.png"))
        #expect(FileManager.default.fileExists(atPath: folder + "/confusion-test-2.png"), "the second render does not overwrite the first")
        try run(s, "render confusion to \(folder)/c.png")
        #expect(FileManager.default.fileExists(atPath: folder + "/c.png"), "`to FILE` writes exactly FILE")
        _ = errorOf(s, "net add conv 2 99x99")
        let exported = try run(s, "export notebook \(folder)/n.ipynb")
        #expect(exported == "wrote \(folder)/n.ipynb: 8 cells, 3 pictures", "\(exported)")
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/n.ipynb"))
        let nb = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(nb["nbformat"] as? Int == 4 && nb["nbformat_minor"] as? Int == 5)
        let cells = try #require(nb["cells"] as? [[String: Any]])
        func outputs(_ source: String) -> [[String: Any]] {
            cells.filter { ($0["source"] as? [String])?.joined() == source }.flatMap { ($0["outputs"] as? [[String: Any]]) ?? [] }
        }
        let pngs = outputs("render confusion").compactMap { ($0["data"] as? [String: Any])?["image/png"] as? String }
        #expect(pngs.count == 2 && pngs[0] != pngs[1], "two different confusion matrices, before and after training")
        let onDisk = try Data(contentsOf: URL(fileURLWithPath: folder + "/confusion-test.png")).base64EncodedString()
        #expect(pngs[0] == onDisk)
        let epoch = outputs("train epoch").compactMap { ($0["text"] as? [String])?.joined() }.joined()
        #expect(epoch.hasPrefix("epoch 1: train loss "), "the epoch line is in its cell")
        #expect(outputs("net add conv 2 99x99").first?["output_type"] as? String == "error")
        #expect(!String(decoding: data, as: UTF8.self).contains("\u{1B}"), "no escape codes")
        let validator = try #require(Self.nbformatValidator(), "Debian's python3-nbformat (`make deps` installs it)")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: validator)
        p.arguments = ["-c", "import nbformat, sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", folder + "/n.ipynb"]
        try p.run(); p.waitUntilExit()
        #expect(p.terminationStatus == 0, "nbformat.validate accepts the notebook")
    }

    /// python3 with the nbformat package (Debian's python3-nbformat), if installed.
    static func nbformatValidator() -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = ["-c", "import nbformat"]
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        p.waitUntilExit()
        return p.terminationStatus == 0 ? "/usr/bin/python3" : nil
    }

    @Test func htmlIsSelfContainedAndPlain() throws {
        let folder = temporaryFolder("nb")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = try trainedSession(folder)
        try run(s, "predict test 3", "show test 0..1")
        try run(s, "export notebook \(folder)/n.html")
        let page = try String(contentsOfFile: folder + "/n.html", encoding: .utf8)
        #expect(page.contains("&gt; load mnist --train 400 --test 60"))
        #expect(page.components(separatedBy: "src=\"data:image/png;base64,iVBORw0KGgo").count - 1 == 4, "two confusions and two digit strips embedded")
        #expect(page.contains("epoch 1: train loss"))
        #expect(!page.contains("\u{1B}"), "no escape codes in the page")
    }

    @Test func markdownLinksWhatIsStillThereAndKeepsWhatChanged() throws {
        let folder = temporaryFolder("nb")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = try trainedSession(folder)
        try run(s, "render curves to \(folder)/same.png", "train epoch", "render curves to \(folder)/same.png")
        try run(s, "export notebook \(folder)/n.md")
        let md = try String(contentsOfFile: folder + "/n.md", encoding: .utf8)
        #expect(md.contains("](confusion-test.png)") && md.contains("](confusion-test-2.png)"))
        #expect(md.contains("](n_files/7-same.png)"), "the overwritten picture is kept as it was: \(md)")
        #expect(md.contains("](same.png)"))
        let kept = try Data(contentsOf: URL(fileURLWithPath: folder + "/n_files/7-same.png"))
        #expect(kept != (try Data(contentsOf: URL(fileURLWithPath: folder + "/same.png"))))
    }

    @Test func lessonProseBecomesTextCells() throws {
        let folder = temporaryFolder("nb")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        s.quickLimit = (5000, 500) // quick mode as documented: lesson 01 checks these counts
        s.lessonProgressFile = folder + "/progress"
        try run(s, "lesson start 01")
        while s.pendingLessonCommand != nil { _ = try s.lessonEnter() }
        try run(s, "export notebook \(folder)/l.ipynb")
        let nb = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/l.ipynb"))) as? [String: Any]
        let cells = nb?["cells"] as? [[String: Any]] ?? []
        let markdown = cells.filter { $0["cell_type"] as? String == "markdown" }.compactMap { ($0["source"] as? [String])?.joined() }
        let lesson = try Lesson.load(packageRoot + "/lessons/01-meet-the-data.lesson")
        let prose = lesson.steps.compactMap { if case .prose(let p) = $0 { return p } else { return nil } }
        #expect(prose.count >= 3)
        for p in prose { #expect(markdown.contains(p), "every paragraph is a text cell: \(p.prefix(40))") }
    }

    @Test func aLongSessionStaysSmall() throws {
        let s = session()
        try run(s, "load mnist --train 100 --test 10")
        for _ in 0..<2000 { _ = try s.run("set lr 0.1") }
        #expect(s.journal.count == 2001)
        var n = 0
        s.journal.forEach { _ in n += 1 }
        #expect(n == 2001, "kept on disk and read back")
    }
}
