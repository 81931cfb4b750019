/// A fully connected layer: `y = x · Wᵀ + b`, with W stored `[units, inputs]` as PyTorch's
/// `nn.Linear` does.
public final class Dense: Layer {
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

    public func forward(_ x: Tensor, mode: PassMode, rng: inout SeededRNG) -> Tensor {
        let (n, inputs, units) = (x.batch, inputShape[0], outputShape[0])
        // Start every row at the bias, then add x · Wᵀ on top (beta = 1).
        var y = [Float](unsafeUninitializedCapacity: n * units) { buf, count in
            bias.value.withUnsafeBufferPointer { b in
                for row in 0..<n { (buf.baseAddress! + row * units).initialize(from: b.baseAddress!, count: units) }
            }
            count = n * units
        }
        x.data.withUnsafeBufferPointer { xp in
            weight.value.withUnsafeBufferPointer { wp in
                y.withUnsafeMutableBufferPointer { yp in
                    BLAS.gemm(transB: true, m: n, n: units, k: inputs,
                              a: xp.baseAddress!, lda: inputs, b: wp.baseAddress!, ldb: inputs,
                              beta: 1, c: yp.baseAddress!, ldc: units)
                }
            }
        }
        if mode.keepsForBackward { input = x }
        return Tensor(shape: [n, units], data: y)
    }

    public func backward(_ dy: Tensor, needInputGradient: Bool) -> Tensor? {
        guard let x = input else { preconditionFailure("backward before forward") }
        let (n, inputs, units) = (x.batch, inputShape[0], outputShape[0])
        dy.data.withUnsafeBufferPointer { g in
            // ∂L/∂W = dyᵀ · x   ([units, n] · [n, inputs])
            x.data.withUnsafeBufferPointer { xp in
                weight.grad.withUnsafeMutableBufferPointer { gw in
                    BLAS.gemm(transA: true, m: units, n: inputs, k: n,
                              a: g.baseAddress!, lda: units, b: xp.baseAddress!, ldb: inputs,
                              c: gw.baseAddress!, ldc: inputs)
                }
            }
            // ∂L/∂b = column sums of dy
            bias.grad.withUnsafeMutableBufferPointer { gb in
                for j in 0..<units { gb[j] = 0 }
                for row in 0..<n {
                    let r = g.baseAddress! + row * units
                    for j in 0..<units { gb[j] += r[j] }
                }
            }
        }
        input = nil
        guard needInputGradient else { return nil }
        // ∂L/∂x = dy · W   ([n, units] · [units, inputs])
        var dx = [Float](repeating: 0, count: n * inputs)
        dy.data.withUnsafeBufferPointer { g in
            weight.value.withUnsafeBufferPointer { wp in
                dx.withUnsafeMutableBufferPointer { dp in
                    BLAS.gemm(m: n, n: inputs, k: units,
                              a: g.baseAddress!, lda: units, b: wp.baseAddress!, ldb: inputs,
                              c: dp.baseAddress!, ldc: inputs)
                }
            }
        }
        return Tensor(shape: [n, inputs], data: dx)
    }
}
