import DigitLabIO
import DigitLabVision
import Foundation
import Testing
@testable import DigitLabShell

/// The one-digit judge that `read` and `predict file --number` load from the DigitLab
/// folder: without it numbers are still read, and the learner is told why they may be
/// read worse where digits touch (a damaged file was passed over without a word).
@Suite struct OneDigitJudgeTests {
    /// A DigitLab folder with MNIST and the digit model, and the judge given (nil: none).
    static func home(judge: [UInt8]?) throws -> String {
        let home = temporaryFolder("judge")
        try FileManager.default.createSymbolicLink(atPath: home + "/data", withDestinationPath: packageRoot + "/data")
        try FileManager.default.createDirectory(atPath: home + "/models", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: packageRoot + "/models/default.safetensors", toPath: home + "/models/default.safetensors")
        if let judge { try Data(judge).write(to: URL(fileURLWithPath: home + "/models/one-digit.safetensors")) }
        return home
    }

    static let touching = packageRoot + "/Tests/DigitLabVisionTests/Pictures/84037-touching.png"

    @Test func theBundledJudgeLoads() {
        let (judge, problem) = OneDigitJudge.bundled(DataLocator(explicit: packageRoot))
        #expect(judge != nil)
        #expect(problem == nil)
    }

    @Test func aMissingOrDamagedJudgeIsSaidAndTheNumberStillRead() throws {
        let whole = try [UInt8](Data(contentsOf: URL(fileURLWithPath: packageRoot + "/models/one-digit.safetensors")))
        let digitModel = try [UInt8](Data(contentsOf: URL(fileURLWithPath: packageRoot + "/models/default.safetensors")))
        for (judge, said) in [(nil, "cannot open the file"), (Array(whole.prefix(1000)), "truncated"), (digitModel, "is not the one-digit judge")] {
            let home = try Self.home(judge: judge)
            defer { try? FileManager.default.removeItem(atPath: home) }
            let (loaded, problem) = OneDigitJudge.bundled(DataLocator(explicit: home))
            #expect(loaded == nil)
            #expect(problem?.contains("one-digit.safetensors") == true && problem?.contains(said) == true, "\(problem ?? "no problem")")
            #expect(problem?.contains("digits that touch are read without the one-digit judge (restore models/one-digit.safetensors") == true)
            // The shell says so beside the number it read.
            let s = Session(locator: DataLocator(explicit: home))
            let out = try run(s, "load model models/default.safetensors", "predict file \(Self.touching) --number")
            #expect(out.contains("the network reads"))
            #expect(out.contains("read without the one-digit judge"), "\(out)")
        }
    }

    /// What the judge doubts is said, in the shell beside the number.
    @Test func aDoubtedReadingIsSaid() throws {
        let word = packageRoot + "/Tests/DigitLabVisionTests/Pictures/hello-a-word.png"
        let out = try run(session(), "load model models/default.safetensors", "predict file \(word) --number")
        #expect(out.contains("this reading may be wrong: the 1st"), "\(out)")
        let right = try run(session(), "load model models/default.safetensors", "predict file \(Self.touching) --number")
        #expect(right.contains("the network reads 84037") && !right.contains("may be wrong"), "\(right)")
    }

    /// `read --json` carries what the judge doubts: a program reading the JSON saw no
    /// sign of it (the note went to stderr alone).
    @Test func theJSONSaysWhatIsDoubted() throws {
        let word = packageRoot + "/Tests/DigitLabVisionTests/Pictures/hello-a-word.png"
        let (judge, _) = OneDigitJudge.bundled(DataLocator(explicit: packageRoot))
        let (network, info) = try ModelFile.load(packageRoot + "/models/default.safetensors")
        func read(_ path: String) throws -> (prediction: NumberPrediction, json: [String: Any]) {
            let p = try NumberPrediction.read(path, network: network, normalization: info.normalization, classNames: info.classNames, judge: judge)
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
}
