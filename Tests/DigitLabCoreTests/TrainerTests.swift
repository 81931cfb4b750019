import Testing
@testable import DigitLabCore

/// 64 synthetic "digits": class c has a bright bar in row 2c+3 plus seeded noise.
func syntheticImages(count: Int = 64, seed: UInt64 = 5) -> LabeledImages {
    var rng = SeededRNG(seed: seed)
    var pixels = [UInt8](), labels = [UInt8]()
    for i in 0..<count {
        let c = i % 10
        for r in 0..<28 {
            for col in 0..<28 {
                let bar = r == 2 * c + 3 && col > 4 && col < 24
                pixels.append(bar ? 255 : UInt8(rng.below(60)))
            }
        }
        labels.append(UInt8(c))
    }
    return LabeledImages(pixels: pixels, labels: labels, rows: 28, columns: 28)
}

@Suite struct TrainerTests {
    func trainer(_ preset: Preset, seed: UInt64 = 1, batch: Int = 16) -> Trainer {
        var rng = SeededRNG(seed: seed)
        var s = TrainingSettings()
        s.batchSize = batch
        s.learningRate = preset.learningRate
        s.optimizer = preset.optimizer
        return Trainer(network: preset.makeNetwork(using: &rng), settings: s, rng: SeededRNG(seed: seed + 1))
    }

    @Test func tinyNetworkOverfits64Images() {
        let data = syntheticImages()
        let t = trainer(.lenet5)
        _ = t.train(data, normalization: .mnist, amount: .epochs(30))
        let e = t.network.evaluate(data, normalization: .mnist)
        #expect(e.accuracy == 1.0, "accuracy \(e.accuracy), loss \(e.loss)")
    }

    /// Rows relabelled "not a digit" by augmentation are trained towards every class alike
    /// and left out of the accuracy: an MLP that has learnt the bars scores 100% on the
    /// digits of a batch even when half of its rows are not digits.
    @Test func notADigitRowsAreTrainedButNotScored() {
        let data = syntheticImages()
        let t = trainer(.mlp)
        _ = t.train(data, normalization: .mnist, amount: .epochs(30))
        #expect(t.network.evaluate(data, normalization: .mnist).accuracy == 1.0)
        t.augment = { _, labels, _ in for i in labels.indices where i % 2 == 1 { labels[i] = Loss.notADigit } }
        var reports = [BatchReport]()
        _ = t.train(data, normalization: .mnist, amount: .epochs(1)) { event in
            if case .batchEnd(let r) = event { reports.append(r) }
            return .proceed
        }
        #expect(!reports.isEmpty && reports.allSatisfy { $0.accuracy == 1.0 && $0.loss.isFinite }, "\(reports.map(\.accuracy))")
        // Told of every image, half the time, that it is no digit, the network grows less
        // sure of all of them (its target drifts towards 1/2 on the class, 1/20 elsewhere).
        let x = Normalization.mnist.batch(data, indices: [1]).x
        let after = t.network.probabilities(x).data.max()!
        _ = t.train(data, normalization: .mnist, amount: .epochs(10))
        #expect(t.network.probabilities(x).data.max()! < min(after, 0.9), "certainty falls from \(after)")
    }

    @Test func sameSeedSameBits() {
        let data = syntheticImages()
        func run() -> (NetworkSnapshot, [Float]) {
            let t = trainer(.cnn, batch: 8)  // dropout and Adam: every random draw matters
            var losses = [Float]()
            _ = t.train(data, normalization: .mnist, amount: .steps(12)) { e in
                if case .batchEnd(let r) = e { losses.append(r.loss) }
                return .proceed
            }
            return (t.network.snapshot(), losses)
        }
        let (a, la) = run(), (b, lb) = run()
        #expect(la == lb)
        #expect(a == b)
        let (c, _) = { () -> (NetworkSnapshot, [Float]) in
            let t = trainer(.cnn, seed: 2, batch: 8)
            _ = t.train(data, normalization: .mnist, amount: .steps(12))
            return (t.network.snapshot(), [])
        }()
        #expect(a != c, "another seed gives other weights")
    }

