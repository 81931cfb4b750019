/// Turns `CxHxW` into one vector per image, in C, H, W order (PyTorch's `nn.Flatten`).
/// Storage is already in that order, so only the shape changes.
public final class Flatten: Layer {
    public let inputShape: [Int]
    public let outputShape: [Int]
    public var spec: LayerSpec { .flatten }
    public var flopsPerImage: Int { 0 }

    init(input: [Int]) {
        inputShape = input
        outputShape = [input.reduce(1, *)]
    }

    public func forward(_ x: consuming Tensor, mode: PassMode, rng: inout SeededRNG) -> Tensor {
        x.reshaped([x.batch] + outputShape)
    }

    public func backward(_ dy: consuming Tensor, needInputGradient: Bool) -> Tensor? {
        needInputGradient ? dy.reshaped([dy.batch] + inputShape) : nil
    }
}
