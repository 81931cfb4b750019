import DigitLabCore
import DigitLabViz
import Foundation
import Glibc

/// Every setting that changes results or how they are shown: what `set` changes, what a
/// recording's header writes, what a lesson starts from.
public struct Settings: Equatable, Sendable {
    public var training = TrainingSettings()
    public var seed: UInt64 = 0
    /// Parts the work is split into, at most the cores there are.
    public var threads = min(2, Settings.cores)
    /// Epochs `train epoch` runs when no count is given.
    public var epochs = 1
    /// How dense and conv layers added from now on start out.
    public var initializer: Initializer = .pytorch
    /// How pictures show in the terminal (a display preference: recordings leave it out).
    public var pictures: PictureProtocol = PictureSupport.choice(environment: ProcessInfo.processInfo.environment).choice
    /// The most memory a network may need at the current batch size (Core's budget: a
    /// quarter of physical memory, at most 1 GB).
    public var memoryLimit = MemoryBudget.default.limit

    public init() {}

    /// The cores this process may run on.
    public static var cores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// The lines that put every setting in force, as `set` takes them (a recording's header).
    public var commands: [String] {
        let o = training.optimizer
        return ["set seed \(seed)", "set lr \(Format.number(training.learningRate))", "set batch \(training.batchSize)",
                "set optimizer \(o.kind.rawValue)", "set momentum \(Format.number(o.momentum))",
                "set weight-decay \(Format.number(o.weightDecay))", "set schedule \(training.schedule.description)",
                "set loss \(training.loss.rawValue)", "set init \(initializer.rawValue)", "set epochs \(epochs)",
                "set threads \(threads)", "set memory-limit \(memoryLimitWords)"]
        // `set pictures` is left out: how pictures show belongs to the terminal replaying.
    }

    var memoryLimitWords: String { "\(max(1, memoryLimit >> 20))MB" }
}
