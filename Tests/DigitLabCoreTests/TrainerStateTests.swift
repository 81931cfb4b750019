import Foundation
import Testing
@testable import DigitLabCore

/// A trainer's exported state, put into a fresh trainer over the same weights, continues
/// training bit for bit.
@Suite struct TrainerStateTests {
    func makeTrainer(_ preset: Preset, weights: NetworkSnapshot? = nil) -> Trainer {
        var rng = SeededRNG(seed: 3)
        let net = preset.makeNetwork(using: &rng)
        if let weights { net.restore(weights) }
        var settings = TrainingSettings()
        settings.batchSize = 24 // 64 images: the epoch ends mid-way through the second call
        settings.learningRate = preset.learningRate
        settings.optimizer = preset.optimizer
        settings.schedule = .cosine(epochs: 4)
        let trainer = Trainer(network: net, settings: settings, rng: SeededRNG(seed: 5))
        trainer.checkpointInterval = 2
        let augmentation = Augmentation(shift: 1, rotate: 5)
        trainer.augment = { batch, labels, rng in augmentation.apply(to: &batch, labels: &labels, background: -0.4242, using: &rng) }
        return trainer
    }

    @Test(arguments: ["cnn", "lenet5", "mlp"])
    func restoredTrainingContinuesBitForBit(preset name: String) throws {
        let preset = try #require(Preset.named(name))
        let data = syntheticImages()
        let first = makeTrainer(preset)
        _ = first.train(data, normalization: .mnist, amount: .steps(4))
        let weights = first.network.snapshot()
        // Through JSON, as a checkpoint file would hold it.
        let json = try JSONEncoder().encode(first.exportState())
        let state = try JSONDecoder().decode(TrainerState.self, from: json)
        #expect(state == first.exportState(), "the state changed through JSON")
        var losses = [Float]()
        _ = first.train(data, normalization: .mnist, amount: .steps(5)) { e in
            if case .batchEnd(let r) = e { losses.append(r.loss) }
            return .proceed
        }

        let second = makeTrainer(preset, weights: weights)
        try second.restore(state)
        var resumed = [Float]()
        _ = second.train(data, normalization: .mnist, amount: .steps(5)) { e in
            if case .batchEnd(let r) = e { resumed.append(r.loss) }
            return .proceed
        }
        #expect(resumed == losses)
        #expect(second.network.snapshot() == first.network.snapshot())
        var (a, b) = (second.exportState(), first.exportState())
        #expect(a.epochSeconds != 0) // timings differ between runs; everything else agrees
        (a.epochSeconds, b.epochSeconds) = (0, 0)
        #expect(a == b, "the states after training differ")
    }

    @Test func aStateThatDoesNotFitIsRefusedAndChangesNothing() throws {
        let state = makeTrainer(.mlp).exportState()
        let other = makeTrainer(.lenet5)
        let before = other.exportState()
        #expect(throws: TrainerStateError("the trainer state is for a network with 4 parameter tensors (101770 values) but this one has 10 (61706 values)")) {
            try other.restore(state)
        }
        #expect(other.exportState() == before, "a refused state changed the trainer")
        var broken = makeTrainer(.lenet5).exportState()
        broken.rng = [0, 0, 0, 0]
        #expect(throws: TrainerStateError.self) { try other.restore(broken) }
        broken = makeTrainer(.lenet5).exportState()
        broken.order = [0, 0]
        #expect(throws: TrainerStateError.self) { try other.restore(broken) }
        broken = makeTrainer(.lenet5).exportState()
        broken.optimizer.kind = .adam
        #expect(throws: TrainerStateError("the saved optimiser is adam but the trainer uses momentum — set optimizer adam first")) {
            try other.restore(broken)
        }
    }

    @Test func rngStateContinuesTheSequence() throws {
        var a = SeededRNG(seed: 9)
        _ = a.next()
        var b = try #require(SeededRNG(state: a.state))
        #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
        #expect(SeededRNG(state: [0, 0, 0, 0]) == nil)
        #expect(SeededRNG(state: [1, 2, 3]) == nil)
    }
}
