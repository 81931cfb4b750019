import DigitLabIO
import DigitLabVision
import Foundation
import Testing
@testable import DigitLabShell

/// The one-digit judge and the in-line digit network that `read` and `predict file
/// --number` load from the DigitLab folder: without either numbers are still read, and
/// the learner is told why they may be read worse where digits touch (a damaged file was
/// passed over without a word).
@Suite struct LineHelpersTests {
    /// A DigitLab folder with MNIST, the digit model and both helpers, `name`'s file
    /// (one-digit or in-line) replaced by `bytes` (nil: none).
    static func home(replacing name: String, with bytes: [UInt8]?) throws -> String {
        let home = temporaryFolder("helpers")
        try FileManager.default.createSymbolicLink(atPath: home + "/data", withDestinationPath: packageRoot + "/data")
        try FileManager.default.createDirectory(atPath: home + "/models", withIntermediateDirectories: true)
        for model in ["default", "one-digit", "in-line"] where model != name {
            try FileManager.default.copyItem(atPath: packageRoot + "/models/\(model).safetensors", toPath: home + "/models/\(model).safetensors")
        }
        if let bytes { try Data(bytes).write(to: URL(fileURLWithPath: home + "/models/\(name).safetensors")) }
        return home
    }

    static let touching = packageRoot + "/Tests/DigitLabVisionTests/Pictures/84037-touching.png"

    @Test func theBundledHelpersLoad() {
        let helpers = LineHelpers.bundled(DataLocator(explicit: packageRoot))
        #expect(helpers.judge != nil && helpers.inLine != nil)
        #expect(helpers.problems.isEmpty, "\(helpers.problems)")
    }

