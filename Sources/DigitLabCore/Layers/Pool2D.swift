import CKernels

/// Max or average pooling over non-overlapping KxK windows (stride K, no padding,
/// rounding down), as PyTorch's `MaxPool2d(K)` and `AvgPool2d(K)`.
///
/// Backward: each output's gradient goes to its window's winner (max) or is shared
/// equally (average). When a ReLU comes right before a max pool, the network asks the
/// pool to apply the ReLU's backward too (`maskingReLU`): the winner's value is the
/// pool's own output, and a ReLU passes gradient only where that is positive.
public final class Pool2D: Layer {
    public enum Kind: Sendable { case max, average }
    public let kind: Kind
    public let size: Int
    public let inputShape: [Int]
    public let outputShape: [Int]
    /// For max pooling: which input (offset within its channel plane) won each window.
    private let winners = IndexWorkspace()
    /// For max pooling: the last output (the winners' values), shared, not copied.
    private var output: Tensor?
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
        let (k, kind) = (size, self.kind)
        var y = [Float](uninitializedCount: planes * oh * ow) // every window writes its cell
        let wp = winners.reserve(kind == .max ? planes * oh * ow : 1)
        withPointers(x.data, writing: &y) { xp, yp in
            Parallel.forEachSlice(count: planes, grain: 64) { slice in
                let (src, out, win) = (xp + slice.lowerBound * h * w, yp + slice.lowerBound * oh * ow,
                                       wp + slice.lowerBound * oh * ow)
                switch (kind, k) {
                case (.max, 2): dl_maxpool2(src, slice.count, h, w, out, win)
                case (.max, _): Self.maxPool(src, planes: slice.count, h, w, k, out, win)
                case (.average, _): Self.averagePool(src, planes: slice.count, h, w, k, out)
                }
            }
        }
        keptBatch = mode.keepsForBackward ? n : 0
        let result = Tensor(shape: [n] + outputShape, data: y)
        output = mode.keepsForBackward && kind == .max ? result : nil
        return result
    }

    /// Max pooling with any window: the first maximum of each window, and where it was.
    private static func maxPool(_ x: UnsafePointer<Float>, planes: Int, _ h: Int, _ w: Int, _ k: Int,
                                _ y: UnsafeMutablePointer<Float>, _ winners: UnsafeMutablePointer<Int32>) {
        let (oh, ow) = (h / k, w / k)
        for plane in 0..<planes {
            let (src, out) = (x + plane * h * w, plane * oh * ow)
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let origin = oy * k * w + ox * k
                    var best = src[origin], at = origin
                    for dy in 0..<k {
                        for dx in 0..<k where src[origin + dy * w + dx] > best {
                            best = src[origin + dy * w + dx]; at = origin + dy * w + dx
                        }
                    }
                    y[out + oy * ow + ox] = best
                    winners[out + oy * ow + ox] = Int32(at)
                }
            }
        }
    }

    private static func averagePool(_ x: UnsafePointer<Float>, planes: Int, _ h: Int, _ w: Int, _ k: Int,
                                    _ y: UnsafeMutablePointer<Float>) {
        let (oh, ow) = (h / k, w / k)
        let inv = 1 / Float(k * k)
        for plane in 0..<planes {
            let (src, out) = (x + plane * h * w, plane * oh * ow)
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let origin = oy * k * w + ox * k
                    var s: Float = 0
                    for dy in 0..<k { for dx in 0..<k { s += src[origin + dy * w + dx] } }
                    y[out + oy * ow + ox] = s * inv
                }
            }
        }
    }

    public func backward(_ dy: consuming Tensor, needInputGradient: Bool) -> Tensor? {
        backward(dy, needInputGradient: needInputGradient, maskingReLU: false)
    }

    /// Backward; with `maskingReLU` (max pooling after a ReLU), also the ReLU's backward:
    /// a winner passes its gradient only when its value is positive.
    func backward(_ dy: consuming Tensor, needInputGradient: Bool, maskingReLU: Bool) -> Tensor? {
        precondition(keptBatch == dy.batch, "backward before forward")
        keptBatch = 0
        let kept = output
        output = nil
        guard needInputGradient else { return nil }
        let (h, w) = (inputShape[1], inputShape[2])
        let (oh, ow) = (outputShape[1], outputShape[2])
        let planes = dy.batch * inputShape[0]
        let (k, kind) = (size, self.kind)
        let inv = 1 / Float(k * k)
        let wp = UnsafePointer(winners.pointer)
        var dx = [Float](repeating: 0, count: planes * h * w)
        let values = maskingReLU ? kept?.data ?? [] : [Float](repeating: 1, count: 1)
        let valueStride = maskingReLU ? 1 : 0 // without the mask, every "value" is the 1 above
        withPointers(dy.data, values, writing: &dx) { g, v, dp in
            Parallel.forEachSlice(count: planes, grain: 64) { slice in
                for plane in slice {
                    let (dst, out) = (dp + plane * h * w, plane * oh * ow)
                    for i in out..<(out + oh * ow) where kind == .max {
                        // Only the winner of the window receives the gradient.
                        if v[i * valueStride] > 0 { dst[Int(wp[i])] += g[i] }
                    }
                    guard kind == .average else { continue }
                    for oy in 0..<oh {
                        for ox in 0..<ow {
                            let (grad, origin) = (g[out + oy * ow + ox] * inv, oy * k * w + ox * k)
                            for dy in 0..<k { for dx in 0..<k { dst[origin + dy * w + dx] += grad } }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [dy.batch] + inputShape, data: dx)
    }
}
