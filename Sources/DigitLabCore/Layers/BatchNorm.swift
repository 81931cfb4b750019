/// Batch normalisation per feature (after dense) or per channel (after conv), as
/// PyTorch's `BatchNorm1d`/`BatchNorm2d`: eps 1e-5, momentum 0.1, biased batch variance
/// for normalising and unbiased variance in the running estimate.
public final class BatchNorm: StatefulLayer {
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

    private var normalised: [Float] = []   // x̂, kept for backward in training
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

    public func forward(_ x: consuming Tensor, mode: PassMode, rng: inout SeededRNG) -> Tensor {
        let (n, c, s) = (x.batch, channels, spatial)
        let m = n * s
        var y = copy x // x is still read below
        var mean = runningMean, variance = runningVar
        if mode.isTraining {
            // Batch statistics per channel, in Double for a stable variance.
            for ch in 0..<c {
                var sum = 0.0, sq = 0.0
                for img in 0..<n {
                    let base = (img * c + ch) * s
                    for i in 0..<s { let v = Double(x.data[base + i]); sum += v; sq += v * v }
                }
                let mu = sum / Double(m)
                let v = max(0, sq / Double(m) - mu * mu)
                mean[ch] = Float(mu); variance[ch] = Float(v)
                let unbiased = m > 1 ? v * Double(m) / Double(m - 1) : v
                runningMean[ch] = (1 - Self.momentum) * runningMean[ch] + Self.momentum * Float(mu)
                runningVar[ch] = (1 - Self.momentum) * runningVar[ch] + Self.momentum * Float(unbiased)
            }
            batchesTracked += 1
        }
        inverseStd = variance.map { 1 / ($0 + Self.epsilon).squareRoot() }
        if mode.keepsForBackward { normalised = [Float](repeating: 0, count: x.count) }
        for img in 0..<n {
            for ch in 0..<c {
                let base = (img * c + ch) * s
                let (mu, inv, g, b) = (mean[ch], inverseStd[ch], weight.value[ch], bias.value[ch])
                for i in 0..<s {
                    let xhat = (x.data[base + i] - mu) * inv
                    if mode.keepsForBackward { normalised[base + i] = xhat }
                    y.data[base + i] = g * xhat + b
                }
            }
        }
        keptMode = mode.keepsForBackward ? mode : nil
        return y
    }

    public func backward(_ dy: consuming Tensor, needInputGradient: Bool) -> Tensor? {
        guard let mode = keptMode else { preconditionFailure("backward before forward") }
        keptMode = nil
        let (n, c, s) = (dy.batch, channels, spatial)
        let m = Float(n * s)
        var dx = copy dy // dy is still read below
        for ch in 0..<c {
            var sumG: Float = 0, sumGX: Float = 0
            for img in 0..<n {
                let base = (img * c + ch) * s
                for i in 0..<s { sumG += dy.data[base + i]; sumGX += dy.data[base + i] * normalised[base + i] }
            }
            weight.grad[ch] = sumGX
            bias.grad[ch] = sumG
            guard needInputGradient else { continue }
            let scale = weight.value[ch] * inverseStd[ch]
            for img in 0..<n {
                let base = (img * c + ch) * s
                for i in 0..<s {
                    if mode.isTraining {
                        // The batch mean and variance depend on every x: two extra terms.
                        dx.data[base + i] = scale / m * (m * dy.data[base + i] - sumG - normalised[base + i] * sumGX)
                    } else {
                        dx.data[base + i] = scale * dy.data[base + i]
                    }
                }
            }
        }
        normalised = []
        return needInputGradient ? dx : nil
    }
}
