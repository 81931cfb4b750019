import Foundation
import Testing
@testable import DigitLabShell

/// Examples are tests: every lesson replays on a small subset (the documented quick
/// mode) and its checks pass. Serialized: lessons write to outputs/ by design.
@Suite(.serialized) struct LessonTests {
    static let lessonFiles = ((try? FileManager.default.contentsOfDirectory(atPath: packageRoot + "/lessons")) ?? [])
        .filter { $0.hasSuffix(".lesson") }.sorted()

    func replay(_ name: String) throws -> (status: Int32, transcript: [String], errors: [String]) {
        let path = "lessons/" + name
        let lesson = try Lesson.load(packageRoot + "/" + path)
        let s = session()
        s.quickLimit = (5000, 500)
        var out = [String](), err = [String]()
        let status = LessonRunner.run(lesson, file: path, session: s, write: { out.append($0) }, writeError: { err.append($0) })
        // Timings differ between runs; everything else must not.
        let masked = out.map { $0.replacing(/\| [0-9.]+ s, [0-9,]+ images\/s/, with: "| T") }
        return (status, masked, err)
    }

    @Test func thereIsACurriculum() {
        #expect(Self.lessonFiles.count >= 8)
    }

    @Test(arguments: lessonFiles)
    func lessonReplaysAndItsChecksPass(name: String) throws {
        #expect(FileManager.default.changeCurrentDirectoryPath(packageRoot)) // lessons use paths from the DigitLab folder
        let r = try replay(name)
        #expect(r.status == 0, "\(name): \(r.errors)")
        #expect(r.transcript.contains { $0.hasPrefix("✓ ") }, "\(name) checks something")
    }

    @Test func replayingTwiceGivesTheSameTranscriptAndPictures() throws {
        #expect(FileManager.default.changeCurrentDirectoryPath(packageRoot))
        let first = try replay("05-testing-and-errors.lesson")
        let pictures = ["outputs/confusion-test.png", "outputs/misclassified-test.png"]
        let bytes = try pictures.map { try Data(contentsOf: URL(fileURLWithPath: packageRoot + "/" + $0)) }
        let second = try replay("05-testing-and-errors.lesson")
        #expect(first.transcript == second.transcript)
        #expect(try pictures.map { try Data(contentsOf: URL(fileURLWithPath: packageRoot + "/" + $0)) } == bytes)
    }

    @Test func malformedLessonsGiveFileAndLine() {
        func error(_ text: String) -> String {
            do { _ = try Lesson.parse(text, name: "x", file: "x.lesson"); return "no error" } catch { return error.message }
        }
        #expect(error("# title: T\n\n> lod mnist\n") == "x.lesson:3: unknown command in 'lod mnist'")
        #expect(error("# title: T\nexpect test.acc >= 1\n") == "x.lesson:2: expect: unknown value 'test.acc' — one of test.accuracy, validation.accuracy, train.accuracy, test.loss, validation.loss, train.loss, train.count, test.count, validation.count, network.layers, network.parameters, epochs, steps, or file PATH")
        #expect(error("# title: T\nexpect test.accuracy => 0.9\n") == "x.lesson:2: expect: write `expect test.accuracy OP VALUE [quick VALUE]` with OP one of >=, >, <=, <")
        #expect(error("# level: 3\n") == "x.lesson:1: unknown header 'level' — title, summary or minutes")
        #expect(error("just prose\n") == "x.lesson:1: a lesson needs a `# title: …` line")
        #expect(error("# title: T\n# minutes: soon\n") == "x.lesson:2: minutes must be a whole number, got 'soon'")
    }

    @Test func aFailingCheckStopsTheRunWithItsLine() {
        let lesson = try! Lesson.parse("# title: T\n> load mnist --train 100 --test 10\nexpect train.count >= 500\n> data\n", name: "t", file: "t.lesson")
        var err = [String](), out = [String]()
        let status = LessonRunner.run(lesson, file: "t.lesson", session: session(), write: { out.append($0) }, writeError: { err.append($0) })
        #expect(status == 1)
        #expect(err == ["t.lesson:3: expectation failed: train.count is 100.0000, expected >= 500.0"])
        #expect(!out.contains("> data"), "nothing after the failure runs")
    }
}
