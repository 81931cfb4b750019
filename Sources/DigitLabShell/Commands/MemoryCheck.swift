import DigitLabCore

/// The one memory budget (`set memory-limit`): checked when a layer is added, a model is
/// loaded or the batch size changes, before anything is allocated.
enum MemoryCheck {
    static func network(_ net: Network, _ settings: Settings) throws(CommandError) {
        // Filled in with Core's estimate (parameters, gradients, optimiser state,
        // activations kept for backward, im2col) — see Network+Memory.
    }
}
