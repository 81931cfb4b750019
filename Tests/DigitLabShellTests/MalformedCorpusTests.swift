import Foundation
import Testing
@testable import DigitLabShell

/// Tests/Malformed*: every malformed file goes through the real command and must give
/// its expected one-line error (a prefix match: zlib and libpng add their own details).
/// The session must survive: after each failure a good command still works.
@Suite struct MalformedCorpusTests {
    static let root = packageRoot + "/Tests/Malformed"

    static func cases(_ folder: String) -> [(name: String, expected: String)] {
        let text = (try? String(contentsOfFile: root + "/\(folder)/expected.txt", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { line in
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            return (parts[0], parts[1])
        }
    }

    func expectOneLine(_ actual: String, _ expected: String, _ name: String) {
        #expect(actual.hasPrefix(expected), "\(name):\n  got      \(actual)\n  expected \(expected)")
        #expect(!actual.contains("\n"), "\(name): one line")
    }

    @Test func thereAreAtLeastFortyCases() {
        let total = ["MalformedIDX", "MalformedPNG", "MalformedSafetensors", "MalformedLessons"].reduce(0) { $0 + Self.cases($1).count }
        #expect(total >= 40)
    }

    @Test func idxFoldersThroughLoadIdx() throws {
        let s = session()
        for (name, expected) in Self.cases("MalformedIDX") {
            let dir = Self.root + "/MalformedIDX/" + name
            expectOneLine(errorOf(s, "load idx \(dir)"), expected.replacingOccurrences(of: "{D}", with: dir), name)
            #expect(s.state.data.dataset == nil, "\(name): a failed load changes nothing")
        }
        try run(s, "load mnist --train 10 --test 10") // the session goes on
    }

    @Test func picturesThroughPredictFile() throws {
        let s = session()
        try run(s, "load model \(packageRoot)/models/default.safetensors")
        for (name, expected) in Self.cases("MalformedPNG") {
            let path = Self.root + "/MalformedPNG/" + name
            expectOneLine(errorOf(s, "predict file \(path)"), expected.replacingOccurrences(of: "{F}", with: path), name)
        }
        #expect(s.state.model.network != nil)
    }

    @Test func modelsThroughLoadModel() throws {
        let s = session()
        try run(s, "net preset mlp")
        let before = s.state.model.network!.snapshot()
        for (name, expected) in Self.cases("MalformedSafetensors") {
            let path = Self.root + "/MalformedSafetensors/" + name
            expectOneLine(errorOf(s, "load model \(path)"), expected.replacingOccurrences(of: "{F}", with: path), name)
        }
        #expect(s.state.model.network!.snapshot() == before, "a refused model leaves the network as it was")
    }

    @Test func lessonsAndScriptsThroughRun() throws {
        try inFolder(packageRoot) {
            for (name, expected) in Self.cases("MalformedLessons") {
                let path = Self.root + "/MalformedLessons/" + name
                var errors = [String]()
                if name.hasSuffix(".lesson") {
                    do {
                        let lesson = try Lesson.load(path)
                        _ = LessonRunner.run(lesson, file: path, session: session(), write: { _ in }, writeError: { errors.append($0) })
                    } catch let error as CommandError { errors.append(error.message) }
                } else {
                    let lines = Tokenizer.lines(try String(contentsOfFile: path, encoding: .utf8))
                    _ = ScriptRunner.run(lines: lines, source: path, session: session(), write: { _ in }, writeError: { errors.append($0) })
                }
                #expect(errors.count == 1, "\(name): \(errors)")
                expectOneLine(errors.first ?? "", expected.replacingOccurrences(of: "{F}", with: path), name)
            }
        }
    }
}
