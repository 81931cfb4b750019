/// A fully connected layer: `y = x · Wᵀ + b`, with W stored `[units, inputs]` as PyTorch's
/// `nn.Linear` does.
///
/// Three matrix products, each split by `Kernels.parallelGemm` into chunks of C's
/// columns (and rows): no chunk adds into another's numbers, so no reduction is needed
/// and any thread count gives the same bits.
public final class Dense: Layer, ReLUFusable {
    public let spec: LayerSpec
    public let inputShape: [Int]
    public let outputShape: [Int]
    public let weight: Parameter
    public let bias: Parameter
    private var input: Tensor? // kept for the backward pass

    init(inputs: Int, units: Int, initializer: Initializer, using rng: inout SeededRNG) {
        spec = .dense(units: units)
        inputShape = [inputs]
        outputShape = [units]
        (weight, bias) = initializer.make(weightShape: [units, inputs], biasCount: units,
                                          fanIn: inputs, fanOut: units, using: &rng)
    }

    public var parameters: [Parameter] { [weight, bias] }
    public var flopsPerImage: Int { 2 * inputShape[0] * outputShape[0] }

    public func forward(_ x: consuming Tensor, mode: PassMode, rng: inout SeededRNG) -> Tensor {
        forward(x, mode: mode, relu: false)
    }

    /// `y = x · Wᵀ + b` (then ReLU, when the next layer is one: the product's last pass
    /// over y applies it, saving a pass over memory).
    func forward(_ x: consuming Tensor, mode: PassMode, relu: Bool) -> Tensor {
        let (n, inputs, units) = (x.batch, inputShape[0], outputShape[0])
        var y = [Float](uninitializedCount: n * units) // the product writes every value
        withPointers(x.data, weight.value, bias.value, writing: &y) { xp, wp, bp, yp in
            Kernels.parallelGemm(transB: true, m: n, n: units, k: inputs, a: xp, lda: inputs,
                                 b: wp, ldb: inputs, c: yp, ldc: units, columnBias: bp, relu: relu)
        }
        input = mode.keepsForBackward ? x : nil
        return Tensor(shape: [n, units], data: y)
    }

    public func backward(_ dy: consuming Tensor, needInputGradient: Bool) -> Tensor? {
        guard let x = input else { preconditionFailure("backward before forward") }
        input = nil
        let (n, inputs, units) = (x.batch, inputShape[0], outputShape[0])
        // ∂L/∂W = dyᵀ · x   ([units, n] · [n, inputs]);  ∂L/∂b = column sums of dy.
        withPointers(dy.data, x.data, writing: &weight.grad, &bias.grad) { g, xp, gw, gb in
            Kernels.parallelGemm(transA: true, m: units, n: inputs, k: n, a: g, lda: units,
                                 b: xp, ldb: inputs, c: gw, ldc: inputs)
            Kernels.columnSums(g, rows: n, columns: units, into: gb)
        }
        guard needInputGradient else { return nil }
        // ∂L/∂x = dy · W   ([n, units] · [units, inputs])
        var dx = [Float](uninitializedCount: n * inputs) // the product overwrites every value
        withPointers(dy.data, weight.value, writing: &dx) { g, wp, dxp in
            Kernels.parallelGemm(m: n, n: inputs, k: units, a: g, lda: units, b: wp, ldb: inputs,
                                 c: dxp, ldc: inputs)
        }
        return Tensor(shape: [n, inputs], data: dx)
    }
}
