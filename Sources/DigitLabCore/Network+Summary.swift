/// One row of `net summary`.
public struct LayerSummary: Sendable, Equatable {
    public let index: Int
    public let description: String
    public let outputShape: [Int]
    public let parameters: Int
    public let flopsPerImage: Int
}

extension Network {
    /// The rows of `net summary`: what each layer outputs, how many numbers it learns,
    /// and how much work it does per image.
    public var summary: [LayerSummary] {
        layers.enumerated().map { i, layer in
            LayerSummary(index: i, description: layer.spec.description, outputShape: layer.outputShape,
                         parameters: layer.parameterCount, flopsPerImage: layer.flopsPerImage)
        }
    }

    public var flopsPerImage: Int { layers.reduce(0) { $0 + $1.flopsPerImage } }
}

extension Network {
    /// FLOPs of one training step per image, counting what the engine computes: dense
    /// and conv layers 1x forward, 1x for ∂W and 1x for ∂x unless no earlier layer needs
    /// it; the other layers (activations, pooling, batchnorm) their forward count, twice.
    /// A multiply-add counts as two FLOPs. This is the numerator of `bench`'s GFLOP/s.
    public var trainingFlopsPerImage: Int {
        let firstLearnable = layers.firstIndex { !$0.parameters.isEmpty } ?? layers.count
        return layers.enumerated().reduce(0) { total, item in
            let (index, layer) = item
            guard !layer.parameters.isEmpty, !(layer is BatchNorm) else { return total + 2 * layer.flopsPerImage }
            return total + layer.flopsPerImage * (index > firstLearnable ? 3 : 2)
        }
    }
}
