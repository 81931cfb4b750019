/// One prediction, layer by layer: what `render trace` draws and `explain` works through.
///
/// `trace` runs one image through the network in inference mode and keeps every layer's
/// output, so a figure can show the input, each conv layer's maps before and after its
/// activation, the pooled maps, the flattened vector, the dense activations and the
/// probabilities — all from one call, with the numbers the network really computed.
public struct LayerTrace: Sendable, Equatable {
    /// The layer's number, as `net summary` counts layers.
    public let index: Int
    public let spec: LayerSpec
    /// Per-sample shapes: `[6, 28, 28]`, `[120]`.
    public let inputShape: [Int]
    public let shape: [Int]
    /// The layer's output for the one image, `shape` row-major.
    public let values: [Float]

    public init(index: Int, spec: LayerSpec, inputShape: [Int], shape: [Int], values: [Float]) {
        self.index = index; self.spec = spec; self.inputShape = inputShape; self.shape = shape; self.values = values
    }

    /// True when the layer's outputs can be negative: a conv or dense layer (before its
    /// activation), batchnorm, tanh and leaky ReLU. ReLU, sigmoid and softmax give values
    /// of zero or more; pooling, dropout and flatten keep the sign of what they get, so
    /// they answer `nil` and the caller asks the layer before.
    public var isSigned: Bool? {
        switch spec {
        case .conv, .dense, .batchnorm: return true
        case .activation(let a): return a == .tanh || a == .leakyrelu
        case .maxpool, .avgpool, .dropout, .flatten: return nil
        }
    }
}

extension Network {
    /// Every layer's output for one image (`x` is `[1, C, H, W]`, normalised as for
    /// training), in inference mode: dropout passes everything, batchnorm uses its
    /// running statistics — the same numbers `predict` uses.
    ///
    /// Runs the prefix of the network once per layer: for one image that costs a few
    /// milliseconds even for the CNN preset, and it uses only the public forward pass.
    public func trace(_ x: Tensor) -> [LayerTrace] {
        precondition(x.batch == 1, "trace takes one image")
        return layers.indices.map { i in
            let out = activations(x, layer: i)
            return LayerTrace(index: i, spec: layers[i].spec, inputShape: layers[i].inputShape,
                              shape: layers[i].outputShape, values: out.data)
        }
    }
}

extension Array where Element == LayerTrace {
    /// Whether the output of layer `index` can be negative, from the layer's kind or,
    /// for a layer that keeps the sign it gets (pooling, dropout, flatten), from the
    /// layers before it; the network input (`index` −1) is signed once standardised, so
    /// it is read from its values.
    public func isSigned(at index: Int, input: [Float]) -> Bool {
        var i = index
        while i >= 0 {
            if let s = self[i].isSigned { return s }
            i -= 1
        }
        return input.contains { $0 < 0 }
    }

    /// The network's output scores before any final softmax (the logits), and where they
    /// came from. Nil for an empty trace.
    public var logits: (layer: Int, values: [Float])? {
        guard let last = self.last else { return nil }
        if case .activation(.softmax) = last.spec {
            guard count >= 2 else { return nil }
            return (count - 2, self[count - 2].values)
        }
        return (last.index, last.values)
    }
}

extension Network {
    /// Whether layer `index`'s outputs can be negative, from the layer kinds alone: a conv
    /// or dense layer before its activation, batchnorm, tanh or leaky ReLU can; ReLU,
    /// sigmoid and softmax cannot; pooling, dropout and flatten pass on the sign of the
    /// layer before. Nil when only the input decides (a pool straight on the pixels).
    public func outputIsSigned(layer index: Int) -> Bool? {
        var i = index
        while i >= 0 && i < layers.count {
            let probe = LayerTrace(index: i, spec: layers[i].spec, inputShape: [], shape: [], values: [])
            if let s = probe.isSigned { return s }
            i -= 1
        }
        return nil
    }
}
