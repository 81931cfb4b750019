/// A fully connected layer: `y = x · Wᵀ + b`, with W stored `[units, inputs]` as PyTorch's
/// `nn.Linear` does. Each parallel part takes a slice of the units (forward, ∂W, ∂b) or
/// of the inputs (∂x): it then reads only its share of W — measured faster than
/// splitting the batch — and no part ever adds into another's numbers.
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

    /// From this batch size on, forward splits rows rather than units: with hundreds of
    /// rows each part's product is large enough on its own (measured on mlp inference).
    static let rowSplitBatch = 256

    public var parameters: [Parameter] { [weight, bias] }
    public var flopsPerImage: Int { 2 * inputShape[0] * outputShape[0] }

    public func forward(_ x: consuming Tensor, mode: PassMode, rng: inout SeededRNG) -> Tensor {
        let (n, inputs, units) = (x.batch, inputShape[0], outputShape[0])
        var y = [Float](uninitializedCount: n * units) // each row starts as the bias
        x.data.pointer { xp in
            weight.value.pointer { wp in
                bias.value.pointer { bp in
                    y.mutablePointer { yp in
                        if n >= Self.rowSplitBatch {
                            // Big inference batches: each part takes whole rows.
                            Parallel.forEachSlice(count: n, minimumPerPart: 8) { rows in
                                for r in rows { (yp + r * units).update(from: bp, count: units) }
                                BLAS.gemm(transB: true, m: rows.count, n: units, k: inputs,
                                          a: xp + rows.lowerBound * inputs, lda: inputs, b: wp, ldb: inputs,
                                          beta: 1, c: yp + rows.lowerBound * units, ldc: units)
                            }
                            return
                        }
                        Parallel.forEachSlice(count: units, minimumPerPart: 8) { u in
                            // Start every row at the bias, then add x · Wᵀ on top (beta = 1).
                            for r in 0..<n { (yp + r * units + u.lowerBound).update(from: bp + u.lowerBound, count: u.count) }
                            BLAS.gemm(transB: true, m: n, n: u.count, k: inputs,
                                      a: xp, lda: inputs, b: wp + u.lowerBound * inputs, ldb: inputs,
                                      beta: 1, c: yp + u.lowerBound, ldc: units)
                        }
                    }
                }
            }
        }
        input = mode.keepsForBackward ? x : nil
        return Tensor(shape: [n, units], data: y)
    }

    public func backward(_ dy: consuming Tensor, needInputGradient: Bool) -> Tensor? {
        guard let x = input else { preconditionFailure("backward before forward") }
        input = nil
        let (n, inputs, units) = (x.batch, inputShape[0], outputShape[0])
        var dx = [Float](uninitializedCount: needInputGradient ? n * inputs : 0) // beta = 0 overwrites
        dy.data.pointer { g in
            x.data.pointer { xp in
                weight.value.pointer { wp in
                    weight.grad.mutablePointer { gw in
                        bias.grad.mutablePointer { gb in
                            dx.withUnsafeMutableBufferPointer { dxBuffer in
                                Parallel.forEachPart { part in
                                    let parts = Parallel.threads
                                    // ∂L/∂W = dyᵀ · x for this part's units ([u, n] · [n, inputs]).
                                    let u = Parallel.range(part, of: parts, count: units)
                                    if !u.isEmpty {
                                        BLAS.gemm(transA: true, m: u.count, n: inputs, k: n,
                                                  a: g + u.lowerBound, lda: units, b: xp, ldb: inputs,
                                                  c: gw + u.lowerBound * inputs, ldc: inputs)
                                        // ∂L/∂b = column sums of dy.
                                        for j in u { gb[j] = 0 }
                                        for row in 0..<n {
                                            let r = g + row * units
                                            for j in u { gb[j] += r[j] }
                                        }
                                    }
                                    // ∂L/∂x = dy · W for this part's inputs ([n, units] · [units, i]).
                                    let i = Parallel.range(part, of: parts, count: inputs)
                                    // Test the flag, not the pointer: an empty array may still
                                    // have a base address (the shared empty storage).
                                    if needInputGradient, let dxp = dxBuffer.baseAddress, !i.isEmpty {
                                        BLAS.gemm(m: n, n: i.count, k: units,
                                                  a: g, lda: units, b: wp + i.lowerBound, ldb: inputs,
                                                  c: dxp + i.lowerBound, ldc: inputs)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return needInputGradient ? Tensor(shape: [n, inputs], data: dx) : nil
    }
}
