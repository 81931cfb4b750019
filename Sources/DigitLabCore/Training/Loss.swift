import Glibc

/// The loss a network is trained on, computed from the last layer's output (logits).
public enum Loss: String, CaseIterable, Codable, Sendable {
    /// Softmax and cross-entropy fused: stable, and its gradient is simply p − onehot.
    case crossEntropy = "crossentropy"
    /// Mean squared error against one-hot targets (Nielsen's first network).
    case meanSquaredError = "mse"

    /// The mean loss over the batch and ∂loss/∂logits.
    ///
    /// - Parameters:
    ///   - logits: `[n, classes]`.
    ///   - labels: n class indices.
    /// - Returns: the loss, the gradient (same shape as `logits`) and the number of rows
    ///   whose largest logit is the label.
    public func evaluate(_ logits: Tensor, labels: [Int]) -> (loss: Float, gradient: Tensor, correct: Int) {
        let (n, c) = (logits.batch, logits.sampleSize)
        precondition(labels.count == n, "one label per row")
        var grad = logits
        var total = 0.0
        var correct = 0
        let invN = 1 / Float(n)
        grad.data.withUnsafeMutableBufferPointer { g in
            for r in 0..<n {
                let row = g.baseAddress! + r * c
                let label = labels[r]
                var best = 0
                for j in 1..<c where row[j] > row[best] { best = j }
                if best == label { correct += 1 }
                switch self {
                case .crossEntropy:
                    // log p_label = z_label − m − log Σ exp(z_j − m), with m the row max.
                    let m = row[best]
                    let target = row[label]
                    var sum: Float = 0
                    for j in 0..<c { row[j] = expf(row[j] - m); sum += row[j] }
                    total += Double(logf(sum) + m - target)
                    let inv = 1 / sum
                    for j in 0..<c { row[j] = row[j] * inv * invN }
                    row[label] -= invN
                case .meanSquaredError:
                    // ½ Σ (z − y)² per row, averaged over rows (Nielsen's C).
                    var s: Float = 0
                    for j in 0..<c {
                        let d = row[j] - (j == label ? 1 : 0)
                        s += d * d
                        row[j] = d * invN
                    }
                    total += Double(s / 2)
                }
            }
        }
        return (Float(total / Double(n)), grad, correct)
    }
}
