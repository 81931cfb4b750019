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
