/// Max or average pooling over non-overlapping KxK windows (stride K, no padding,
/// rounding down), as PyTorch's `MaxPool2d(K)` and `AvgPool2d(K)`.
public final class Pool2D: Layer {
    public enum Kind: Sendable { case max, average }
    public let kind: Kind
    public let size: Int
    public let inputShape: [Int]
    public let outputShape: [Int]
    /// For max pooling: which input (offset within its channel plane) won each window.
    private var winners: [Int32] = []
    private var keptBatch = 0

    init(kind: Kind, input: [Int], size: Int) {
        self.kind = kind
        self.size = size
        inputShape = input
        outputShape = [input[0], input[1] / size, input[2] / size]
    }

    public var spec: LayerSpec { kind == .max ? .maxpool(size: size) : .avgpool(size: size) }
    public var flopsPerImage: Int { outputShape.reduce(1, *) * size * size }

    public func forward(_ x: consuming Tensor, mode: PassMode, rng: inout SeededRNG) -> Tensor {
        let n = x.batch
        let (h, w) = (inputShape[1], inputShape[2])
        let (oh, ow) = (outputShape[1], outputShape[2])
        let planes = n * inputShape[0]
        let k = size
        var y = [Float](uninitializedCount: planes * oh * ow) // every window writes its cell
        if kind == .max && winners.count != y.count { winners = [Int32](repeating: 0, count: y.count) }
        let inv = 1 / Float(k * k)
        let kind = self.kind
        x.data.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                winners.withUnsafeMutableBufferPointer { wp in
                  Parallel.forEachSlice(count: planes, grain: 64) { slice in
                    for plane in slice {
                        let src = xp.baseAddress! + plane * h * w
                        let out = plane * oh * ow
                        for oy in 0..<oh {
                            for ox in 0..<ow {
                                let origin = oy * k * w + ox * k
                                if kind == .max && k == 2 {
                                    // The common 2x2 case, unrolled: first maximum wins ties.
                                    let a = src[origin], b = src[origin + 1]
                                    let c = src[origin + w], d = src[origin + w + 1]
                                    var best = a, at = origin
                                    if b > best { best = b; at = origin + 1 }
                                    if c > best { best = c; at = origin + w }
                                    if d > best { best = d; at = origin + w + 1 }
                                    yp[out + oy * ow + ox] = best
                                    wp[out + oy * ow + ox] = Int32(at)
                                } else if kind == .max {
                                    var best = src[origin], at = origin
                                    for dy in 0..<k {
                                        for dx in 0..<k where src[origin + dy * w + dx] > best {
                                            best = src[origin + dy * w + dx]; at = origin + dy * w + dx
                                        }
                                    }
                                    yp[out + oy * ow + ox] = best
                                    wp[out + oy * ow + ox] = Int32(at)
                                } else {
                                    var s: Float = 0
                                    for dy in 0..<k { for dx in 0..<k { s += src[origin + dy * w + dx] } }
                                    yp[out + oy * ow + ox] = s * inv
                                }
                            }
                        }
                    }
                  }
                }
            }
        }
        keptBatch = mode.keepsForBackward ? n : 0
        return Tensor(shape: [n] + outputShape, data: y)
    }

    public func backward(_ dy: consuming Tensor, needInputGradient: Bool) -> Tensor? {
        precondition(keptBatch == dy.batch, "backward before forward")
        keptBatch = 0
        guard needInputGradient else { return nil }
        let (h, w) = (inputShape[1], inputShape[2])
        let (oh, ow) = (outputShape[1], outputShape[2])
        let planes = dy.batch * inputShape[0]
        let k = size
        var dx = [Float](repeating: 0, count: planes * h * w)
        let inv = 1 / Float(k * k)
        let kind = self.kind
        dy.data.withUnsafeBufferPointer { g in
            dx.withUnsafeMutableBufferPointer { dp in
              winners.withUnsafeBufferPointer { wp in
                Parallel.forEachSlice(count: planes, grain: 64) { slice in
                for plane in slice {
                    let dst = dp.baseAddress! + plane * h * w
                    let out = plane * oh * ow
                    for oy in 0..<oh {
                        for ox in 0..<ow {
                            let grad = g[out + oy * ow + ox]
                            if kind == .max {
                                // Only the winner of the window receives the gradient.
                                dst[Int(wp[out + oy * ow + ox])] += grad
                            } else {
                                let origin = oy * k * w + ox * k
                                for dy in 0..<k { for dx in 0..<k { dst[origin + dy * w + dx] += grad * inv } }
                            }
                        }
                    }
                }
                }
              }
            }
        }
        return Tensor(shape: [dy.batch] + inputShape, data: dx)
    }
}
