/// `train until METRIC OP VALUE [max N] [patience P]`: an observer that stops training
/// when a per-epoch metric reaches a target, or has not improved for `patience` epochs,
/// and remembers the best weights seen so they can be put back.
public final class EarlyStopping {
    public enum Metric: String, CaseIterable, Sendable {
        case validationAccuracy = "validation.accuracy", validationLoss = "validation.loss"
        case trainAccuracy = "train.accuracy", trainLoss = "train.loss"

        public var higherIsBetter: Bool { self == .validationAccuracy || self == .trainAccuracy }
        public var needsValidation: Bool { self == .validationAccuracy || self == .validationLoss }

        func value(_ r: EpochReport) -> Double? {
            switch self {
            case .validationAccuracy: return r.validation?.accuracy
            case .validationLoss: return r.validation.map { Double($0.loss) }
            case .trainAccuracy: return r.trainAccuracy
            case .trainLoss: return Double(r.trainLoss)
            }
        }
    }

    public enum Comparison: String, CaseIterable, Sendable {
        case atLeast = ">=", above = ">", atMost = "<=", below = "<"
        public func holds(_ a: Double, _ b: Double) -> Bool {
            switch self {
            case .atLeast: return a >= b
            case .above: return a > b
            case .atMost: return a <= b
            case .below: return a < b
            }
        }
    }

    public let metric: Metric
    public let comparison: Comparison
    public let target: Double
    public let patience: Int?
    public private(set) var best: (value: Double, epoch: Int, snapshot: NetworkSnapshot)?
    private var epochsWithoutImprovement = 0

    public init(metric: Metric, comparison: Comparison, target: Double, patience: Int?) {
        self.metric = metric
        self.comparison = comparison
        self.target = target
        self.patience = patience
    }

    /// Feed it every event; it answers whether to stop.
    public func observe(_ event: TrainingEvent, network: Network) -> TrainingDecision {
        guard case .epochEnd(let report) = event, let value = metric.value(report) else { return .proceed }
        let improved = best.map { metric.higherIsBetter ? value > $0.value : value < $0.value } ?? true
        if improved {
            best = (value, report.epoch, network.snapshot())
            epochsWithoutImprovement = 0
        } else {
            epochsWithoutImprovement += 1
        }
        if comparison.holds(value, target) {
            return .stop(reason: "\(metric.rawValue) \(comparison.rawValue) \(target) reached at epoch \(report.epoch)")
        }
        if let p = patience, epochsWithoutImprovement >= p {
            return .stop(reason: "no improvement of \(metric.rawValue) for \(p) epochs")
        }
        return .proceed
    }

    /// Puts back the best weights seen; returns the epoch they came from.
    @discardableResult
    public func restoreBest(into network: Network) -> Int? {
        guard let b = best else { return nil }
        network.restore(b.snapshot)
        return b.epoch
    }
}
