/// A 2-D convolution (a cross-correlation, as in PyTorch), computed as a matrix product.
///
/// im2col lays every KxK patch of a group of images out as a column of `cols`
/// (`[C·K·K, images·Ho·Wo]`), so the convolution becomes `W · cols` with W stored
/// `[filters, C, K, K]` — PyTorch's `nn.Conv2d` layout. Forward makes the columns one
/// panel of 16 pixels at a time as the product needs them (`Kernels.convForward`: they
/// never leave L1) and adds the bias (and a following ReLU) as the product writes y. Backward reads the same product the
/// other way: `∂W = ∂Y · colsᵀ` (computed as `∂Wᵀ = cols · ∂Yᵀ` when there are 16 filters
/// or more: then the small ∂Y is what gets transposed, not the large cols),
/// `∂cols = Wᵀ · ∂Y`, and col2im adds each column back onto the pixels it came from.
///
/// Work is cut into chunks of whole images, fixed by the batch size alone; threads claim
/// chunks as they become free. Each chunk sums its own ∂W and ∂b, and the partial sums
/// are added in chunk order, so the result is the same on any number of threads.
/// Inside a chunk, images go through the product in groups whose columns fit in L2
/// (measured: one CNN image's 663 KB of columns runs at ~95 GFLOP/s, 32 images' 21 MB at
/// ~77).
public final class Conv2D: Layer, ReLUFusable {
    public let spec: LayerSpec
    public let inputShape: [Int]
    public let outputShape: [Int]
    public let weight: Parameter
    public let bias: Parameter
    let geometry: ConvGeometry
    /// Floats of columns per group: 512 KB, half a typical L2.
    static let columnBudget = 128 * 1024
    /// A batch is cut into about this many chunks (more balance the load on a busy
    /// machine; each chunk keeps its own partial ∂W).
    static let chunksPerBatch = 16

    private var input: Tensor?
    private var scratch: [WorkerScratch] = []
    /// Each chunk's partial ∂W and ∂b, added in chunk order after the backward pass.
    private let partialWeightGrads = Workspace(), partialBiasGrads = Workspace()

    /// What one thread writes while it runs a chunk: its columns and its product.
    private final class WorkerScratch {
        let cols = Workspace(), product = Workspace()
    }

    init(channels: Int, height: Int, width: Int, filters: Int, kernel: Int, stride: Int,
         padding: Int, spec: LayerSpec, initializer: Initializer, using rng: inout SeededRNG) {
        self.spec = spec
        geometry = ConvGeometry(channels: channels, height: height, width: width,
                                kernel: kernel, stride: stride, padding: padding)
        inputShape = [channels, height, width]
        outputShape = [filters, geometry.outHeight, geometry.outWidth]
        let fanIn = channels * kernel * kernel
        (weight, bias) = initializer.make(weightShape: [filters, channels, kernel, kernel],
                                          biasCount: filters, fanIn: fanIn,
                                          fanOut: filters * kernel * kernel, using: &rng)
    }

    public var parameters: [Parameter] { [weight, bias] }
    var filters: Int { outputShape[0] }
    public var flopsPerImage: Int { 2 * geometry.patchSize * filters * geometry.outPixels }

    /// Images per product: as many as keep the columns within `columnBudget`.
    var groupSize: Int { max(1, min(64, Self.columnBudget / (geometry.patchSize * geometry.outPixels))) }
    /// ∂W is computed transposed (`cols · ∂Yᵀ`) from this many filters on.
    static let transposedWeightGradFrom = 16
    var weightGradTransposed: Bool { !direct && filters >= Self.transposedWeightGradFrom }
    /// One input channel and stride 1: forward and ∂W are computed directly, without
    /// columns (`Kernels.convDirectForward`).
    var direct: Bool { Kernels.convDirectApplies(geometry) }
    /// 3x3, stride 1, 8+ channels and filters: forward and ∂x by Winograd's F(2x2, 3x3),
    /// 2.25x fewer multiply-adds (`Kernels.winogradForward`).
    var winograd: Bool { !direct && Kernels.winogradApplies(geometry, filters: filters) }

    /// Images per chunk for a batch of `n`: whole groups, about `chunksPerBatch` chunks.
    func chunkImages(batch n: Int) -> Int {
        let group = groupSize
        let wanted = max(1, (n + Self.chunksPerBatch - 1) / Self.chunksPerBatch)
        return (wanted + group - 1) / group * group
    }

    /// The groups of images that make up one chunk.
    private func groups(of images: Range<Int>) -> StrideTo<Int> {
        stride(from: images.lowerBound, to: images.upperBound, by: groupSize)
    }

    private func prepareScratch() {
        while scratch.count < Parallel.threads { scratch.append(WorkerScratch()) }
    }

    public func forward(_ x: consuming Tensor, mode: PassMode, rng: inout SeededRNG) -> Tensor {
        forward(x, mode: mode, relu: false)
    }

    func forward(_ x: consuming Tensor, mode: PassMode, relu: Bool) -> Tensor {
        let n = x.batch
        let (pixels, f) = (geometry.outPixels, filters)
        let imageSize = inputShape.reduce(1, *)
        let perChunk = chunkImages(batch: n)
        var y = [Float](uninitializedCount: n * f * pixels) // every cell is written below
        withPointers(x.data, weight.value, bias.value, writing: &y) { xp, wp, bp, yp in
            Parallel.forEachChunk(Parallel.chunkCount(n, grain: perChunk)) { chunk, _ in
                let images = Parallel.chunk(chunk, grain: perChunk, count: n)
                let (src, dst) = (xp + images.lowerBound * imageSize, yp + images.lowerBound * f * pixels)
                if direct {
                    Kernels.convDirectForward(src, images: images.count, geometry: geometry, weight: wp, filters: f,
                                              bias: bp, relu: relu, into: dst)
                } else if winograd {
                    Kernels.winogradForward(src, images: images.count, geometry: geometry, weight: wp, filters: f,
                                            bias: bp, relu: relu, into: dst)
                } else {
                    Kernels.convForward(src, images: images.count, geometry: geometry, weight: wp, filters: f,
                                        bias: bp, relu: relu, into: dst)
                }
            }
        }
        input = mode.keepsForBackward ? x : nil
        return Tensor(shape: [n] + outputShape, data: y)
    }

