import Glibc

/// What a network makes of a set of images: the loss, the accuracy, the confusion
/// matrix, and each image's answer with its probabilities (for galleries and figures).
public struct Evaluation: Sendable {
    public let loss: Float
    public let confusion: ConfusionMatrix
    public let predictions: [UInt8]
    /// `count x classes` softmax probabilities, row-major.
    public let probabilities: [Float]

    public var accuracy: Double { confusion.accuracy }
    public var count: Int { predictions.count }
    public var classes: Int { confusion.classes }

    /// The probability the network gave its own answer for image `i`.
    public func confidence(_ i: Int) -> Float { probabilities[i * classes + Int(predictions[i])] }
}

extension Network {
    /// Evaluates in inference mode, `batchSize` images at a time — fewer when the
    /// network's activations would make a batch larger than `Network.inferenceBudget`.
    public func evaluate(_ images: LabeledImages, normalization: Normalization,
                         loss: Loss = .crossEntropy, batchSize requested: Int = 1000) -> Evaluation {
        evaluate(images, normalization: normalization, loss: loss, batchSize: requested, shouldStop: { false })
            ?? Evaluation(loss: 0, confusion: ConfusionMatrix(classes: outputShape.reduce(1, *)), predictions: [], probabilities: [])
    }

    /// The same, asking `shouldStop` before each batch (wire it to Ctrl-C: a big network
    /// on 10,000 images can take minutes); nil when it asked to stop.
    public func evaluate(_ images: LabeledImages, normalization: Normalization,
                         loss: Loss = .crossEntropy, batchSize requested: Int = 1000,
                         shouldStop: () -> Bool) -> Evaluation? {
        let batchSize = inferenceBatch(requested)
        let classes = outputShape.reduce(1, *)
        var confusion = ConfusionMatrix(classes: classes)
        var predictions = [UInt8](); predictions.reserveCapacity(images.count)
        var probabilities = [Float](); probabilities.reserveCapacity(images.count * classes)
        var total = 0.0
        var rng = SeededRNG(seed: 0) // inference draws nothing
        var start = 0
        while start < images.count {
            if shouldStop() { return nil }
            let end = min(images.count, start + batchSize)
            let (x, labels) = normalization.batch(images, indices: start..<end)
            var p = forward(x, mode: .inference, upTo: loss == .crossEntropy ? logitLayerCount : nil, rng: &rng)
            if loss == .crossEntropy {
                // One softmax gives the probabilities, the loss (−log p of the label) and
                // the answer; no gradient is needed here.
                p.applySoftmax()
                for (r, label) in labels.enumerated() {
                    total -= Double(logf(max(p.data[r * classes + label], .leastNormalMagnitude)))
                }
            } else {
                total += Double(loss.evaluate(p, labels: labels).loss) * Double(end - start)
                if logitLayerCount == layers.count { p.applySoftmax() }
            }
            for r in 0..<(end - start) {
                var best = 0
                for j in 1..<classes where p.data[r * classes + j] > p.data[r * classes + best] { best = j }
                predictions.append(UInt8(best))
                confusion.add(truth: labels[r], predicted: best)
            }
            probabilities += p.data
            start = end
        }
        return Evaluation(loss: Float(total / Double(max(1, images.count))), confusion: confusion,
                          predictions: predictions, probabilities: probabilities)
    }
}

/// Class indices from most to least probable; ties go to the lower class, so answers
/// never depend on sort stability.
public func classesByProbability(_ p: [Float]) -> [Int] {
    p.indices.sorted { p[$0] != p[$1] ? p[$0] > p[$1] : $0 < $1 }
}
