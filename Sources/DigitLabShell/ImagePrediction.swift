import DigitLabCore
import DigitLabIO
import DigitLabViz
import Foundation

/// Classifying picture files: the pipeline, the network, the top-K answers. Shared by
/// `predict file` in the shell and `digitlab predict` on the command line.
public struct ImagePrediction: Sendable {
    public let file: String
    public let ranked: [(label: String, probability: Float)]
    public let pipeline: DigitPipeline.Result

    public var prediction: String { ranked[0].label }

    public static func classify(_ path: String, network: Network, normalization: Normalization,
                                classNames: [String], top: Int = 3) throws(IOError) -> ImagePrediction {
        let picture = try PNG.readGrey(path)
        let result: DigitPipeline.Result
        do { result = try DigitPipeline.run(picture) } catch {
            throw IOError(path, "no digit found: the picture is blank or has no contrast")
        }
        let images = LabeledImages(pixels: result.pixels, labels: [0], rows: 28, columns: 28)
        let p = network.probabilities(normalization.batch(images, indices: [0]).x).data
        let order = classesByProbability(p)
        return ImagePrediction(file: path, ranked: order.prefix(max(1, top)).map { (classNames[$0], p[$0]) },
                               pipeline: result)
    }

    /// `digit.png: 7 (98.1%) · 1 1.2% · 9 0.4%`
    public var line: String {
        "\(file): \(prediction) (\(String(format: "%.1f", ranked[0].probability * 100))%)"
            + ranked.dropFirst().map { " · \($0.label) \(String(format: "%.1f", $0.probability * 100))%" }.joined()
    }

    /// One JSON object: file, prediction, top (label and probability).
    public var json: String {
        let top = ranked.map { "{\"label\": \(jsonQuote($0.label)), \"probability\": \(String(format: "%.6f", $0.probability))}" }
        return "{\"file\": \(jsonQuote(file)), \"prediction\": \(jsonQuote(prediction)), \"top\": [\(top.joined(separator: ", "))]}"
    }

    /// The stages as one PNG strip.
    public func stagesFigure() -> Canvas {
        PipelineFigure.draw(pipeline.stages, file: file,
                            verdict: "\(prediction) (\(String(format: "%.1f", ranked[0].probability * 100))%)")
    }
}

func jsonQuote(_ s: String) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
    return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
}
