/// A 2-D convolution (a cross-correlation, as in PyTorch), computed as im2col followed
/// by a matrix product.
///
/// im2col copies every KxK patch of a group of images into a column of `cols`
/// (`[C·K·K, images·Ho·Wo]`), so the convolution becomes `W · cols` with W stored
/// `[filters, C, K, K]` — PyTorch's `nn.Conv2d` layout. Backward reads the same product
/// the other way: `∂W = ∂Y · colsᵀ`, `∂cols = Wᵀ · ∂Y`, and col2im adds each column back
/// onto the pixels it came from.
///
/// Speed: groups are sized so `cols` stays in the core's L2 cache (measured: one CNN
/// image's 663 KB of columns runs at ~95 GFLOP/s, 32 images' 21 MB at ~77). Backward
/// reuses the forward pass's columns when a whole batch of them is small (LeNet's), and
/// recomputes them from the kept input when it is not (42 MB for the CNN preset's
/// second convolution). Parallel parts take slices of the batch; each
/// sums its own ∂W, and the partial sums are added in part order, so results repeat
/// exactly.
public final class Conv2D: Layer {
    public let spec: LayerSpec
    public let inputShape: [Int]
    public let outputShape: [Int]
    public let weight: Parameter
    public let bias: Parameter
    let geometry: ConvGeometry
    /// Floats of columns per group: 512 KB, half a typical L2.
    static let columnBudget = 128 * 1024
    /// Keep a training batch's columns for backward when they fit in this many floats (8 MB).
    static let keepBudget = 2 << 20

    private var input: Tensor?
    private var scratch: [PartScratch] = []
    /// The columns of the last training batch, when small enough to keep (else empty).
    private let keptColumns = Workspace()
    private var columnsKept = false

    /// What one parallel part writes: its columns, its product, its partial gradients.
    private final class PartScratch {
        let cols = Workspace(), product = Workspace(), weightGrad = Workspace(), biasGrad = Workspace()
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

    /// Images per group: as many as keep the columns within `columnBudget`.
    var groupSize: Int { max(1, min(64, Self.columnBudget / (geometry.patchSize * geometry.outPixels))) }

    /// Groups covering one part's slice of the batch.
    private func groups(_ part: Int, batch n: Int) -> [Range<Int>] {
        let slice = Parallel.range(part, of: Parallel.threads, count: n)
        let size = groupSize
        return stride(from: slice.lowerBound, to: slice.upperBound, by: size).map {
            $0..<min($0 + size, slice.upperBound)
        }
    }

    private func prepareScratch() {
        while scratch.count < Parallel.threads { scratch.append(PartScratch()) }
    }

