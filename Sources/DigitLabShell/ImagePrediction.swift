import DigitLabCore
import DigitLabIO
import DigitLabVision
import DigitLabViz
import Foundation

/// Classifying picture files: the pipeline, the network, the top-K answers. Shared by
/// `predict file` in the shell and `digitlab predict` on the command line.
public struct ImagePrediction: Sendable {
    public let file: String
    public let ranked: [(label: String, probability: Float)]
    public let pipeline: DigitPipeline.Result

    public var prediction: String { ranked[0].label }

    /// Reads any PNG or JPEG (`ImageFile`), finds the digit, classifies it.
    ///
    /// - Throws: one line for an unreadable file, a picture without a digit, or a network
    ///   whose answer is not a number (NaN or infinity: a broken model).
    public static func classify(_ path: String, network: Network, normalization: Normalization,
                                classNames: [String], top: Int = 3) throws(PictureNotRead) -> ImagePrediction {
        let picture: RasterImage
        do { picture = try ImageFile.read(path) } catch { throw PictureNotRead(error) }
        let classifier = DigitClassifier(network: network, normalization: normalization, classNames: classNames)
        let result: DigitPipeline.Result
        do { result = try DigitPipeline.run(picture, classifier: classifier) } catch {
            throw PictureNotRead(IOError(path, error.message()), picture: picture, failure: error)
        }
        let p = classifier.probabilities([result.pixels])[0]
        do { try requireFinite(p, path) } catch { throw PictureNotRead(error) }
        let order = classesByProbability(p)
        return ImagePrediction(file: path, ranked: order.prefix(max(1, top)).map { (classNames[$0], p[$0]) },
                               pipeline: result)
    }

    /// When the picture looks like a number (`DigitPipeline.Result.mayBeANumber`), what
    /// to say: the answer is one digit of it, and `command` reads them all.
    public func numberNote(command: String) -> String? {
        guard pipeline.mayBeANumber else { return nil }
        if pipeline.digitsBeside > 0 {
            return "\(Format.plural(pipeline.digitsBeside, "more piece")) of ink the size of a digit beside this one: a number? This answer is for one digit; `\(command)` reads them all"
        }
        return "the ink read is much wider than a digit: a number whose digits touch? `\(command)` reads a whole number"
    }

    /// `digit.png: 7 (98.1%) · 1 1.2% · 9 0.4%`
    public var line: String {
        "\(Sanitize.line(file)): \(prediction) (\(String(format: "%.1f", ranked[0].probability * 100))%)"
            + ranked.dropFirst().map { " · \($0.label) \(String(format: "%.1f", $0.probability * 100))%" }.joined()
    }

    /// One JSON object: `{"file": …, "notes": […], "prediction": …, "top": [{"label": …,
    /// "probability": …}, …]}` (keys sorted). `notes` holds what the command line prints
    /// on stderr ("a number?"), so a program reading the JSON sees it too, as `read`'s does.
    public var json: String {
        let notes = numberNote(command: "digitlab read \(Tokenizer.quoted(file))").map { [$0] } ?? []
        return JSONLine.encode(Record(file: file, notes: notes, prediction: prediction,
                                      top: ranked.map { Record.Top(label: $0.label, probability: $0.probability) }))
    }

    struct Record: Encodable {
        struct Top: Encodable { let label: String; let probability: Float }
        let file: String
        let notes: [String]
        let prediction: String
        let top: [Top]
    }

    /// The stages as one PNG strip.
    public func stagesFigure() -> Canvas {
        PipelineFigure.draw(pipeline.stages, file: file,
                            verdict: "\(prediction) (\(String(format: "%.1f", ranked[0].probability * 100))%)")
    }
}

/// A picture file that was not read, in one line (`description`: "PATH: why").
/// `failure`: set when the pipeline gave up on the picture (no digit found), not when the
/// file could not be read or the network is broken; only then does `stagesFigure` draw
/// the steps the picture went through (`--stages`: the learner sees why).
public struct PictureNotRead: Error, CustomStringConvertible {
    public let io: IOError
    let picture: RasterImage?
    let failure: DigitPipeline.Failure?

    init(_ io: IOError, picture: RasterImage? = nil, failure: DigitPipeline.Failure? = nil) {
        (self.io, self.picture, self.failure) = (io, picture, failure)
    }

    public var description: String { io.description }
    public var problem: String { io.problem }
    public var path: String { io.path }

    /// The stages up to where the pipeline gave up, the reason under them; nil when it
    /// did not give up (there is nothing of the picture to show). `number`: as `read`.
    public func stagesFigure(number: Bool) -> Canvas? {
        guard let picture, failure != nil else { return nil }
        let stages = DigitPipeline.stagesBeforeFailing(picture, number: number)
        guard !stages.isEmpty else { return nil }
        return PipelineFigure.draw(stages, file: path, verdict: "not read", why: problem)
    }
}

/// A network whose answer is NaN or infinite is broken; say so rather than print it.
func requireFinite(_ p: [Float], _ path: String) throws(IOError) {
    guard !p.isEmpty, p.allSatisfy(\.isFinite) else {
        throw IOError(path, "the network's answer is not a number (NaN or infinity) — the model is broken: retrain it or load another")
    }
}

/// One JSON object per line through Foundation's JSONEncoder (never string pasting):
/// keys in alphabetical order (the encoder's own order changes from run to run, and the
/// same picture must give the same bytes), slashes as they are.
enum JSONLine {
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// `{"error": …, "file": …}` for a file that could not be classified.
    static func error(file: String, _ message: String) -> String {
        struct Failure: Encodable { let file: String; let error: String }
        return encode(Failure(file: file, error: message))
    }
}