    @Test func stepsContinueTheEpochAndStopRequestsAreHonoured() {
        let data = syntheticImages()
        let t = trainer(.mlp, batch: 16)  // 4 steps per epoch
        var epochs = [Int]()
        let first = t.train(data, normalization: .mnist, amount: .steps(3))
        #expect(first.ending == .finished && t.positionInEpoch == 48)
        _ = t.train(data, normalization: .mnist, amount: .epochs(1)) { e in
            if case .epochEnd(let r) = e { epochs.append(r.epoch) }
            return .proceed
        }
        #expect(epochs == [1] && t.stepsTaken == 4, "train epoch finishes the epoch that steps began")
        let before = t.network.snapshot()
        let stopped = t.train(data, normalization: .mnist, amount: .epochs(5)) { _ in .stop(reason: "interrupted") }
        #expect(stopped.ending == .stopped(reason: "interrupted") && stopped.steps == 1)
        #expect(t.network.snapshot() != before && t.stepsTaken == 5)
    }

    @Test func nanLossRestoresTheLastGoodWeights() {
        let data = syntheticImages()
        let t = trainer(.mlp)
        t.settings.learningRate = 1e30
        let start = t.network.snapshot()
        let outcome = t.train(data, normalization: .mnist, amount: .epochs(3))
        guard case .diverged(_, let restored) = outcome.ending else {
            Issue.record("expected divergence, got \(outcome.ending)"); return
        }
        #expect(restored == 0)
        #expect(t.network.snapshot() == start)
        #expect(t.network.parameters.allSatisfy { $0.value.allSatisfy { $0.isFinite } })
    }

    @Test func earlyStoppingRestoresTheBest() {
        let data = syntheticImages()
        let t = trainer(.mlp)
        let stop = EarlyStopping(metric: .trainAccuracy, comparison: .atLeast, target: 1.0, patience: 3)
        let outcome = t.train(data, normalization: .mnist, validation: data, amount: .epochs(40)) {
            stop.observe($0, network: t.network)
        }
        #expect(outcome.epochsCompleted < 40)
        #expect(stop.restoreBest(into: t.network) != nil)
        #expect(t.network.evaluate(data, normalization: .mnist).accuracy > 0.9)
    }
}

@Suite struct FallbackTests {
    /// Weights are only kept as the fallback after a batch showed they give a finite loss.
    @Test func divergenceRestoresWeightsThatGaveAFiniteLoss() {
        let data = syntheticImages()
        var rng = SeededRNG(seed: 1)
        var s = TrainingSettings()
        s.batchSize = 16
        let t = Trainer(network: Preset.mlp.makeNetwork(using: &rng), settings: s, rng: SeededRNG(seed: 2))
        t.checkpointInterval = 2
        _ = t.train(data, normalization: .mnist, amount: .steps(3)) // fallback taken at step 2
        t.settings.learningRate = 1e30                                // the next update explodes
        let outcome = t.train(data, normalization: .mnist, amount: .steps(5))
        guard case .diverged(_, let restored) = outcome.ending else { Issue.record("\(outcome.ending)"); return }
        #expect(restored == 2)
        // The restored weights give a finite loss on a batch.
        let (x, labels) = Normalization.mnist.batch(data, indices: 0..<16)
        #expect(Loss.crossEntropy.evaluate(t.network.probabilities(x), labels: labels).loss.isFinite)
        #expect(t.network.parameters.allSatisfy { $0.value.allSatisfy { $0.isFinite } })
        // With a sane learning rate, training simply goes on from there.
        t.settings.learningRate = 0.05
        #expect(t.train(data, normalization: .mnist, amount: .steps(4)).ending == .finished)
        #expect(t.network.parameters.allSatisfy { $0.value.allSatisfy { $0.isFinite } })
    }
}
