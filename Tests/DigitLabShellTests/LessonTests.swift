import Foundation
import Testing
@testable import DigitLabShell

/// Examples are tests: every lesson replays on a small subset (the documented quick
/// mode) and its checks pass. Serialized: lessons write to outputs/ by design.
@Suite(.serialized) struct LessonTests {
    static let lessonFiles = ((try? FileManager.default.contentsOfDirectory(atPath: packageRoot + "/lessons")) ?? [])
        .filter { $0.hasSuffix(".lesson") }.sorted()

    func replay(_ name: String, text: String? = nil) throws -> (status: Int32, transcript: [String], errors: [String]) {
        let path = "lessons/" + name
        let lesson = try text.map { try Lesson.parse($0, name: name, file: path) } ?? Lesson.load(packageRoot + "/" + path)
        let s = session()
        s.quickLimit = (5000, 500)
        var out = [String](), err = [String]()
        let status = LessonRunner.run(lesson, file: path, session: s, write: { out.append(plain.render($0)) }, writeError: { err.append($0) })
        // Timings differ between runs; everything else must not.
        let masked = out.map { $0.replacing(/\| [0-9.]+ s, [0-9,]+ images\/s/, with: "| T") }
        return (status, masked, err)
    }

    @Test func thereIsACurriculum() {
        #expect(Self.lessonFiles.count >= 16)
    }

    @Test(arguments: lessonFiles)
    func lessonReplaysAndItsChecksPass(name: String) throws {
        try inFolder(packageRoot) {
            let r = try replay(name)
            #expect(r.status == 0, "\(name): \(r.errors)")
            #expect(r.transcript.contains { $0.hasPrefix("✓ ") }, "\(name) checks something")
        }
    }

    @Test func replayingTwiceGivesTheSameTranscriptAndPictures() throws {
        try inFolder(packageRoot) {
            let first = try replay("10-testing-and-errors.lesson")
            let pictures = ["outputs/confusion-test.png", "outputs/misclassified-test.png"]
            let bytes = try pictures.map { try Data(contentsOf: URL(fileURLWithPath: packageRoot + "/" + $0)) }
            let second = try replay("10-testing-and-errors.lesson")
            #expect(first.transcript == second.transcript)
            #expect(try pictures.map { try Data(contentsOf: URL(fileURLWithPath: packageRoot + "/" + $0)) } == bytes)
        }
    }

    @Test func crlfLessonsRunAndDoSomething() throws {
        try inFolder(packageRoot) {
            let text = "\u{FEFF}# title: T\r\n\r\nSome prose.\r\n\r\n> load mnist --train 100 --test 10\r\n\r\nexpect train.count >= 100\r\n"
            let r = try replay("crlf.lesson", text: text)
            #expect(r.status == 0, "\(r.errors)")
            #expect(r.transcript.contains("> load mnist --train 100 --test 10"))
            #expect(r.transcript.contains { $0.hasPrefix("✓ train.count >= 100") })
        }
    }

    @Test func lessonsWriteOnlyUnderOutputs() throws {
        let folder = temporaryFolder("escape")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try inFolder(packageRoot) {
            for target in ["\(folder)/x.txt", "../x.txt", "outputs/../x.txt", "x.txt"] {
                let r = try replay("w.lesson", text: "# title: W\n> record start \(target)\n")
                #expect(r.status == 1)
                #expect(r.errors.first?.hasSuffix(": not written: only files under outputs/ may be written here (relative paths that stay inside it) — run it with --allow-writes to let it write elsewhere") == true, "\(target): \(r.errors)")
            }
            #expect(!FileManager.default.fileExists(atPath: folder + "/x.txt"))
        }
    }

    @Test func malformedLessonsGiveFileAndLine() {
        func error(_ text: String) -> String {
            do { _ = try Lesson.parse(text, name: "x", file: "x.lesson"); return "no error" } catch { return error.message }
        }
        #expect(error("# title: T\n\n> lod mnist\n") == "x.lesson:3: unknown command 'lod' — did you mean load?")
        #expect(error("# title: T\nexpect test.acc >= 1\n").hasPrefix("x.lesson:2: expect: unknown value 'test.acc' — one of test.accuracy"))
        #expect(error("# title: T\nexpect test.accuracy => 0.9\n") == "x.lesson:2: expect: write `expect VALUE OP VALUE [quick NUMBER] [try WHAT TO DO]` with OP one of >=, >, <=, <")
        #expect(error("# level: 3\n") == "x.lesson:1: unknown header 'level' — title, summary, minutes or requires")
        #expect(error("just prose\n") == "x.lesson:1: a lesson needs a `# title: …` line")
        #expect(error("# title: T\n# minutes: soon\n") == "x.lesson:2: minutes must be a whole number, got 'soon'")
    }

    @Test func aFailingCheckStopsTheRunWithItsLine() throws {
        let lesson = try Lesson.parse("# title: T\n> load mnist --train 100 --test 10\nexpect train.count >= 500 try load more images\n> data\n", name: "t", file: "t.lesson")
        var err = [String](), out = [String]()
        let status = LessonRunner.run(lesson, file: "t.lesson", session: session(), write: { out.append(plain.render($0)) }, writeError: { err.append($0) })
        #expect(status == 1)
        #expect(err == ["t.lesson:3: expected train.count >= 500, but it is 100 — try: load more images"])
        #expect(!out.contains("> data"), "nothing after the failure runs")
    }
}

