/// Inverted dropout: in training, zeroes each value with probability `rate` and scales
/// the survivors by 1/(1-rate), so evaluation needs no rescaling.
///
/// The mask is drawn in fixed chunks of `chunkSize` values, each from its own generator
/// seeded from the trainer's RNG: runs repeat exactly for a given seed, on any number of
/// threads.
public final class Dropout: Layer {
    public let rate: Float
    public let inputShape: [Int]
    public var outputShape: [Int] { inputShape }
    public var spec: LayerSpec { .dropout(rate: rate) }
    public var flopsPerImage: Int { 0 }
    /// Values per chunk of the mask (one generator each).
    static let chunkSize = 16_384
    /// 0 or 1/(1-rate) per value of the last training batch; empty when nothing dropped.
    private var mask: [Float] = []

    init(shape: [Int], rate: Float) {
        self.inputShape = shape
        self.rate = rate
    }

    public func forward(_ x: consuming Tensor, mode: PassMode, rng: inout SeededRNG) -> Tensor {
        guard mode.isTraining, rate > 0 else { mask = []; return x }
        let (keep, scale, count) = (1 - rate, 1 / (1 - rate), x.count)
        let chunks = Parallel.chunkCount(count, grain: Self.chunkSize)
        let seeds = (0..<chunks).map { _ in rng.next() }
        var y = consume x
        var m = [Float](uninitializedCount: count)
        y.data.mutablePointer { v in
            m.mutablePointer { mp in
                Parallel.forEachChunk(chunks) { chunk, _ in
                    var local = SeededRNG(seed: seeds[chunk])
                    for i in Parallel.chunk(chunk, grain: Self.chunkSize, count: count) {
                        let kept: Float = local.nextFloat() < keep ? scale : 0
                        mp[i] = kept
                        v[i] *= kept
                    }
                }
            }
        }
        mask = m
        return y
    }

    public func backward(_ dy: consuming Tensor, needInputGradient: Bool) -> Tensor? {
        guard needInputGradient else { return nil }
        guard !mask.isEmpty else { return dy }
        var dx = consume dy
        let count = dx.count
        dx.data.mutablePointer { g in
            mask.pointer { mp in
                Parallel.forEachSlice(count: count) { r in for i in r { g[i] *= mp[i] } }
            }
        }
        mask = []
        return dx
    }
}
