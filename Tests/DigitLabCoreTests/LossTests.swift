import Glibc
import Testing
@testable import DigitLabCore

@Suite struct LossTests {
    @Test(arguments: Loss.allCases)
    func gradientMatchesFiniteDifferences(loss: Loss) {
        var rng = SeededRNG(seed: 3)
        let logits = Tensor(shape: [4, 10], data: (0..<40).map { _ in rng.uniform(-3, 3) })
        let labels = [3, Loss.notADigit, 9, 3]
        let (_, grad, _, _) = loss.evaluate(logits, labels: labels)
        let h: Float = 1e-2
        for i in stride(from: 0, to: 40, by: 3) {
            var up = logits, down = logits
            up.data[i] += h; down.data[i] -= h
            let numeric = (loss.evaluate(up, labels: labels).loss - loss.evaluate(down, labels: labels).loss) / (2 * h)
            #expect(abs(numeric - grad.data[i]) < 2e-3, "\(loss) at \(i): \(numeric) vs \(grad.data[i])")
        }
    }

    /// A picture that is not a digit: its target is every class alike. Logits that are all
    /// equal cost nothing and get no push; a sure answer costs log(c · p_max)-ish and is
    /// pushed towards the others; such rows are neither right nor wrong.
    @Test func notADigitAsksForEveryClassAlike() {
        let even = Loss.crossEntropy.evaluate(Tensor(shape: [1, 10], data: [Float](repeating: 2.5, count: 10)), labels: [Loss.notADigit])
        #expect(abs(even.loss) < 1e-6 && even.gradient.data.allSatisfy { abs($0) < 1e-7 })
        #expect(even.correct == 0 && even.scored == 0)
        var sure = [Float](repeating: 0, count: 10); sure[4] = 12
        let (loss, grad, correct, scored) = Loss.crossEntropy.evaluate(Tensor(shape: [2, 10], data: sure + sure), labels: [Loss.notADigit, 4])
        // Row 0: KL(uniform ‖ p) = log Σ exp(z) − mean z − log 10; row 1 (right, label 4) ≈ 0.
        let kl = Float(log(Double(9 + exp(12.0)))) - 1.2 - Float(log(10.0))
        #expect(abs(loss - kl / 2) < 1e-3, "\(loss) vs \(kl / 2)")
        #expect(grad.data[4] > 0 && grad.data[0] < 0, "the sure class is pushed down, the others up")
        #expect(correct == 1 && scored == 1)
        let mse = Loss.meanSquaredError.evaluate(Tensor(shape: [1, 3], data: [1 / 3, 1 / 3, 1 / 3]), labels: [Loss.notADigit])
        #expect(abs(mse.loss) < 1e-7)
    }

    @Test func crossEntropyIsStableForHugeLogits() {
        let logits = Tensor(shape: [1, 3], data: [1000, -1000, 0])
        let (loss, grad, correct, _) = Loss.crossEntropy.evaluate(logits, labels: [0])
        #expect(loss == 0)
        #expect(grad.data.allSatisfy { $0.isFinite })
        #expect(correct == 1)
        let wrong = Loss.crossEntropy.evaluate(logits, labels: [1]).loss
        #expect(wrong.isFinite && abs(wrong - 2000) < 1, "log-sum-exp keeps it finite: \(wrong)")
    }

    @Test func crossEntropyOfUniformLogitsIsLogClasses() {
        let (loss, _, _, _) = Loss.crossEntropy.evaluate(Tensor(zeros: [2, 10]), labels: [1, 7])
        #expect(abs(loss - 2.302585) < 1e-5)
    }
}
