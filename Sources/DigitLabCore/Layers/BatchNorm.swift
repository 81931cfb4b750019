/// Batch normalisation per feature (after dense) or per channel (after conv), as
/// PyTorch's `BatchNorm1d`/`BatchNorm2d`: eps 1e-5, momentum 0.1, biased batch variance
/// for normalising and unbiased variance in the running estimate.
///
///     x̂ = (x − μ) / √(σ² + ε),   y = γ·x̂ + β
///
/// Channels are independent, so the work is cut into chunks of whole channels; each
/// channel's sums run in one fixed order whatever thread runs them.
public final class BatchNorm: StatefulLayer, ReLUFusable {
    public let inputShape: [Int]
    public var outputShape: [Int] { inputShape }
    public var spec: LayerSpec { .batchnorm }
    public let weight: Parameter   // γ, starts at 1
    public let bias: Parameter     // β, starts at 0
    public private(set) var runningMean: [Float]
    public private(set) var runningVar: [Float]
    public private(set) var batchesTracked: Int = 0
    public static let epsilon: Float = 1e-5
    public static let momentum: Float = 0.1

    private var input: Tensor?             // x, kept for backward (x̂ is recomputed from it)
    private var usedMean: [Float] = []     // μ per channel of the last forward pass
    private var inverseStd: [Float] = []   // 1/√(σ² + ε) per channel
    private var keptMode: PassMode?

    init(input: [Int]) {
        inputShape = input
        let c = input[0]
        weight = Parameter(name: "weight", shape: [c], value: [Float](repeating: 1, count: c))
        bias = Parameter(name: "bias", shape: [c], value: [Float](repeating: 0, count: c))
        runningMean = [Float](repeating: 0, count: c)
        runningVar = [Float](repeating: 1, count: c)
    }

    public var parameters: [Parameter] { [weight, bias] }
    public var flopsPerImage: Int { 4 * inputShape.reduce(1, *) }
    var channels: Int { inputShape[0] }
    /// Values per channel per image: 1 after dense, H·W after conv.
    var spatial: Int { inputShape.dropFirst().reduce(1, *) }

    public var buffers: [(name: String, values: [Float])] {
        [("running_mean", runningMean), ("running_var", runningVar)]
    }

    /// Restores the count of training batches seen (saved with a model, as PyTorch does).
    public func setBatchesTracked(_ n: Int) { batchesTracked = max(0, n) }

    public func setBuffer(_ name: String, to values: [Float]) -> Bool {
        guard values.count == channels else { return false }
        switch name {
        case "running_mean": runningMean = values
        case "running_var": runningVar = values
        default: return false
        }
        return true
    }

    /// Channels per chunk: about 16K values each.
    private func channelGrain(batch n: Int) -> Int { max(1, 16_384 / max(1, n * spatial)) }

    public func forward(_ x: consuming Tensor, mode: PassMode, rng: inout SeededRNG) -> Tensor {
        forward(x, mode: mode, relu: false)
    }

    /// Normalises (then applies a following ReLU in the same pass over memory).
    func forward(_ x: consuming Tensor, mode: PassMode, relu: Bool) -> Tensor {
        let (n, c, s) = (x.batch, channels, spatial)
        var mean = runningMean, variance = runningVar
        if mode.isTraining {
            (mean, variance) = statistics(x, batch: n)
            let m = Double(n * s)
            for ch in 0..<c {
                // The running variance is the unbiased one, as PyTorch keeps it.
                let unbiased = m > 1 ? Double(variance[ch]) * m / (m - 1) : Double(variance[ch])
                runningMean[ch] = (1 - Self.momentum) * runningMean[ch] + Self.momentum * mean[ch]
                runningVar[ch] = (1 - Self.momentum) * runningVar[ch] + Self.momentum * Float(unbiased)
            }
            batchesTracked += 1
        }
        inverseStd = variance.map { 1 / ($0 + Self.epsilon).squareRoot() }
        usedMean = mean
        var y = [Float](uninitializedCount: x.count)
        let grain = channelGrain(batch: n)
        let (gamma, beta, inv) = (weight.value, bias.value, inverseStd)
        withPointers(x.data, writing: &y) { xp, yp in
            Parallel.forEachChunk(Parallel.chunkCount(c, grain: grain)) { chunk, _ in
                for ch in Parallel.chunk(chunk, grain: grain, count: c) {
                    let (mu, iv, g, b) = (mean[ch], inv[ch], gamma[ch], beta[ch])
                    for img in 0..<n {
                        let (src, dst) = (xp + (img * c + ch) * s, yp + (img * c + ch) * s)
                        // Two loops rather than a test inside one, so that each vectorises.
                        if relu {
                            for i in 0..<s { let o = g * ((src[i] - mu) * iv) + b; dst[i] = o < 0 ? 0 : o }
                        } else {
                            for i in 0..<s { dst[i] = g * ((src[i] - mu) * iv) + b }
                        }
                    }
                }
            }
        }
        keptMode = mode.keepsForBackward ? mode : nil
        input = mode.keepsForBackward ? x : nil
        return Tensor(shape: x.shape, data: y)
    }

