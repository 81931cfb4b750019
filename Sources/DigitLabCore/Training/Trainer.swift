/// Hyper-parameters of training.
public struct TrainingSettings: Equatable, Sendable {
    public var batchSize = 64
    public var learningRate: Float = 0.1
    public var schedule: Schedule = .constant
    public var loss: Loss = .crossEntropy
    public var optimizer = OptimizerSettings()
    /// Where the schedule starts, in epochs of training (the position when it was set):
    /// a schedule set after six epochs runs from there, not from the first epoch ever.
    public var scheduleStart: Double = 0
    public init() {}
}

/// How much to train in one call.
public enum TrainingAmount: Sendable, Equatable {
    case steps(Int)
    case epochs(Int)
}

/// The one training loop. It remembers where it is in the current epoch, so
/// `train step 5` followed by `train epoch` finishes that epoch rather than starting a
/// new one; and it emits events instead of printing, so every front end shares it.
public final class Trainer {
    public let network: Network
    public var settings: TrainingSettings {
        didSet { if settings.optimizer != oldValue.optimizer { optimizer = settings.optimizer.makeOptimizer() } }
    }
    public internal(set) var optimizer: any Optimizer
    public var rng: SeededRNG
    /// Per-layer gradient and update sizes on each batch (costs a copy of the weights).
    public var collectLayerStats = false
    /// Changes a normalised batch in place before the forward pass (augmentation); it
    /// may also relabel an image it replaces by something that is not a digit.
    public var augment: ((inout Tensor, inout [Int], inout SeededRNG) -> Void)?

    public internal(set) var epochsCompleted = 0
    public internal(set) var stepsTaken = 0
    // Where the current epoch stands (all saved by `exportState`).
    var order: [Int] = []
    var cursor = 0
    var epochLoss = 0.0, epochCorrect = 0, epochImages = 0, epochScored = 0, epochSeconds = 0.0
    /// How often (in steps) the loop copies the weights, to fall back on after a NaN.
    public var checkpointInterval = 100
    /// The last weights known to give a finite loss, and the step they are from.
    var fallback: (snapshot: NetworkSnapshot, step: Int)?

    public init(network: Network, settings: TrainingSettings, rng: SeededRNG) {
        self.network = network
        self.settings = settings
        self.optimizer = settings.optimizer.makeOptimizer()
        self.rng = rng
    }

    /// Steps in one epoch of `count` images (the last partial batch is kept).
    public func stepsPerEpoch(_ count: Int) -> Int { (count + settings.batchSize - 1) / settings.batchSize }

    /// Where the current epoch stands, e.g. to print "epoch 2, step 10 of 938".
    public var positionInEpoch: Int { cursor }

    /// Epochs trained so far, with the fraction of the current one (2.5 = halfway
    /// through the third), for a data set of `count` images.
    public func progress(over count: Int) -> Double {
        Double(epochsCompleted) + (count > 0 ? Double(cursor) / Double(count) : 0)
    }

    /// The learning rate the next step will use.
    public func currentLearningRate(over count: Int) -> Float {
        settings.schedule.rate(base: settings.learningRate, progress: max(0, progress(over: count) - settings.scheduleStart))
    }

    /// Starts the next batch at the beginning of a fresh epoch (after the data changed).
    public func restartEpoch() { cursor = 0; order = [] }

