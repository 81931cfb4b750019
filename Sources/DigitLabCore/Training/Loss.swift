import Glibc

/// The loss a network is trained on, computed from the last layer's output (logits).
public enum Loss: String, CaseIterable, Codable, Sendable {
    /// Softmax and cross-entropy fused: stable, and its gradient is simply p − onehot.
    case crossEntropy = "crossentropy"
    /// Mean squared error against one-hot targets (Nielsen's first network).
    case meanSquaredError = "mse"

    /// The label of a training picture that is not one digit (two digits touching, half
    /// of one, a line: `augment outliers`). Its target is every class alike — "I cannot
    /// tell" — so the network learns to be unsure of such things instead of calling a
    /// touching "10" a 0 at 100% (outlier exposure, Hendrycks et al. 2019). Such rows
    /// are not counted as right or wrong.
    public static let notADigit = -1

    /// The mean loss over the batch and ∂loss/∂logits.
    ///
    /// - Parameters:
    ///   - logits: `[n, classes]`.
    ///   - labels: n class indices, or `notADigit`.
    /// - Returns: the loss, the gradient (same shape as `logits`), the number of rows
    ///   whose largest logit is the label, and the number of rows with a class label
    ///   (the ones that can be right or wrong).
    public func evaluate(_ logits: Tensor, labels: [Int]) -> (loss: Float, gradient: Tensor, correct: Int, scored: Int) {
        let (n, c) = (logits.batch, logits.sampleSize)
        precondition(labels.count == n, "one label per row")
        var grad = logits
        var total = 0.0
        var correct = 0, scored = 0
        let invN = 1 / Float(n), invC = 1 / Float(c)
        grad.data.withUnsafeMutableBufferPointer { g in
            for r in 0..<n {
                let row = g.baseAddress! + r * c
                let label = labels[r]
                var best = 0
                for j in 1..<c where row[j] > row[best] { best = j }
                if label != Self.notADigit {
                    scored += 1
                    if best == label { correct += 1 }
                }
                switch self {
                case .crossEntropy:
                    // log p_j = z_j − m − log Σ exp(z_k − m), with m the row max.
                    let m = row[best]
                    let target = label == Self.notADigit ? 0 : row[label]
                    var sum: Float = 0, mean: Float = 0
                    for j in 0..<c { mean += row[j] * invC; row[j] = expf(row[j] - m); sum += row[j] }
                    let logSum = logf(sum) + m
                    // Not a digit: the distance from "every class alike", KL(u ‖ p) =
                    // −log c − mean_j log p_j, which is 0 when the network declines.
                    total += Double(label == Self.notADigit ? logSum - mean - logf(Float(c)) : logSum - target)
                    let inv = 1 / sum
                    for j in 0..<c { row[j] = row[j] * inv * invN }
                    if label == Self.notADigit {
                        for j in 0..<c { row[j] -= invC * invN }
                    } else {
                        row[label] -= invN
                    }
                case .meanSquaredError:
                    // ½ Σ (z − y)² per row, averaged over rows (Nielsen's C); y is one-hot,
                    // or 1/c everywhere for a picture that is not a digit.
                    var s: Float = 0
                    for j in 0..<c {
                        let target: Float = label == Self.notADigit ? invC : (j == label ? 1 : 0)
                        let d = row[j] - target
                        s += d * d
                        row[j] = d * invN
                    }
                    total += Double(s / 2)
                }
            }
        }
        return (Float(total / Double(n)), grad, correct, scored)
    }
}
