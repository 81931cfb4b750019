/// A 2-D convolution (really a cross-correlation, as in PyTorch), computed as im2col
/// followed by one matrix product for the whole batch.
///
/// im2col copies every KxK patch of the input into a column of `cols`
/// (`[C·K·K, N·Ho·Wo]`), so the convolution becomes `W · cols` with W stored
/// `[filters, C, K, K]` — PyTorch's `nn.Conv2d` layout. The backward pass is the same
/// product read the other way: `∂W = ∂Y · colsᵀ`, `∂cols = Wᵀ · ∂Y`, then col2im adds
/// each column back onto the pixels it came from.
public final class Conv2D: Layer {
    public let spec: LayerSpec
    public let inputShape: [Int]
    public let outputShape: [Int]
    public let weight: Parameter
    public let bias: Parameter
    let geometry: ConvGeometry
    // Workspaces reused from batch to batch: cols is the largest buffer in a CNN.
    private var cols: [Float] = []
    private var product: [Float] = []
    private var keptBatch = 0

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

    public func forward(_ x: Tensor, mode: PassMode, rng: inout SeededRNG) -> Tensor {
        let n = x.batch
        let (patch, pixels, f) = (geometry.patchSize, geometry.outPixels, filters)
        let columns = n * pixels
        resize(&cols, to: patch * columns)
        resize(&product, to: f * columns)
        x.data.withUnsafeBufferPointer { xp in
            cols.withUnsafeMutableBufferPointer { cp in
                geometry.im2col(xp.baseAddress!, batch: n, into: cp.baseAddress!)
            }
        }
        weight.value.withUnsafeBufferPointer { wp in
            cols.withUnsafeBufferPointer { cp in
                product.withUnsafeMutableBufferPointer { pp in
                    BLAS.gemm(m: f, n: columns, k: patch, a: wp.baseAddress!, lda: patch,
                              b: cp.baseAddress!, ldb: columns, c: pp.baseAddress!, ldc: columns)
                }
            }
        }
        // product is [filter, image, pixel]; the output wants [image, filter, pixel].
        var y = [Float](repeating: 0, count: n * f * pixels)
        product.withUnsafeBufferPointer { pp in
            y.withUnsafeMutableBufferPointer { yp in
                for img in 0..<n {
                    for fi in 0..<f {
                        let src = pp.baseAddress! + fi * columns + img * pixels
                        let dst = yp.baseAddress! + (img * f + fi) * pixels
                        let b = bias.value[fi]
                        for p in 0..<pixels { dst[p] = src[p] + b }
                    }
                }
            }
        }
        keptBatch = mode.keepsForBackward ? n : 0
        return Tensor(shape: [n] + outputShape, data: y)
    }

    public func backward(_ dy: Tensor, needInputGradient: Bool) -> Tensor? {
        let n = dy.batch
        precondition(keptBatch == n, "backward before forward")
        keptBatch = 0
        let (patch, pixels, f) = (geometry.patchSize, geometry.outPixels, filters)
        let columns = n * pixels
        // Regroup ∂Y as [filter, image, pixel] (into `product`) and sum it for ∂b.
        dy.data.withUnsafeBufferPointer { g in
            product.withUnsafeMutableBufferPointer { pp in
                bias.grad.withUnsafeMutableBufferPointer { gb in
                    for fi in 0..<f { gb[fi] = 0 }
                    for img in 0..<n {
                        for fi in 0..<f {
                            let src = g.baseAddress! + (img * f + fi) * pixels
                            let dst = pp.baseAddress! + fi * columns + img * pixels
                            var s: Float = 0
                            for p in 0..<pixels { dst[p] = src[p]; s += src[p] }
                            gb[fi] += s
                        }
                    }
                }
            }
        }
        // ∂W = ∂Y · colsᵀ   ([f, columns] · [columns, patch])
        product.withUnsafeBufferPointer { pp in
            cols.withUnsafeBufferPointer { cp in
                weight.grad.withUnsafeMutableBufferPointer { gw in
                    BLAS.gemm(transB: true, m: f, n: patch, k: columns,
                              a: pp.baseAddress!, lda: columns, b: cp.baseAddress!, ldb: columns,
                              c: gw.baseAddress!, ldc: patch)
                }
            }
        }
        guard needInputGradient else { return nil }
        // ∂cols = Wᵀ · ∂Y   ([patch, f] · [f, columns]), written over cols, then col2im.
        weight.value.withUnsafeBufferPointer { wp in
            product.withUnsafeBufferPointer { pp in
                cols.withUnsafeMutableBufferPointer { cp in
                    BLAS.gemm(transA: true, m: patch, n: columns, k: f,
                              a: wp.baseAddress!, lda: patch, b: pp.baseAddress!, ldb: columns,
                              c: cp.baseAddress!, ldc: columns)
                }
            }
        }
        var dx = [Float](repeating: 0, count: n * inputShape.reduce(1, *))
        cols.withUnsafeBufferPointer { cp in
            dx.withUnsafeMutableBufferPointer { dp in
                geometry.col2im(cp.baseAddress!, batch: n, into: dp.baseAddress!)
            }
        }
        return Tensor(shape: [n] + inputShape, data: dx)
    }

    private func resize(_ buffer: inout [Float], to count: Int) {
        if buffer.count != count { buffer = [Float](repeating: 0, count: count) }
    }
}
