import DigitLabCore

/// One network's training, kept under a name so that runs can be compared
/// (`runs`, `render compare`): the settings it trained with, its curves, its time.
public struct Run: Sendable, Equatable {
    /// The name `run name` gave it; nil until the run log files it (then `run 1`, …).
    public var name: String?
    /// The layers, as `net add` words.
    public var network: String
    public var settings: Settings
    /// `augment …` words in force when it started.
    public var augmentation: String
    /// `preprocess …` in force when it started.
    public var inputs: String
    public var metrics: MetricsLog
    public var seconds: Double

    public var bestValidationAccuracy: Double? { metrics.epochs.compactMap(\.validationAccuracy).max() }
    public var lastTrainLoss: Float? { metrics.epochs.last?.trainLoss ?? metrics.steps.last?.loss }

    /// The same training, whatever its name and however long it took.
    func sameTraining(as other: Run) -> Bool {
        network == other.network && settings == other.settings && augmentation == other.augmentation
            && inputs == other.inputs && metrics == other.metrics
    }
}

/// The finished runs of the session, in order; names are unique.
public struct RunLog: Sendable, Equatable {
    public private(set) var runs: [Run] = []

    /// Files a finished run under its own name, or the next automatic one. A run filed
    /// already (the same network, settings and curves: a checkpoint loaded twice) is not
    /// filed again.
    mutating func file(_ run: Run?) {
        guard var run, !runs.contains(where: { $0.sameTraining(as: run) }) else { return }
        run.name = uniqueName(run.name ?? "run \(runs.count + 1)")
        runs.append(run)
    }

    func uniqueName(_ base: String) -> String {
        var name = base, n = 2
        while runs.contains(where: { $0.name == name }) { name = "\(base) (\(n))"; n += 1 }
        return name
    }

    public func named(_ name: String) -> Run? { runs.first { $0.name == name } }
}