    /// Trains on `data`, telling `observe` about every batch and epoch.
    public func train(_ data: LabeledImages, normalization: Normalization, validation: LabeledImages? = nil,
                      amount: TrainingAmount,
                      observe: (TrainingEvent) -> TrainingDecision = { _ in .proceed }) -> TrainingOutcome {
        precondition(!data.isEmpty && !network.isEmpty, "train needs data and a network")
        if order.count != data.count { restartEpoch() }
        let upTo = settings.loss == .crossEntropy ? network.logitLayerCount : network.layers.count
        let clock = ContinuousClock()
        // The first fallback is the weights as we got them (fresh ones are finite);
        // afterwards only weights that gave a finite loss replace it, across calls.
        if fallback == nil { fallback = (network.snapshot(), stepsTaken) }
        var steps = 0, epochs = 0
        func finish(_ ending: TrainingOutcome.Ending) -> TrainingOutcome {
            TrainingOutcome(ending: ending, steps: steps, epochsCompleted: epochs)
        }
        while true {
            switch amount {
            case .steps(let n) where steps >= n: return finish(.finished)
            case .epochs(let n) where epochs >= n: return finish(.finished)
            default: break
            }
            if cursor == 0 {
                order = rng.permutation(data.count)
                epochLoss = 0; epochCorrect = 0; epochImages = 0; epochScored = 0; epochSeconds = 0
            }
            let started = clock.now
            // Candidate fallback weights: they become "good" once this batch's loss,
            // computed with them, turns out finite.
            let candidate = stepsTaken % checkpointInterval == 0 && stepsTaken > (fallback?.step ?? 0) ? network.snapshot() : nil
            let indices = order[cursor..<min(cursor + settings.batchSize, data.count)]
            var (x, labels) = normalization.batch(data, indices: indices)
            augment?(&x, &labels, &rng)
            let out = network.forward(x, mode: .training, upTo: upTo, rng: &rng)
            let (loss, gradient, correct, scored) = settings.loss.evaluate(out, labels: labels)
            guard loss.isFinite else {
                let good = fallback! // set on entry
                network.restore(good.snapshot)
                // Momentum and Adam's moments hold the update that exploded: start them afresh.
                optimizer = settings.optimizer.makeOptimizer()
                _ = network.forward(x, mode: .inference, upTo: upTo, rng: &rng) // drop kept activations
                return finish(.diverged(step: stepsTaken + 1, restoredStep: good.step))
            }
            if let candidate { fallback = (candidate, stepsTaken) }
            network.backward(gradient, from: upTo)
            let before = collectLayerStats ? network.layers.map { $0.parameters.map(\.value) } : []
            let progress = Double(epochsCompleted) + Double(cursor) / Double(data.count)
            let lr = settings.schedule.rate(base: settings.learningRate, progress: max(0, progress - settings.scheduleStart))
            optimizer.step(network.parameters, lr: lr)
            cursor += indices.count
            stepsTaken += 1
            steps += 1
            let seconds = secondsSince(started, clock)
            epochLoss += Double(loss) * Double(indices.count)
            epochCorrect += correct
            epochImages += indices.count
            epochScored += scored
            epochSeconds += seconds
            let report = BatchReport(
                epoch: epochsCompleted + 1, step: stepsTaken,
                stepInEpoch: (cursor + settings.batchSize - 1) / settings.batchSize,
                stepsPerEpoch: stepsPerEpoch(data.count), loss: loss,
                accuracy: Double(correct) / Double(max(1, scored)), images: indices.count,
                learningRate: lr, layerStats: collectLayerStats ? layerStats(before: before) : [],
                seconds: seconds)
            var decision = observe(.batchEnd(report))
            if cursor >= data.count {
                cursor = 0
                epochsCompleted += 1
                epochs += 1
                let validated = validation.map {
                    network.evaluate($0, normalization: normalization, loss: settings.loss)
                }
                let epochReport = EpochReport(
                    epoch: epochsCompleted, trainLoss: Float(epochLoss / Double(max(1, epochImages))),
                    trainAccuracy: Double(epochCorrect) / Double(max(1, epochScored)),
                    validation: validated, seconds: epochSeconds, images: epochImages)
                let epochDecision = observe(.epochEnd(epochReport))
                if decision == .proceed { decision = epochDecision }
            }
            if case .stop(let reason) = decision { return finish(.stopped(reason: reason)) }
        }
    }

    private func layerStats(before: [[[Float]]]) -> [LayerStats] {
        network.layers.enumerated().compactMap { index, layer in
            guard !layer.parameters.isEmpty else { return nil }
            var grad = 0.0, delta = 0.0, weight = 0.0
            for (p, old) in zip(layer.parameters, before[index]) {
                for i in 0..<p.count {
                    grad += Double(p.grad[i] * p.grad[i])
                    let d = Double(p.value[i] - old[i])
                    delta += d * d
                    weight += Double(old[i] * old[i])
                }
            }
            return LayerStats(layer: index, gradientNorm: Float(grad.squareRoot()),
                              updateRatio: weight > 0 ? Float((delta / weight).squareRoot()) : 0)
        }
    }
}

func secondsSince(_ start: ContinuousClock.Instant, _ clock: ContinuousClock) -> Double {
    let d = clock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}
