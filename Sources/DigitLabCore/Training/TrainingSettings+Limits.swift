/// The numbers a learner types for training, checked before they are used: the trainer
/// adds the batch size to its position in the epoch and allocates a batch of that many
/// images, so `set batch 9223372036854775807` must be a refusal, not an overflow.
extension TrainingSettings {
    /// Batch sizes DigitLab accepts: up to 65,536 images (more than MNIST's whole
    /// training set, for full-batch gradient descent). The memory budget then decides
    /// whether a given network fits at that size.
    public static let batchSizes = 1...65_536

    /// Throws a one-line refusal for a batch size outside `batchSizes`.
    public static func checkBatchSize(_ n: Int) throws(LimitError) {
        guard batchSizes.contains(n) else {
            throw LimitError("the batch size must be between \(batchSizes.lowerBound) and \(batchSizes.upperBound) images, got \(n)")
        }
    }
}
