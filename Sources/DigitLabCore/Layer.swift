/// One step of a sequential network, with its forward pass and its backward pass.
///
/// Shapes are per sample (`[1, 28, 28]`, `[128]`); tensors passed in and out carry the
/// batch as their first dimension. A layer remembers what its backward pass needs from
/// the last forward pass, so calls alternate: forward, backward, forward, …
public protocol Layer: AnyObject {
    /// How the layer was asked for; also how it is saved and shown.
    var spec: LayerSpec { get }
    /// Per-sample input and output shapes, fixed when the layer was made.
    var inputShape: [Int] { get }
    var outputShape: [Int] { get }
    /// Learnable tensors in PyTorch state_dict order (`weight`, then `bias`).
    var parameters: [Parameter] { get }

    /// Takes ownership of its input (`consuming`), so an elementwise layer can write its
    /// output over the input's memory instead of copying it.
    ///
    /// Computes the output for a batch; `mode` switches dropout and batchnorm and says
    /// whether to keep what the backward pass needs.
    func forward(_ x: consuming Tensor, mode: PassMode, rng: inout SeededRNG) -> Tensor

    /// Given ∂loss/∂output, fills each parameter's `grad` and returns ∂loss/∂input
    /// (or nil when `needInputGradient` is false — the first layer never needs it).
    func backward(_ dy: consuming Tensor, needInputGradient: Bool) -> Tensor?

    /// Multiply-adds counted as two FLOPs, per image, forward only.
    var flopsPerImage: Int { get }
}

extension Layer {
    public var parameters: [Parameter] { [] }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
}

/// Non-learnable state saved with a model (batchnorm running statistics).
public protocol StatefulLayer: Layer {
    /// Named buffers in PyTorch state_dict order, e.g. `running_mean`.
    var buffers: [(name: String, values: [Float])] { get }
    func setBuffer(_ name: String, to values: [Float]) -> Bool
}

/// Why a forward pass runs.
public enum PassMode: Sendable {
    /// Learning: dropout drops, batchnorm uses batch statistics; keep for backward.
    case training
    /// Predicting: deterministic, nothing kept.
    case inference
    /// Predicting, then asking for input gradients (saliency): inference behaviour,
    /// but keep what backward needs.
    case inferenceWithGradient

    public var isTraining: Bool { self == .training }
    public var keepsForBackward: Bool { self != .inference }
}

/// A layer whose last pass over its output can apply a ReLU at no cost (dense, conv).
/// When such a layer is followed by a relu layer, the network asks it to, and the relu
/// layer only keeps the result for its backward pass — one pass over memory fewer.
protocol ReLUFusable: Layer {
    func forward(_ x: consuming Tensor, mode: PassMode, relu: Bool) -> Tensor
}
