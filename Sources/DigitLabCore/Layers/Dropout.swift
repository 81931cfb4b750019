/// Inverted dropout: in training, zeroes each value with probability `rate` and scales
/// the survivors by 1/(1-rate), so evaluation needs no rescaling. The mask comes from
/// the session's seeded RNG, so runs repeat exactly.
public final class Dropout: Layer {
    public let rate: Float
    public let inputShape: [Int]
    public var outputShape: [Int] { inputShape }
    public var spec: LayerSpec { .dropout(rate: rate) }
    public var flopsPerImage: Int { 0 }
    private var mask: [Float] = []

    init(shape: [Int], rate: Float) {
        self.inputShape = shape
        self.rate = rate
    }

    public func forward(_ x: consuming Tensor, mode: PassMode, rng: inout SeededRNG) -> Tensor {
        guard mode.isTraining, rate > 0 else { mask = []; return x }
        let keep = 1 - rate
        let scale = 1 / keep
        let count = x.count
        mask = [Float](repeating: 0, count: count)
        var y = consume x
        for i in 0..<count {
            let m: Float = rng.nextFloat() < keep ? scale : 0
            mask[i] = m
            y.data[i] *= m
        }
        return y
    }

    public func backward(_ dy: consuming Tensor, needInputGradient: Bool) -> Tensor? {
        guard needInputGradient else { return nil }
        guard !mask.isEmpty else { return dy }
        var dx = consume dy
        for i in 0..<dx.count { dx.data[i] *= mask[i] }
        mask = []
        return dx
    }
}
