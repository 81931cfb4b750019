/// Looking inside a trained network, for the pictures: what a layer outputs, and how
/// the score of a class depends on each input pixel.
extension Network {
    /// The output of layer `index` (as `net summary` numbers layers) for a batch.
    public func activations(_ x: Tensor, layer index: Int) -> Tensor {
        var rng = SeededRNG(seed: 0) // inference draws nothing
        return forward(x, mode: .inference, upTo: index + 1, rng: &rng)
    }

    /// ∂(logit of `class`)/∂(input) for one image: a saliency map. Runs in inference
    /// mode (no dropout, batchnorm's running statistics); parameter gradients are
    /// overwritten along the way, which training does anyway before each update.
    public func inputGradient(_ x: Tensor, class target: Int) -> [Float] {
        precondition(x.batch == 1, "one image")
        var rng = SeededRNG(seed: 0)
        let upTo = logitLayerCount
        let logits = forward(x, mode: .inferenceWithGradient, upTo: upTo, rng: &rng)
        var seed = Tensor(zeros: logits.shape)
        seed.data[target] = 1
        return backward(seed, from: upTo, needInputGradient: true)?.data ?? []
    }

    /// Index of the last dense layer: its input is the "penultimate" representation the
    /// embedding picture shows.
    public var lastDenseLayer: Int? {
        layers.lastIndex { if case .dense = $0.spec { return true } else { return false } }
    }
}
