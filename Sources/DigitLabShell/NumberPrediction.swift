import DigitLabCore
import DigitLabIO
import DigitLabVision
import DigitLabViz
import Foundation

/// Reading a whole number from a picture file: shared by `digitlab read` and (for the
/// shell) `predict file PATH --number`.
public struct NumberPrediction: Sendable {
    public let file: String
    public let reading: NumberReading
    /// Why a helper network was not there to help (`LineHelpers.problems`), and whether
    /// the network's classes are the digits 0 to 9.
    var helperProblems: [String] = []
    var classNames: [String] = DigitClassifier.digits
    /// Whether the boxes are being drawn (`--stages`): then a note points at the figure,
    /// not at the flag already given.
    public var stagesDrawn = false

    public var text: String { reading.text }

    /// Reads any PNG or JPEG and the line of digits in it.
    ///
    /// - Throws: one line for an unreadable file, a picture without digits, or a network
    ///   whose answer is not a number.
    /// - Parameter helpers: the one-digit judge and the in-line digit network
    ///   (`LineHelpers.bundled`), those there are.
    public static func read(_ path: String, network: Network, normalization: Normalization,
                            classNames: [String], helpers: LineHelpers) throws(PictureNotRead) -> NumberPrediction {
        let picture: RasterImage
        do { picture = try ImageFile.read(path) } catch { throw PictureNotRead(error) }
        var classifier = DigitClassifier(network: network, normalization: normalization, classNames: classNames)
        classifier.judge = helpers.judge
        // The in-line network answers digits 0 to 9: a network of other classes reads alone.
        if classNames == DigitClassifier.digits { classifier.inLine = helpers.inLine }
        let reading: NumberReading
        do { reading = try NumberReader.read(picture, classifier: classifier) } catch {
            throw PictureNotRead(IOError(path, error.message(number: true)), picture: picture, failure: error)
        }
        do { try requireFinite(reading.digits.map(\.probability), path) } catch { throw PictureNotRead(error) }
        return NumberPrediction(file: path, reading: reading, helperProblems: helpers.problems, classNames: classNames)
    }

    /// What the learner should know about the reading, one line each: a helper network
    /// missing, damaged or left out; a network whose classes are not digits; another line
    /// of writing left out; digits the one-digit judge doubts.
    public var notes: [String] { helperProblems + unheard + [notDigits, offTheLine, doubt].compactMap { $0 } }

    /// A helper network that answered NaN or infinity (a damaged file that still loads):
    /// its answers were left out, and it is named.
    var unheard: [String] {
        LineHelper.allCases.filter { reading.unheard.contains($0) }.map {
            "\($0.file) (\($0.what)) answered NaN or infinity: it is damaged, and this number was read without it (restore it, or remake it: \($0.remake))"
        }
    }

    /// A network whose classes are not the digits reads its own classes as a "number".
    var notDigits: String? {
        guard classNames != DigitClassifier.digits else { return nil }
        let shown = classNames.prefix(4).joined(separator: ", ") + (classNames.count > 4 ? ", …" : "")
        return "the network's classes are not the digits 0 to 9 (\(Sanitize.line(shown))): what was read is its classes, and without the in-line digit network — the default model (models/default.safetensors) reads digits"
    }

    /// Another line of writing above or below the one read, which is left out.
    var offTheLine: String? {
        let n = reading.piecesOffTheLine
        guard n > 0 else { return nil }
        return "\(n == 1 ? "a piece" : "\(n) pieces") of writing above or below this line \(n == 1 ? "was" : "were") not read: only one line is read per picture — crop the picture to each line"
    }

    /// The one-digit judge doubts the reading: a digit may be missing, merged with its
    /// neighbour, or a piece of one; or what is written is no number.
    var doubt: String? {
        let doubted = reading.doubted
        guard !doubted.isEmpty else { return nil }
        let named = doubted.map { "the \(Format.ordinal($0 + 1)) (\(reading.digits[$0].label))" }
        let list = named.count == 1 ? named[0] : named.dropLast().joined(separator: ", ") + " and " + named.last!
        return "this reading may be wrong: \(list) may be two digits that touch, or a piece of one, or no digit at all (the one-digit judge doubts \(named.count == 1 ? "it" : "them")) — \(stagesDrawn ? "look at \(named.count == 1 ? "its box" : "their boxes") in the figure" : "look at the boxes with --stages")"
    }

    /// `year.jpg: 2026 (2 99.1% · 0 98.0% · 2 97.5% · 6 99.9%)`
    public var line: String {
        "\(Sanitize.line(file)): \(text) (" + reading.digits.map { "\($0.label) \(String(format: "%.1f", $0.probability * 100))%" }
            .joined(separator: " · ") + ")"
    }

    /// `{"file": …, "text": "3.14", "digits": [{"digit": "3", "probability": 0.99, "doubted": false,
    /// "box": [x, y, w, h]}, …], "marks": [{"mark": ".", "after": 1, "box": [x, y, w, h]}],
    /// "notes": […]}`: a mark (a point, a comma, a minus sign or a colon) comes after that
    /// many digits; `doubted` says the one-digit judge doubts that digit; `notes` are the
    /// lines the command line prints on stderr (a program reading the JSON sees them too).
    public var json: String {
        let doubted = Set(reading.doubted)
        return JSONLine.encode(Record(file: file, text: text, digits: reading.digits.enumerated().map { i, d in
            Record.Digit(digit: d.label, probability: d.probability, doubted: doubted.contains(i), box: [d.box.x, d.box.y, d.box.width, d.box.height])
        }, marks: reading.marks.map {
            Record.Mark(mark: $0.character, after: $0.after, box: [$0.box.x, $0.box.y, $0.box.width, $0.box.height])
        }, notes: notes))
    }

