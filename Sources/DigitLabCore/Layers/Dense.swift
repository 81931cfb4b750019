/// A fully connected layer: `y = x · Wᵀ + b`, with W stored `[units, inputs]` as PyTorch's
/// `nn.Linear` does.
///
/// Three matrix products, each split by `Kernels.parallelGemm` into chunks of C's
/// columns (and rows): no chunk adds into another's numbers, so no reduction is needed
/// and any thread count gives the same bits. When the input is mostly one value (a
/// digit's blank paper), y and ∂W are computed from the other values only
/// (`SparseBatch`): on MNIST a fifth of the multiply-adds.
public final class Dense: Layer, ReLUFusable {
    public let spec: LayerSpec
    public let inputShape: [Int]
    public let outputShape: [Int]
    public let weight: Parameter
    public let bias: Parameter
    private var input: Tensor? // kept for the backward pass
    /// The background value of the last input when the sparse product was used.
    private var sparseBackground: (value: Float, others: Int)?
    private let sparse = SparseBatch(), transposed = Workspace(), base = Workspace()

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
        let background = x.data.withUnsafeBufferPointer { SparseBatch.background($0.baseAddress!, count: $0.count) }
        withPointers(x.data, weight.value, bias.value, writing: &y) { xp, wp, bp, yp in
            if let background {
                forwardSparse(xp, rows: n, background: background, weight: wp, bias: bp, relu: relu, into: yp)
            } else {
                Kernels.parallelGemm(transB: true, m: n, n: units, k: inputs, a: xp, lda: inputs,
                                     b: wp, ldb: inputs, c: yp, ldc: units, columnBias: bp, relu: relu)
            }
        }
        input = mode.keepsForBackward ? x : nil
        sparseBackground = background
        return Tensor(shape: [n, units], data: y)
    }

    /// y = (x − c)·Wᵀ + (b + c·ΣᵢW) with x − c sparse: rows of y in chunks, each row a sum
    /// over its input's non-background values in order.
    private func forwardSparse(_ x: UnsafePointer<Float>, rows n: Int, background: (value: Float, others: Int),
                               weight w: UnsafePointer<Float>, bias b: UnsafePointer<Float>, relu: Bool,
                               into y: UnsafeMutablePointer<Float>) {
        let (inputs, units, c) = (inputShape[0], outputShape[0], background.value)
        sparse.byRows(x, rows: n, columns: inputs, background: background)
        let wt = transposed.reserve(inputs * units), shifted = base.reserve(units)
        Kernels.transposeBlocked(w, rows: units, columns: inputs, into: wt)
        shifted.update(repeating: 0, count: units)
        Kernels.rowSums(w, rows: units, columns: inputs, addingTo: shifted)
        for u in 0..<units { shifted[u] = b[u] + c * shifted[u] }
        let grain = Self.sparseRowsPerChunk
        Parallel.forEachChunk(Parallel.chunkCount(n, grain: grain)) { chunk, _ in
            sparse.combine(lines: Parallel.chunk(chunk, grain: grain, count: n), with: wt, width: units,
                           base: shifted, relu: relu, into: y)
        }
    }

    static let sparseRowsPerChunk = 16, sparseInputsPerChunk = 64

    /// ∂W = ∂Yᵀ·(x − c) + c·(column sums of ∂Y), computed as ∂Wᵀ one input at a time
    /// (each a sum over the batch rows where that input is not background), then transposed.
    private func weightGradientSparse(_ x: UnsafePointer<Float>, dy g: UnsafePointer<Float>, rows n: Int,
                                      background: (value: Float, others: Int), biasGrad gb: UnsafePointer<Float>,
                                      into gw: UnsafeMutablePointer<Float>) {
        let (inputs, units, c) = (inputShape[0], outputShape[0], background.value)
        sparse.byColumns(x, rows: n, columns: inputs, background: background)
        let dwt = transposed.reserve(inputs * units), shifted = base.reserve(units)
        for u in 0..<units { shifted[u] = c * gb[u] }
        let grain = Self.sparseInputsPerChunk
        Parallel.forEachChunk(Parallel.chunkCount(inputs, grain: grain)) { chunk, _ in
            sparse.combine(lines: Parallel.chunk(chunk, grain: grain, count: inputs), with: g, width: units,
                           base: shifted, relu: false, into: dwt)
        }
        Kernels.transposeBlocked(dwt, rows: inputs, columns: units, into: gw)
    }

    public func backward(_ dy: consuming Tensor, needInputGradient: Bool) -> Tensor? {
        guard let x = input else { preconditionFailure("backward before forward") }
        input = nil
        let (n, inputs, units) = (x.batch, inputShape[0], outputShape[0])
        // ∂L/∂W = dyᵀ · x   ([units, n] · [n, inputs]);  ∂L/∂b = column sums of dy.
        let background = sparseBackground
        sparseBackground = nil
        withPointers(dy.data, x.data, writing: &weight.grad, &bias.grad) { g, xp, gw, gb in
            Kernels.columnSums(g, rows: n, columns: units, into: gb)
            if let background {
                weightGradientSparse(xp, dy: g, rows: n, background: background, biasGrad: gb, into: gw)
            } else {
                Kernels.parallelGemm(transA: true, m: units, n: inputs, k: n, a: g, lda: units,
                                     b: xp, ldb: inputs, c: gw, ldc: inputs)
            }
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
