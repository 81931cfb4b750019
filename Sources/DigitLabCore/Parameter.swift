/// A learnable tensor and the gradient of the loss with respect to it.
///
/// A class so that the optimiser, the network and the model file all refer to the same
/// numbers. `grad` is overwritten (not accumulated) by each backward pass.
public final class Parameter {
    /// `weight` or `bias`, as in a PyTorch state_dict.
    public let name: String
    public let shape: [Int]
    public var value: [Float]
    public var grad: [Float]

    public init(name: String, shape: [Int], value: [Float]) {
        precondition(shape.reduce(1, *) == value.count)
        self.name = name
        self.shape = shape
        self.value = value
        self.grad = [Float](repeating: 0, count: value.count)
    }

    public var count: Int { value.count }
}