    struct Record: Encodable {
        struct Digit: Encodable { let digit: String; let probability: Float; let doubted: Bool; let box: [Int] }
        struct Mark: Encodable { let mark: String; let after: Int; let box: [Int] }
        let file: String
        let text: String
        let digits: [Digit]
        let marks: [Mark]
        let notes: [String]
    }

    /// The picture with its boxes and each digit's 28x28 image with its answer.
    public func stagesFigure() -> Canvas { NumberFigure.draw(reading, file: file) }
}

/// The networks bundled with DigitLab that help read a line of writing, whatever network
/// reads the digits: the one-digit judge (`models/one-digit.safetensors`) and the in-line
/// digit network (`models/in-line.safetensors`). Without them numbers are still read, less
/// well where digits touch or overlap: `problems` says why, one line each, for a note.
public struct LineHelpers {
    public var judge: OneDigitJudge?
    public var inLine: InLineReader?
    public var problems: [String] = []

    /// None given: the digit network reads alone.
    public init(judge: OneDigitJudge? = nil, inLine: InLineReader? = nil) { self.judge = judge; self.inLine = inLine }

    public static func bundled(_ locator: DataLocator) -> LineHelpers {
        var helpers = LineHelpers()
        for helper in LineHelper.allCases {
            switch load(helper, locator) {
            case .success(let (network, info)):
                switch helper {
                case .judge: helpers.judge = OneDigitJudge(network: network, normalization: info.normalization)
                case .inLine: helpers.inLine = InLineReader(network: network, normalization: info.normalization)
                }
            case .failure(let problem): helpers.problems.append(problem.message)
            }
        }
        return helpers
    }

    struct Problem: Error { let message: String }

    /// The helper's file of the DigitLab home, if it is that helper; else why not and
    /// what to do.
    private static func load(_ helper: LineHelper, _ locator: DataLocator) -> Result<(Network, ModelFile.Info), Problem> {
        let without = "\(helper.without) (restore \(helper.file), or remake it: \(helper.remake))"
        let path: String
        do { path = try locator.home() + "/" + helper.file } catch { return .failure(Problem(message: "\(helper.file) not found (\(error)): \(without)")) }
        let loaded: (network: Network, info: ModelFile.Info)
        do { loaded = try ModelFile.load(path) } catch { return .failure(Problem(message: "\(error): \(without)")) }
        guard helper.isIt(loaded.info, loaded.network) else {
            // The two helpers swapped: say where the file belongs.
            let reason = LineHelper.allCases.first { $0 != helper && $0.isNamed(by: loaded.info) }
                .map { "it is \($0.what), whose place is \($0.file)" } ?? "a network trained on \(helper.trainedOn)"
            return .failure(Problem(message: "\(path) is not \(helper.what) (\(reason)): \(without)"))
        }
        return .success(loaded)
    }
}

/// Each helper network: its file, what it is called, how it is made, and how it is known.
extension LineHelper {
    var file: String { self == .judge ? "models/one-digit.safetensors" : "models/in-line.safetensors" }
    var what: String { self == .judge ? "the one-digit judge" : "the in-line digit network" }
    var remake: String { self == .judge ? "models/train-one-digit.txt" : "models/train-in-line.txt" }
    var trainedOn: String {
        self == .judge ? "models/make-candidate-sets.py's one-digit pieces"
            : "models/make-candidate-sets.py's in-line pieces, ten outputs for the digits 0 to 9"
    }
    /// What is read less well without it.
    var without: String {
        self == .judge ? "digits that touch are read without the one-digit judge"
            : "digits that overlap are read without the in-line digit network"
    }

    /// The file's training record names this helper's set.
    func isNamed(by info: ModelFile.Info) -> Bool { self == .judge ? info.isOneDigitJudge : info.isInLineReader }

    /// This helper, with the outputs it needs, and answering as it does: the record alone
    /// is only a claim (a digit network saved under the judge's record read "1984" as 44).
    func isIt(_ info: ModelFile.Info, _ network: Network) -> Bool {
        switch self {
        case .judge: return info.isOneDigitJudge && (network.outputShape.first ?? 0) >= 2 && Self.answersInTwoClasses(network, info)
        case .inLine:
            return info.isInLineReader && network.outputShape == [10] && info.classNames == DigitClassifier.digits
                && !Self.answersInTwoClasses(network, info)
        }
    }

    /// Whether the network puts (nearly) all of its answer on classes 0 and 1 for every
    /// one of a few fixed pictures of ink specks, as the judge (trained on two labels of
    /// its ten outputs) does; a network of ten digits reads some of them as other digits.
    static func answersInTwoClasses(_ network: Network, _ info: ModelFile.Info) -> Bool {
        var state: UInt32 = 2463534242
        let probes = (0..<8).map { k in
            (0..<784).map { _ -> UInt8 in
                state ^= state << 13; state ^= state >> 17; state ^= state << 5
                return state % 100 < UInt32(6 + 4 * k) ? 255 : 0
            }
        }
        let answers = DigitClassifier(network: network, normalization: info.normalization, classNames: []).probabilities(probes)
        return answers.allSatisfy { $0.count >= 2 && $0[0] + $0[1] >= 0.98 }
    }
}