    public func forward(_ x: consuming Tensor, mode: PassMode, rng: inout SeededRNG) -> Tensor {
        let n = x.batch
        let (patch, pixels, f) = (geometry.patchSize, geometry.outPixels, filters)
        let imageSize = inputShape.reduce(1, *)
        let group = groupSize
        prepareScratch()
        let keep = mode.keepsForBackward && n * patch * pixels <= Self.keepBudget
        let kept = keep ? keptColumns.reserve(n * patch * pixels) : nil
        var y = [Float](uninitializedCount: n * f * pixels) // every cell is written below
        x.data.pointer { xp in
            weight.value.pointer { wp in
                bias.value.pointer { bp in
                    y.mutablePointer { yp in
                        Parallel.forEachPart { part in
                            let s = scratch[part]
                            let own = s.cols.reserve(patch * group * pixels)
                            let product = s.product.reserve(f * group * pixels)
                            for g in groups(part, batch: n) {
                                let columns = g.count * pixels
                                // Kept columns live group by group in one buffer for backward.
                                let cols = kept.map { $0 + g.lowerBound * patch * pixels } ?? own
                                geometry.im2col(xp + g.lowerBound * imageSize, batch: g.count, into: cols)
                                BLAS.gemm(m: f, n: columns, k: patch, a: wp, lda: patch,
                                          b: cols, ldb: columns, c: product, ldc: columns)
                                // product is [filter, image, pixel]; y is [image, filter, pixel].
                                for img in 0..<g.count {
                                    for fi in 0..<f {
                                        let src = product + fi * columns + img * pixels
                                        let dst = yp + ((g.lowerBound + img) * f + fi) * pixels
                                        let b = bp[fi]
                                        for p in 0..<pixels { dst[p] = src[p] + b }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        input = mode.keepsForBackward ? x : nil
        columnsKept = keep
        return Tensor(shape: [n] + outputShape, data: y)
    }

    public func backward(_ dy: consuming Tensor, needInputGradient: Bool) -> Tensor? {
        guard let x = input else { preconditionFailure("backward before forward") }
        input = nil
        let n = dy.batch
        let (patch, pixels, f) = (geometry.patchSize, geometry.outPixels, filters)
        let imageSize = inputShape.reduce(1, *)
        let group = groupSize
        let kept = columnsKept ? keptColumns.pointer : nil
        columnsKept = false
        var dx = [Float](repeating: 0, count: needInputGradient ? n * imageSize : 0) // col2im adds
        dy.data.pointer { g in
            x.data.pointer { xp in
                weight.value.pointer { wp in
                    dx.withUnsafeMutableBufferPointer { dxBuffer in
                        Parallel.forEachPart { part in
                            let s = scratch[part]
                            let scratchCols = s.cols.reserve(patch * group * pixels)
                            let gradY = s.product.reserve(f * group * pixels)
                            let dW = s.weightGrad.reserve(f * patch)
                            let db = s.biasGrad.reserve(f)
                            dW.update(repeating: 0, count: f * patch)
                            db.update(repeating: 0, count: f)
                            for grp in groups(part, batch: n) {
                                let columns = grp.count * pixels
                                // Regroup ∂Y as [filter, image, pixel] and sum it for ∂b.
                                for img in 0..<grp.count {
                                    for fi in 0..<f {
                                        let src = g + ((grp.lowerBound + img) * f + fi) * pixels
                                        let dst = gradY + fi * columns + img * pixels
                                        var sum: Float = 0
                                        for p in 0..<pixels { dst[p] = src[p]; sum += src[p] }
                                        db[fi] += sum
                                    }
                                }
                                // ∂W += ∂Y · colsᵀ   ([f, columns] · [columns, patch])
                                let cols: UnsafeMutablePointer<Float>
                                if let kept {
                                    cols = kept + grp.lowerBound * patch * pixels
                                } else {
                                    cols = scratchCols
                                    geometry.im2col(xp + grp.lowerBound * imageSize, batch: grp.count, into: cols)
                                }
                                BLAS.gemm(transB: true, m: f, n: patch, k: columns,
                                          a: gradY, lda: columns, b: cols, ldb: columns,
                                          beta: 1, c: dW, ldc: patch)
                                // ∂cols = Wᵀ · ∂Y into scratch, then back onto the pixels.
                                // Test the flag, not the pointer: an empty array may still
                                // have a base address (the shared empty storage).
                                if needInputGradient, let dxp = dxBuffer.baseAddress {
                                    BLAS.gemm(transA: true, m: patch, n: columns, k: f,
                                              a: wp, lda: patch, b: gradY, ldb: columns, c: scratchCols, ldc: columns)
                                    geometry.col2im(scratchCols, batch: grp.count, into: dxp + grp.lowerBound * imageSize)
                                }
                            }
                        }
                    }
                }
            }
        }
        // Add the parts' partial sums in part order (deterministic).
        weight.grad.mutablePointer { gw in
            bias.grad.mutablePointer { gb in
                gw.update(repeating: 0, count: f * patch)
                gb.update(repeating: 0, count: f)
                for part in 0..<Parallel.threads {
                    let (pw, pb) = (scratch[part].weightGrad.pointer, scratch[part].biasGrad.pointer)
                    for i in 0..<(f * patch) { gw[i] += pw[i] }
                    for i in 0..<f { gb[i] += pb[i] }
                }
            }
        }
        return needInputGradient ? Tensor(shape: [n] + inputShape, data: dx) : nil
    }
}
