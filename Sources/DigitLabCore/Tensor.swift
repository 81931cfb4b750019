/// A Float32 tensor: contiguous row-major storage plus a shape.
///
/// The first dimension of an activation is the batch: a batch of 64 MNIST digits is
/// `[64, 1, 28, 28]`; after a dense layer of 128 units it is `[64, 128]`. Deliberately
/// plain — no strides, no views, no autodiff graph: layers write their own backward.
public struct Tensor: Equatable, Sendable {
    public var shape: [Int]
    public var data: [Float]

    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "shape \(shape) does not match \(data.count) values")
        self.shape = shape
        self.data = data
    }

    public init(zeros shape: [Int]) {
        self.init(shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    public var count: Int { data.count }
    /// The batch size (first dimension).
    public var batch: Int { shape.first ?? 0 }
    /// Values per sample: the product of all dimensions but the first.
    public var sampleSize: Int { shape.dropFirst().reduce(1, *) }

    /// The same values under another shape with the same number of elements.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, data: data)
    }
}

/// Formats a per-sample shape the way learners read it: `1x28x28`, `128`.
public func describeShape(_ shape: [Int]) -> String {
    shape.map(String.init).joined(separator: "x")
}
