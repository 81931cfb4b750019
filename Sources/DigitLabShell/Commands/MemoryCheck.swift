import DigitLabCore

/// The one memory budget (`set memory-limit`), checked before anything is allocated:
/// when a layer is added, a preset is built, a model is loaded, the batch size or the
/// optimiser changes, and before training. Core estimates (MemoryBudget); this turns its
/// refusals into command errors.
enum MemoryCheck {
    static func budget(_ settings: Settings) -> MemoryBudget { MemoryBudget(limit: settings.memoryLimit) }

    static func appending(_ spec: LayerSpec, to net: Network, _ settings: Settings) throws(CommandError) {
        do {
            try budget(settings).checkAppending(spec, to: net, batchSize: settings.training.batchSize, optimizer: settings.training.optimizer.kind)
        } catch { throw CommandError("net add \(spec.description): \(error.message)") }
    }

    static func architecture(_ specs: [LayerSpec], batch: Int, optimizer: OptimizerKind, _ settings: Settings, what: String) throws(CommandError) {
        do {
            try budget(settings).checkArchitecture(input: [1, 28, 28], specs: specs, batchSize: batch, optimizer: optimizer)
        } catch { throw CommandError("\(what): \(error.message)") }
    }

    /// The network trains at these settings (batch, optimiser, limit).
    static func network(_ net: Network, _ settings: Settings, what: String = "") throws(CommandError) {
        guard !net.isEmpty else { return }
        do {
            try budget(settings).checkBatchSize(settings.training.batchSize, for: net, optimizer: settings.training.optimizer.kind)
        } catch { throw CommandError((what.isEmpty ? "" : what + ": ") + error.message) }
    }
}
