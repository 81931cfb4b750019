/// What training measured, step by step and epoch by epoch. Training appends; figures
/// (`render curves`) read it, so pictures can be redrawn without training again.
public struct MetricsLog: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        /// Position in epochs (1.5 = halfway through the second epoch).
        public let epochs: Double
        public let loss: Float
        public let accuracy: Double

        public init(epochs: Double, loss: Float, accuracy: Double) {
            (self.epochs, self.loss, self.accuracy) = (epochs, loss, accuracy)
        }
    }
    public struct Epoch: Sendable, Equatable {
        public let epoch: Int
        public let trainLoss: Float
        public let trainAccuracy: Double
        public let validationLoss: Float?
        public let validationAccuracy: Double?

        public init(epoch: Int, trainLoss: Float, trainAccuracy: Double, validationLoss: Float?, validationAccuracy: Double?) {
            (self.epoch, self.trainLoss, self.trainAccuracy) = (epoch, trainLoss, trainAccuracy)
            (self.validationLoss, self.validationAccuracy) = (validationLoss, validationAccuracy)
        }
    }

    public private(set) var steps: [Step] = []
    public private(set) var epochs: [Epoch] = []

    public init() {}

    /// A log put back from a checkpoint.
    public init(steps: [Step], epochs: [Epoch]) {
        self.steps = steps
        self.epochs = epochs
    }

    public var isEmpty: Bool { steps.isEmpty }

    /// Records an event of the training loop.
    public mutating func record(_ event: TrainingEvent) {
        switch event {
        case .batchEnd(let r):
            let position = Double(r.epoch - 1) + Double(r.stepInEpoch) / Double(max(1, r.stepsPerEpoch))
            steps.append(Step(epochs: position, loss: r.loss, accuracy: r.accuracy))
        case .epochEnd(let r):
            epochs.append(Epoch(epoch: r.epoch, trainLoss: r.trainLoss, trainAccuracy: r.trainAccuracy,
                                validationLoss: r.validation?.loss, validationAccuracy: r.validation?.accuracy))
        }
    }
}
