/// What the training loop tells its observers. Progress bars, the metrics log,
/// `train step` printouts, early stopping and Ctrl-C all listen to these.
public enum TrainingEvent: Sendable {
    case batchEnd(BatchReport)
    case epochEnd(EpochReport)
}

/// After each event an observer says whether to go on.
public enum TrainingDecision: Sendable, Equatable {
    case proceed
    case stop(reason: String)
}

public struct BatchReport: Sendable {
    /// 1-based epoch this batch belongs to.
    public let epoch: Int
    /// Steps taken since the network was made, including this one.
    public let step: Int
    public let stepInEpoch: Int
    public let stepsPerEpoch: Int
    public let loss: Float
    public let accuracy: Double
    public let images: Int
    public let learningRate: Float
    /// Per layer with parameters, when `Trainer.collectLayerStats` is on.
    public let layerStats: [LayerStats]
    public let seconds: Double
}

/// How big the gradient of a layer was and how much one step moved its weights.
public struct LayerStats: Sendable, Equatable {
    public let layer: Int
    /// ‖∂loss/∂θ‖₂ over all the layer's parameters.
    public let gradientNorm: Float
    /// ‖Δθ‖ / ‖θ‖: around 1e-3 is healthy; far above, the learning rate is too high.
    public let updateRatio: Float
}

public struct EpochReport: Sendable {
    public let epoch: Int
    public let trainLoss: Float
    public let trainAccuracy: Double
    public let validation: Evaluation?
    public let seconds: Double
    public let images: Int
    public var imagesPerSecond: Double { seconds > 0 ? Double(images) / seconds : 0 }
}

/// How a call to `Trainer.train` ended.
public struct TrainingOutcome: Sendable {
    public enum Ending: Sendable, Equatable {
        /// Did all that was asked.
        case finished
        /// An observer asked to stop (Ctrl-C, early stopping), at a batch boundary.
        case stopped(reason: String)
        /// The loss became NaN or infinite; the last good weights were put back.
        case diverged(step: Int, restoredStep: Int)
    }
    public let ending: Ending
    public let steps: Int
    public let epochsCompleted: Int
}