/// Guided lessons at the prompt: a clean session of their own, Enter runs the shown
/// command, a failed check waits, progress resumes with the state rebuilt.
@Suite(.serialized) struct GuideTests {
    func guided(_ folder: String) -> Session {
        let s = session()
        s.quickLimit = (5000, 500)
        s.lessonProgressFile = folder + "/progress"
        s.state.outputs.folder = folder + "/outputs"
        return s
    }

    @Test func enterRunsNextSkipsProgressIsRemembered() throws {
        let folder = temporaryFolder("guide")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = guided(folder)
        #expect(try run(s, "lesson list").contains("01-meet-the-data"))
        let start = try run(s, "lesson start 01")
        #expect(start.hasPrefix("== Meet the data =="))
        #expect(start.hasSuffix("next: > load mnist\n  (Enter runs it; type your own commands any time; `next` skips it)"))
        let step = plain.render(try #require(try s.lessonEnter()))
        #expect(step.hasPrefix("> load mnist\nloaded mnist"))
        #expect(step.contains("next: > data"))
        #expect(!(try run(s, "help data")).contains("next:"), "the learner's own command: the lesson waits")
        #expect(try run(s, "data").contains("next: > render samples train 30"), "typing the shown command moves on, like Enter")
        try run(s, "lesson stop")
        #expect(try run(s, "lesson list").contains("step "), "progress remembered")
        let resumed = guided(folder)
        let again = try run(resumed, "lesson start 01")
        #expect(again.contains("resuming at step"))
        #expect(resumed.state.data.dataset?.name == "mnist", "resuming replays the steps before, so their state exists")
        #expect(!FileManager.default.fileExists(atPath: folder + "/outputs/samples-train.png"))
        let skipped = try run(resumed, "next")
        #expect(!FileManager.default.fileExists(atPath: folder + "/outputs/samples-train.png"), "`next` skips the step: \(skipped)")
        #expect(errorOf(resumed, "lesson start 99") == "lesson start: no lesson '99' — `lesson list` shows them")
    }

    @Test func aLessonRunsInACleanSessionAndGivesYoursBack() throws {
        let folder = temporaryFolder("guide")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = guided(folder)
        try run(s, "load mnist --train 300 --test 30", "net preset lenet5", "set lr 0.7", "augment shift 3", "set seed 11")
        let mine = fingerprint(s)
        try run(s, "lesson start 01")
        #expect(s.state.data.dataset == nil && s.state.model.network == nil)
        #expect(s.state.settings.training.learningRate == 0.1 && s.state.settings.seed == 0 && s.state.data.augmentation.isIdentity)
        _ = try s.lessonEnter()
        try run(s, "lesson stop")
        #expect(fingerprint(s) == mine, "the learner's session comes back as it was")
    }

    @Test func aFailedCheckWaitsAndTheLessonIsNotMarkedDone() throws {
        let folder = temporaryFolder("guide")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let lessons = folder + "/home/lessons"
        try FileManager.default.createDirectory(atPath: lessons, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder + "/home/data", withDestinationPath: packageRoot + "/data")
        try "# title: Checks\n> load mnist --train 100 --test 10\nexpect train.count >= 200 try load more: > load mnist --train 300\nDone.\n"
            .write(toFile: lessons + "/90-checks.lesson", atomically: true, encoding: .utf8)
        let s = Session(locator: .init(explicit: folder + "/home"))
        s.lessonProgressFile = folder + "/progress"
        try run(s, "lesson start 90")
        let failed = plain.render(try #require(try s.lessonEnter()))
        #expect(failed.contains("✗ expected train.count >= 200, but it is 100"))
        #expect(failed.contains("what to try: load more: > load mnist --train 300"))
        #expect(plain.render(try #require(try s.lessonEnter())).contains("✗ expected"), "Enter checks again")
        try run(s, "load mnist --train 300 --test 10")
        let passed = plain.render(try #require(try s.lessonEnter()))
        #expect(passed.contains("✓ train.count >= 200") && passed.contains("lesson complete: Checks ✓"))
        #expect(s.loadLessonProgress()["90-checks"] == -1)
        // Skipping the check instead: the lesson ends but is not complete.
        let t = Session(locator: .init(explicit: folder + "/home"))
        t.lessonProgressFile = folder + "/progress2"
        try run(t, "lesson start 90")
        _ = try t.lessonEnter()
        #expect(try run(t, "next").contains("not marked complete"))
        #expect(t.loadLessonProgress()["90-checks"] != -1)
        // Stopped at a failed check: `lesson stop`, `lesson list` and the resume name the same step.
        let u = Session(locator: .init(explicit: folder + "/home"))
        u.lessonProgressFile = folder + "/progress3"
        try run(u, "lesson start 90")
        _ = try u.lessonEnter()
        #expect(try run(u, "lesson stop").contains("stopped at step 2 of 3"))
        #expect(try run(u, "lesson list").contains("step 2/3"))
        #expect(try run(u, "lesson start 90").contains("resuming at step 2 of 3"))
    }
}