    /// Per-channel mean and biased variance of a batch, in one pass: sums of x − x₀ and
    /// of its squares (x₀ the channel's first value, which keeps the difference of the
    /// two from cancelling), eight Float lanes per stretch of a channel, totals in Double.
    private func statistics(_ x: Tensor, batch n: Int) -> (mean: [Float], variance: [Float]) {
        let (c, s) = (channels, spatial)
        let m = Double(n * s)
        var mean = [Float](repeating: 0, count: c), variance = [Float](repeating: 0, count: c)
        let grain = channelGrain(batch: n)
        withPointers(x.data, writing: &mean, &variance) { xp, mp, vp in
            Parallel.forEachChunk(Parallel.chunkCount(c, grain: grain)) { chunk, _ in
                for ch in Parallel.chunk(chunk, grain: grain, count: c) {
                    let shift = xp[ch * s]
                    var (sum, squares) = (0.0, 0.0)
                    for img in 0..<n {
                        let (a, b) = Self.sums(xp + (img * c + ch) * s, count: s, minus: shift)
                        sum += a; squares += b
                    }
                    let d = sum / m
                    mp[ch] = Float(Double(shift) + d)
                    vp[ch] = Float(max(0, squares / m - d * d))
                }
            }
        }
        return (mean, variance)
    }

    /// (Σ (v − offset), Σ (v − offset)²) over `count` values, in a fixed order.
    @inline(__always)
    private static func sums(_ v: UnsafePointer<Float>, count: Int, minus offset: Float) -> (Double, Double) {
        var (lanes, squares) = (SIMD8<Float>(), SIMD8<Float>())
        var i = 0
        let o = SIMD8<Float>(repeating: offset)
        while i + 8 <= count {
            let d = SIMD8(UnsafeBufferPointer(start: v + i, count: 8)) - o
            lanes += d
            squares += d * d
            i += 8
        }
        var (a, b) = (0.0, 0.0)
        for lane in 0..<8 { a += Double(lanes[lane]); b += Double(squares[lane]) }
        while i < count {
            let d = v[i] - offset
            a += Double(d); b += Double(d * d)
            i += 1
        }
        return (a, b)
    }

    /// (Σ g, Σ g·x̂) over one stretch, x̂ = (x − μ)·inv, eight lanes at a time in a fixed order.
    @inline(__always)
    private static func gradientSums(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, count: Int,
                                     mean mu: Float, inverseStd iv: Float) -> (Float, Float) {
        var a = SIMD8<Float>(), b = SIMD8<Float>()
        let (m8, i8) = (SIMD8<Float>(repeating: mu), SIMD8<Float>(repeating: iv))
        var i = 0
        while i + 8 <= count {
            let gv = SIMD8(UnsafeBufferPointer(start: g + i, count: 8))
            a += gv
            b += gv * ((SIMD8(UnsafeBufferPointer(start: x + i, count: 8)) - m8) * i8)
            i += 8
        }
        var (sa, sb) = (a.sum(), b.sum())
        while i < count { sa += g[i]; sb += g[i] * ((x[i] - mu) * iv); i += 1 }
        return (sa, sb)
    }

    public func backward(_ dy: consuming Tensor, needInputGradient: Bool) -> Tensor? {
        guard let mode = keptMode, let x = input else { preconditionFailure("backward before forward") }
        keptMode = nil
        input = nil
        let (n, c, s) = (dy.batch, channels, spatial)
        let m = Float(n * s)
        var dx = [Float](uninitializedCount: needInputGradient ? dy.count : 1)
        let grain = channelGrain(batch: n)
        let (gamma, inv, means, training) = (weight.value, inverseStd, usedMean, mode.isTraining)
        withPointers(dy.data, x.data, writing: &weight.grad, &bias.grad, &dx) { g, xp, gw, gb, dxp in
                Parallel.forEachChunk(Parallel.chunkCount(c, grain: grain)) { chunk, _ in
                    for ch in Parallel.chunk(chunk, grain: grain, count: c) {
                        let (mu, iv) = (means[ch], inv[ch])
                        var sumG: Float = 0, sumGX: Float = 0
                        for img in 0..<n {
                            let base = (img * c + ch) * s
                            let (a, b) = Self.gradientSums(g + base, xp + base, count: s, mean: mu, inverseStd: iv)
                            sumG += a; sumGX += b
                        }
                        gw[ch] = sumGX
                        gb[ch] = sumG
                        guard needInputGradient else { continue }
                        let scale = gamma[ch] * inv[ch]
                        let (k, sg, sgx) = (scale / m, sumG, sumGX)
                        for img in 0..<n {
                            let base = (img * c + ch) * s
                            if training {
                                // The batch mean and variance depend on every x: two extra terms.
                                for i in base..<(base + s) { dxp[i] = k * (m * g[i] - sg - ((xp[i] - mu) * iv) * sgx) }
                            } else {
                                for i in base..<(base + s) { dxp[i] = scale * g[i] }
                            }
                        }
                    }
                }
        }
        return needInputGradient ? Tensor(shape: dy.shape, data: dx) : nil
    }
}
