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

    public var text: String { reading.text }

    /// Reads any PNG or JPEG and the line of digits in it.
    ///
    /// - Throws: one line for an unreadable file, a picture without digits, or a network
    ///   whose answer is not a number.
    /// - Parameter judge: the one-digit judge (`OneDigitJudge.bundled`), when there is one.
    public static func read(_ path: String, network: Network, normalization: Normalization,
                            classNames: [String], judge: OneDigitJudge?) throws(PictureNotRead) -> NumberPrediction {
        let picture: RasterImage
        do { picture = try ImageFile.read(path) } catch { throw PictureNotRead(error) }
        var classifier = DigitClassifier(network: network, normalization: normalization, classNames: classNames)
        classifier.judge = judge
        let reading: NumberReading
        do { reading = try NumberReader.read(picture, classifier: classifier) } catch {
            throw PictureNotRead(IOError(path, error.message(number: true)), picture: picture, failure: error)
        }
        do { try requireFinite(reading.digits.map(\.probability), path) } catch { throw PictureNotRead(error) }
        return NumberPrediction(file: path, reading: reading)
    }

    /// What the learner should know about the reading, one line each: another line of
    /// writing left out; digits the one-digit judge doubts.
    public var notes: [String] { [offTheLine, doubt].compactMap { $0 } }

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
        return "this reading may be wrong: \(list) may be two digits that touch, or a piece of one, or no digit at all (the one-digit judge doubts \(named.count == 1 ? "it" : "them")) — look at the boxes with --stages"
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

extension OneDigitJudge {
    /// `models/one-digit.safetensors` of the DigitLab home, whatever network reads the
    /// digits (it judges shapes, not classes). Without it numbers are still read, less
    /// well where digits touch: then the reason, for a note.
    public static func bundled(_ locator: DataLocator) -> (judge: OneDigitJudge?, problem: String?) {
        let without = "digits that touch are read without the one-digit judge (restore models/one-digit.safetensors, or remake it: models/train-one-digit.txt)"
        let path: String
        do { path = try locator.home() + "/models/one-digit.safetensors" } catch {
            return (nil, "models/one-digit.safetensors not found (\(error)): \(without)")
        }
        let loaded: (network: Network, info: ModelFile.Info)
        do { loaded = try ModelFile.load(path) } catch { return (nil, "\(error): \(without)") }
        guard loaded.info.isOneDigitJudge, (loaded.network.outputShape.first ?? 0) >= 2 else {
            return (nil, "\(path) is not the one-digit judge (a network trained on models/make-one-digit-set.py's pieces): \(without)")
        }
        return (OneDigitJudge(network: loaded.network, normalization: loaded.info.normalization), nil)
    }
}
