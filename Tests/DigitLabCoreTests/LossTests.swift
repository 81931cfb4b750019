import Testing
@testable import DigitLabCore

@Suite struct LossTests {
    @Test(arguments: Loss.allCases)
    func gradientMatchesFiniteDifferences(loss: Loss) {
        var rng = SeededRNG(seed: 3)
        let logits = Tensor(shape: [4, 10], data: (0..<40).map { _ in rng.uniform(-3, 3) })
        let labels = [3, 0, 9, 3]
        let (_, grad, _) = loss.evaluate(logits, labels: labels)
        let h: Float = 1e-2
        for i in stride(from: 0, to: 40, by: 3) {
            var up = logits, down = logits
            up.data[i] += h; down.data[i] -= h
            let numeric = (loss.evaluate(up, labels: labels).loss - loss.evaluate(down, labels: labels).loss) / (2 * h)
            #expect(abs(numeric - grad.data[i]) < 2e-3, "\(loss) at \(i): \(numeric) vs \(grad.data[i])")
        }
    }

    @Test func crossEntropyIsStableForHugeLogits() {
        let logits = Tensor(shape: [1, 3], data: [1000, -1000, 0])
        let (loss, grad, correct) = Loss.crossEntropy.evaluate(logits, labels: [0])
        #expect(loss == 0)
        #expect(grad.data.allSatisfy { $0.isFinite })
        #expect(correct == 1)
        let wrong = Loss.crossEntropy.evaluate(logits, labels: [1]).loss
        #expect(wrong.isFinite && abs(wrong - 2000) < 1, "log-sum-exp keeps it finite: \(wrong)")
    }

    @Test func crossEntropyOfUniformLogitsIsLogClasses() {
        let (loss, _, _) = Loss.crossEntropy.evaluate(Tensor(zeros: [2, 10]), labels: [1, 7])
        #expect(abs(loss - 2.302585) < 1e-5)
    }
}