    @Test func aMissingOrDamagedHelperIsSaidAndTheNumberStillRead() throws {
        let digitModel = try [UInt8](Data(contentsOf: URL(fileURLWithPath: packageRoot + "/models/default.safetensors")))
        for (name, what, without) in [("one-digit", "the one-digit judge", "digits that touch are read without the one-digit judge"),
                                      ("in-line", "the in-line digit network", "digits that overlap are read without the in-line digit network")] {
            let whole = try [UInt8](Data(contentsOf: URL(fileURLWithPath: packageRoot + "/models/\(name).safetensors")))
            for (bytes, said) in [(nil, "cannot open the file"), (Array(whole.prefix(1000)), "truncated"), (digitModel, "is not \(what)")] {
                let home = try Self.home(replacing: name, with: bytes)
                defer { try? FileManager.default.removeItem(atPath: home) }
                let helpers = LineHelpers.bundled(DataLocator(explicit: home))
                // The other one still loads.
                #expect((helpers.judge == nil) == (name == "one-digit") && (helpers.inLine == nil) == (name == "in-line"))
                let problem = helpers.problems.first
                #expect(helpers.problems.count == 1)
                #expect(problem?.contains("\(name).safetensors") == true && problem?.contains(said) == true, "\(problem ?? "no problem")")
                #expect(problem?.contains("\(without) (restore models/\(name).safetensors") == true, "\(problem ?? "no problem")")
                // So does the JSON of `read`, in its notes.
                let (network, info) = try ModelFile.load(packageRoot + "/models/default.safetensors")
                let json = try NumberPrediction.read(Self.touching, network: network, normalization: info.normalization,
                                                     classNames: info.classNames, helpers: helpers).json
                let notes = (try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["notes"] as? [String]
                #expect(notes?.contains { $0.contains(without) } == true, "\(json)")
                // The shell says so beside the number it read.
                let s = Session(locator: DataLocator(explicit: home))
                let out = try run(s, "load model models/default.safetensors", "predict file \(Self.touching) --number")
                #expect(out.contains("the network reads"))
                #expect(out.contains(without), "\(out)")
            }
        }
    }

    /// A helper is known by how it answers, not by its record alone, and `save model`
    /// keeps a loaded model's record (an attacker review): the digit model loaded and
    /// saved again while the judge's set was loaded was written as
    /// `{"dataset":"one-digit-set","epochs":0}`, taken for the judge, and "1984" was
    /// read as 44 without a note.
    @Test func aHelperIsKnownByItsAnswersNotItsRecordAlone() throws {
        let home = try Self.home(replacing: "one-digit", with: nil)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.createSymbolicLink(atPath: home + "/one-digit-set", withDestinationPath: packageRoot + "/data/mnist")
        let s = Session(locator: DataLocator(explicit: home))
        try run(s, "load idx \(home)/one-digit-set --train 100 --test 10", "load model models/default.safetensors",
                "save model \(home)/models/one-digit.safetensors")
        let (digits, saved) = try ModelFile.load(home + "/models/one-digit.safetensors")
        let (_, original) = try ModelFile.load(packageRoot + "/models/default.safetensors")
        #expect(saved.training == original.training && saved.trainedOn == "mnist", "\(saved.training)")
        // The same network under the judge's record, as a crafted file would be: refused.
        let claiming = ModelFile.Info(normalization: saved.normalization, seed: 1, classNames: saved.classNames,
                                      training: "{\"dataset\":\"one-digit-set\",\"epochs\":10}")
        try ModelFile.save(digits, info: claiming, to: home + "/models/one-digit.safetensors")
        let helpers = LineHelpers.bundled(DataLocator(explicit: home))
        #expect(helpers.judge == nil && helpers.inLine != nil)
        #expect(helpers.problems.first?.contains("one-digit.safetensors is not the one-digit judge") == true, "\(helpers.problems)")
        // The real judge with a long record (cut for showing) is still the judge.
        let (judge, judgeInfo) = try ModelFile.load(packageRoot + "/models/one-digit.safetensors")
        let long = ModelFile.Info(normalization: judgeInfo.normalization, seed: 1, classNames: judgeInfo.classNames,
                                  training: "{\"notes\":\"\(String(repeating: "x", count: 3000))\",\"dataset\":\"one-digit-set\"}")
        try ModelFile.save(judge, info: long, to: home + "/models/one-digit.safetensors")
        let again = LineHelpers.bundled(DataLocator(explicit: home))
        #expect(again.judge != nil && again.problems.isEmpty, "\(again.problems)")
    }

    /// The two helpers swapped: each is refused, and the note says where it belongs.
    @Test func swappedHelpersAreSaidToBeSwapped() throws {
        let home = try Self.home(replacing: "in-line", with: [UInt8](Data(contentsOf: URL(fileURLWithPath: packageRoot + "/models/one-digit.safetensors"))))
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.removeItem(atPath: home + "/models/one-digit.safetensors")
        try FileManager.default.copyItem(atPath: packageRoot + "/models/in-line.safetensors", toPath: home + "/models/one-digit.safetensors")
        let helpers = LineHelpers.bundled(DataLocator(explicit: home))
        #expect(helpers.judge == nil && helpers.inLine == nil)
        #expect(helpers.problems.count == 2)
        #expect(helpers.problems.first?.contains("is not the one-digit judge (it is the in-line digit network, whose place is models/in-line.safetensors)") == true, "\(helpers.problems)")
        #expect(helpers.problems.last?.contains("is not the in-line digit network (it is the one-digit judge, whose place is models/one-digit.safetensors)") == true, "\(helpers.problems)")
    }

    /// A helper that answers NaN is named beside the number (its answers are left out),
    /// and a network whose classes are not digits is said to read its classes.
    @Test func aNaNHelperAndANetworkOfOtherClassesAreSaid() throws {
        let (network, info) = try ModelFile.load(packageRoot + "/models/default.safetensors")
        var helpers = LineHelpers.bundled(DataLocator(explicit: packageRoot))
        helpers.inLine = InLineReader { images in images.map { _ in [Float](repeating: .nan, count: 10) } }
        let read = try NumberPrediction.read(Self.touching, network: network, normalization: info.normalization, classNames: info.classNames, helpers: helpers)
        #expect(read.notes.contains { $0.hasPrefix("models/in-line.safetensors (the in-line digit network) answered NaN or infinity") }, "\(read.notes)")
        let letters = (0..<10).map { String(UnicodeScalar(UInt8(97 + $0))) }
        let other = try NumberPrediction.read(Self.touching, network: network, normalization: info.normalization, classNames: letters,
                                              helpers: LineHelpers.bundled(DataLocator(explicit: packageRoot)))
        #expect(other.notes.contains { $0.hasPrefix("the network's classes are not the digits 0 to 9 (a, b, c, d, …)") }, "\(other.notes)")
        #expect(!read.notes.contains { $0.contains("classes are not") })
    }

    /// What the judge doubts is said, in the shell beside the number.
    @Test func aDoubtedReadingIsSaid() throws {
        let word = packageRoot + "/Tests/DigitLabVisionTests/Pictures/hello-a-word.png"
        let out = try run(session(), "load model models/default.safetensors", "predict file \(word) --number")
        #expect(out.contains("this reading may be wrong: the 1st") && out.contains("look at the boxes with --stages"), "\(out)")
        // With --stages given, the note points at the figure, not at the flag (a review).
        let drawn = try run(session(), "load model models/default.safetensors", "predict file \(word) --number --stages")
        #expect(drawn.contains("this reading may be wrong: the 1st") && drawn.contains("in the figure") && !drawn.contains("with --stages"), "\(drawn)")
        let right = try run(session(), "load model models/default.safetensors", "predict file \(Self.touching) --number")
        #expect(right.contains("the network reads 84037") && !right.contains("may be wrong"), "\(right)")
    }

    /// `read --json` carries what the judge doubts: a program reading the JSON saw no
    /// sign of it (the note went to stderr alone).
    @Test func theJSONSaysWhatIsDoubted() throws {
        let word = packageRoot + "/Tests/DigitLabVisionTests/Pictures/hello-a-word.png"
        let helpers = LineHelpers.bundled(DataLocator(explicit: packageRoot))
        let (network, info) = try ModelFile.load(packageRoot + "/models/default.safetensors")
        func read(_ path: String) throws -> (prediction: NumberPrediction, json: [String: Any]) {
            let p = try NumberPrediction.read(path, network: network, normalization: info.normalization, classNames: info.classNames, helpers: helpers)
            let object = try JSONSerialization.jsonObject(with: Data(p.json.utf8)) as? [String: Any]
            return (p, try #require(object))
        }
        let doubted = try read(word)
        #expect(doubted.json["notes"] as? [String] == doubted.prediction.notes && !doubted.prediction.notes.isEmpty)
        let flags = (doubted.json["digits"] as? [[String: Any]])?.map { $0["doubted"] as? Bool }
        #expect(flags?.first == true, "the 1st digit is doubted: \(flags ?? [])")
        #expect(flags?.count == doubted.prediction.reading.digits.count)
        let right = try read(Self.touching)
        #expect(right.json["notes"] as? [String] == [])
        #expect((right.json["digits"] as? [[String: Any]])?.allSatisfy { $0["doubted"] as? Bool == false } == true)
    }

    /// The judge is no digit model: `read --model` refuses it, and `load model` says
    /// what its classes mean (it read every number as 0s).
    @Test func theJudgeIsNoDigitModel() throws {
        let s = session()
        let out = try run(s, "load model models/one-digit.safetensors")
        #expect(out.contains("this is the one-digit judge of `read`"), "\(out)")
        let (_, info) = try ModelFile.load(packageRoot + "/models/one-digit.safetensors")
        #expect(info.isOneDigitJudge)
        let (_, digits) = try ModelFile.load(packageRoot + "/models/default.safetensors")
        #expect(!digits.isOneDigitJudge)
    }

    /// The in-line network is a digit network (`read --model` may use it), and it is
    /// known for what it is.
    @Test func theInLineNetworkReadsDigits() throws {
        let (network, info) = try ModelFile.load(packageRoot + "/models/in-line.safetensors")
        #expect(info.isInLineReader && !info.isOneDigitJudge)
        #expect(info.classNames == (0...9).map(String.init) && network.outputShape == [10])
        let (_, digits) = try ModelFile.load(packageRoot + "/models/default.safetensors")
        #expect(!digits.isInLineReader)
        // The record is read as JSON, not matched as text: spaces change nothing, and a
        // set named only inside another value names nothing (a review).
        func record(_ training: String) -> ModelFile.Info {
            ModelFile.Info(normalization: info.normalization, seed: 1, classNames: info.classNames, training: training)
        }
        let spaced = record("{ \"dataset\" : \"in-line-set\", \"epochs\": 6 }")
        #expect(spaced.isInLineReader && spaced.trainedOn == "in-line-set")
        let quoted = record("{\"notes\": \"\\\"dataset\\\":\\\"in-line-set\\\"\"}")
        #expect(!quoted.isInLineReader && quoted.trainedOn == nil, "\(quoted.training)")
    }
}
