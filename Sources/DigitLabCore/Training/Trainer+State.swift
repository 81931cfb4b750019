/// Everything in a trainer that affects future numbers, apart from the network's own
/// weights: put it back into a trainer over the same weights and training continues bit
/// for bit as if it had never stopped (recordings replay exactly through a checkpoint).
///
///     let state = trainer.exportState()          // Codable: JSON, or anything else
///     … later, a network with the same weights …
///     try other.restore(state)
public struct TrainerState: Codable, Equatable, Sendable {
    /// The most steps, epochs or images a state may count (2⁴⁰: centuries of training).
    public static let maxCount = 1 << 40

    /// Values per parameter of the network it was taken from (to check a restore).
    public var parameterCounts: [Int]
    public var epochsCompleted: Int
    public var stepsTaken: Int
    /// The trainer's `SeededRNG` state (shuffles, dropout masks, augmentation).
    public var rng: [UInt64]
    /// The current epoch's order of images and how far through it training is.
    public var order: [Int]
    public var cursor: Int
    /// The running sums of the current epoch (its report's loss, accuracy and time).
    public var epochLoss: Double
    public var epochCorrect: Int
    public var epochImages: Int
    /// Images of the epoch with a class label (not `Loss.notADigit`); absent from states
    /// saved before `augment outliers` existed, when it equalled `epochImages`.
    public var epochScored: Int?
    public var epochSeconds: Double
    public var optimizer: OptimizerState
    /// The weights the trainer falls back on after a NaN loss, and their step.
    public var fallback: Fallback?

    public struct Fallback: Codable, Equatable, Sendable {
        public var step: Int
        public var parameters: [[Float]]
        /// Batchnorm running statistics, per stateful layer and buffer.
        public var buffers: [[[Float]]]
    }
}

/// A trainer state that does not fit: what and why, in one line.
public struct TrainerStateError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Trainer {
    /// Everything that affects future numbers except the network's weights.
    public func exportState() -> TrainerState {
        TrainerState(
            parameterCounts: network.parameters.map(\.count), epochsCompleted: epochsCompleted,
            stepsTaken: stepsTaken, rng: rng.state, order: order, cursor: cursor,
            epochLoss: epochLoss, epochCorrect: epochCorrect, epochImages: epochImages, epochScored: epochScored,
            epochSeconds: epochSeconds,
            optimizer: optimizer.exportState(),
            fallback: fallback.map {
                TrainerState.Fallback(step: $0.step, parameters: $0.snapshot.parameters, buffers: $0.snapshot.buffers)
            })
    }

    /// Puts back a state exported from a trainer over a network of the same shape (and,
    /// to continue exactly, the same weights). Throws, changing nothing, when it does not
    /// fit this network or this trainer's optimiser.
    public func restore(_ state: TrainerState) throws(TrainerStateError) {
        let counts = network.parameters.map(\.count)
        guard state.parameterCounts == counts else {
            throw TrainerStateError("the trainer state is for a network with \(state.parameterCounts.count) parameter tensors (\(state.parameterCounts.reduce(0, +)) values) but this one has \(counts.count) (\(counts.reduce(0, +)) values)")
        }
        guard let restoredRNG = SeededRNG(state: state.rng) else {
            throw TrainerStateError("the trainer state's random generator is invalid (it needs four words, not all zero)")
        }
        // Counts go on growing from here: a crafted Int.max would trap at the next step.
        let tallies = [state.epochsCompleted, state.stepsTaken, state.epochImages, state.epochCorrect, state.epochScored ?? 0,
                       state.optimizer.steps, state.fallback?.step ?? 0]
        guard tallies.allSatisfy({ (0...TrainerState.maxCount).contains($0) }) else {
            throw TrainerStateError("the trainer state has counts outside 0…\(TrainerState.maxCount) (\(tallies.map(String.init).joined(separator: ", ")))")
        }
        // The epoch's tallies agree with each other: a digit right is a digit scored, of
        // an image seen (crafted ones printed "accuracy 549.30%" or "-1.0 s").
        let scored = state.epochScored ?? state.epochImages
        guard state.epochCorrect <= scored, scored <= state.epochImages,
              state.epochSeconds.isFinite, state.epochSeconds >= 0 else {
            throw TrainerStateError("the trainer state's epoch tallies disagree (\(state.epochCorrect) right of \(scored) scored of \(state.epochImages) images, \(state.epochSeconds) s)")
        }
        // Inside the epoch: a finished epoch is cursor 0 (the next batch starts a new one),
        // so cursor == count would make an empty batch.
        guard state.order.isEmpty ? state.cursor == 0 : (0..<state.order.count).contains(state.cursor) else {
            throw TrainerStateError("the trainer state's position \(state.cursor) is outside its epoch of \(state.order.count) images")
        }
        var seen = [Bool](repeating: false, count: state.order.count)
        for i in state.order {
            guard i >= 0, i < seen.count, !seen[i] else {
                throw TrainerStateError("the trainer state's image order is not a permutation of 0..<\(seen.count)")
            }
            seen[i] = true
        }
        if let f = state.fallback {
            guard f.parameters.map(\.count) == counts else {
                throw TrainerStateError("the trainer state's fallback weights do not fit this network")
            }
            let bufferShape = network.snapshot().buffers.map { $0.map(\.count) }
            guard f.buffers.map({ $0.map(\.count) }) == bufferShape else {
                throw TrainerStateError("the trainer state's fallback batchnorm statistics do not fit this network")
            }
        }
        // Validate the optimiser state on a fresh optimiser, then commit everything.
        let fresh = settings.optimizer.makeOptimizer()
        try fresh.restore(state.optimizer, parameters: network.parameters)
        optimizer = fresh
        rng = restoredRNG
        epochsCompleted = state.epochsCompleted
        stepsTaken = state.stepsTaken
        order = state.order
        cursor = state.cursor
        epochLoss = state.epochLoss
        epochCorrect = state.epochCorrect
        epochImages = state.epochImages
        epochScored = state.epochScored ?? state.epochImages
        epochSeconds = state.epochSeconds
        fallback = state.fallback.map {
            (NetworkSnapshot(parameters: $0.parameters, buffers: $0.buffers), $0.step)
        }
    }
}
