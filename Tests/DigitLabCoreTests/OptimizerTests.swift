import Testing
@testable import DigitLabCore

/// One or two optimiser steps against values worked out by hand from PyTorch's formulas.
@Suite struct OptimizerTests {
    func step(_ kind: OptimizerKind, weightDecay: Float = 0, steps: Int = 2, lr: Float = 0.1) -> [Float] {
        var s = OptimizerSettings(kind: kind)
        s.weightDecay = weightDecay
        let p = Parameter(name: "weight", shape: [2], value: [1, -2])
        let o = s.makeOptimizer()
        for _ in 0..<steps {
            p.grad = [0.5, -1]
            o.step([p], lr: lr)
        }
        return p.value
    }

    func expectClose(_ a: [Float], _ b: [Float]) {
        for (x, y) in zip(a, b) { #expect(abs(x - y) < 1e-6, "\(a) vs \(b)") }
    }

    @Test func sgd() { expectClose(step(.sgd), [1 - 0.1, -2 + 0.2]) }

    @Test func momentum() {
        // v1 = g, w1 = w0 − lr·g; v2 = 0.9·g + g = 1.9g, w2 = w1 − lr·1.9g.
        expectClose(step(.momentum), [1 - 0.05 - 0.095, -2 + 0.1 + 0.19])
    }

    @Test func nesterov() {
        // step 1: v = g, w −= lr(g + 0.9g); step 2: v = 1.9g, w −= lr(g + 0.9·1.9g).
        expectClose(step(.nesterov), [1 - 0.1 * 0.5 * (1.9 + 2.71), -2 + 0.1 * 1 * (1.9 + 2.71)])
    }

    @Test func adamFirstStepMovesByTheLearningRate() {
        // With bias correction, m̂ = g and v̂ = g², so the first step is lr·sign(g).
        expectClose(step(.adam, steps: 1, lr: 0.01), [1 - 0.01, -2 + 0.01])
    }

    @Test func decoupledWeightDecay() {
        // w ← w(1 − lr·λ) − lr·g
        expectClose(step(.sgd, weightDecay: 0.5, steps: 1), [1 * 0.95 - 0.05, -2 * 0.95 + 0.1])
    }

    @Test func schedules() {
        #expect(Schedule.constant.rate(base: 0.1, progress: 7) == 0.1)
        #expect(abs(Schedule.step(every: 2, gamma: 0.5).rate(base: 0.1, progress: 4.5) - 0.025) < 1e-7)
        #expect(abs(Schedule.cosine(epochs: 10).rate(base: 0.1, progress: 5) - 0.05) < 1e-6)
        #expect(Schedule.cosine(epochs: 10).rate(base: 0.1, progress: 10) < 1e-8)
        let one = Schedule.oneCycle(epochs: 10)
        #expect(abs(one.rate(base: 0.1, progress: 0) - 0.004) < 1e-7)
        #expect(abs(one.rate(base: 0.1, progress: 3) - 0.1) < 1e-6)
        #expect(one.rate(base: 0.1, progress: 10) < 1e-4)
    }
}