    public func backward(_ dy: consuming Tensor, needInputGradient: Bool) -> Tensor? {
        guard let x = input else { preconditionFailure("backward before forward") }
        input = nil
        let n = dy.batch
        let (patch, f) = (geometry.patchSize, filters)
        let imageSize = inputShape.reduce(1, *)
        let perChunk = chunkImages(batch: n)
        let chunks = Parallel.chunkCount(n, grain: perChunk)
        prepareScratch()
        let partialW = partialWeightGrads.reserve((chunks + 1) * f * patch) // + 1: the transposed total
        let partialB = partialBiasGrads.reserve(chunks * f)
        // Each chunk zeroes its own images' part before col2im adds into it.
        var dx = [Float](uninitializedCount: needInputGradient ? n * imageSize : 1)
        withPointers(dy.data, x.data, weight.value, writing: &dx) { g, xp, wp, dxp in
            Parallel.forEachChunk(chunks) { chunk, worker in
                backward(Parallel.chunk(chunk, grain: perChunk, count: n), dy: g, x: xp, weight: wp,
                         dx: needInputGradient ? dxp : nil, weightGrad: partialW + chunk * f * patch,
                         biasGrad: partialB + chunk * f, scratch: scratch[worker])
            }
        }
        // Add the chunks' partial sums in chunk order: the same bits on any thread count.
        let transposed = weightGradTransposed
        weight.grad.mutablePointer { gw in
            let total = transposed ? partialW + chunks * f * patch : gw
            Kernels.sumInOrder(partialW, parts: chunks, count: f * patch, into: total)
            if transposed { Kernels.transpose(total, rows: patch, columns: f, into: gw) }
        }
        bias.grad.mutablePointer { Kernels.sumInOrder(partialB, parts: chunks, count: f, into: $0) }
        return needInputGradient ? Tensor(shape: [n] + inputShape, data: dx) : nil
    }

    /// One chunk of the backward pass: its images' ∂x, and its own partial ∂W (or ∂Wᵀ)
    /// and ∂b.
    private func backward(_ images: Range<Int>, dy g: UnsafePointer<Float>, x: UnsafePointer<Float>,
                          weight w: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                          weightGrad dW: UnsafeMutablePointer<Float>, biasGrad db: UnsafeMutablePointer<Float>,
                          scratch s: WorkerScratch) {
        let (patch, pixels, f, group) = (geometry.patchSize, geometry.outPixels, filters, groupSize)
        let imageSize = inputShape.reduce(1, *)
        let cols = s.cols.reserve(patch * group * pixels)
        let gradY = s.product.reserve(f * group * pixels)
        db.update(repeating: 0, count: f)
        if direct { dW.update(repeating: 0, count: f * patch) }
        if let dx, winograd {
            // Winograd writes every value of ∂x; col2im below adds, so it needs zeros.
            Kernels.winogradInputGradient(g + images.lowerBound * f * pixels, images: images.count, geometry: geometry,
                                          weight: w, filters: f, into: dx + images.lowerBound * imageSize)
        } else {
            dx.map { ($0 + images.lowerBound * imageSize).update(repeating: 0, count: images.count * imageSize) }
        }
        for first in groups(of: images) {
            let count = min(group, images.upperBound - first)
            let columns = count * pixels
            // ∂Y as [filter, image, pixel] (for one image, ∂Y itself), summed for ∂b.
            var dY = g + first * f * pixels
            if count > 1 {
                for img in 0..<count {
                    for fi in 0..<f {
                        (gradY + fi * columns + img * pixels).update(from: g + ((first + img) * f + fi) * pixels, count: pixels)
                    }
                }
                dY = UnsafePointer(gradY)
            }
            Kernels.rowSums(dY, rows: f, columns: columns, addingTo: db)
            let accumulate = first != images.lowerBound
            if direct {
                Kernels.convDirectWeightGradient(x + first * imageSize, dy: g + first * f * pixels, images: count,
                                                 geometry: geometry, filters: f, into: dW)
            } else if weightGradTransposed {
                Kernels.im2col(x + first * imageSize, images: count, geometry: geometry, into: cols)
                // ∂Wᵀ += cols · ∂Yᵀ   ([patch, columns] · [columns, f])
                Kernels.gemm(transB: true, m: patch, n: f, k: columns, a: cols, lda: columns,
                             b: dY, ldb: columns, c: dW, ldc: f, accumulate: accumulate)
            } else {
                // ∂W += ∂Y · colsᵀ   ([f, columns] · [columns, patch])
                Kernels.im2col(x + first * imageSize, images: count, geometry: geometry, into: cols)
                Kernels.gemm(transB: true, m: f, n: patch, k: columns, a: dY, lda: columns,
                             b: cols, ldb: columns, c: dW, ldc: patch, accumulate: accumulate)
            }
            // ∂cols = Wᵀ · ∂Y, then back onto the pixels.
            if let dx, !winograd {
                Kernels.gemm(transA: true, m: patch, n: columns, k: f, a: w, lda: patch,
                             b: dY, ldb: columns, c: cols, ldc: columns)
                Kernels.col2im(cols, images: count, geometry: geometry, into: dx + first * imageSize)
            }
        }
    }
}
