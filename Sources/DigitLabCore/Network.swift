/// A sequential network: layers applied one after another, with shapes checked as
/// each layer is added.
///
///     let net = Network()                       // input 1x28x28
///     try net.append(.dense(units: 128), using: &rng)   // flatten is added first
///     try net.append(.activation(.relu), using: &rng)
///     try net.append(.dense(units: 10), using: &rng)
public final class Network {
    public let inputShape: [Int]
    public private(set) var layers: [any Layer] = []
    public var initializer: Initializer

    public init(inputShape: [Int] = [1, 28, 28], initializer: Initializer = .pytorch) {
        self.inputShape = inputShape
        self.initializer = initializer
    }

    public var outputShape: [Int] { layers.last?.outputShape ?? inputShape }
    public var specs: [LayerSpec] { layers.map(\.spec) }
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
    public var isEmpty: Bool { layers.isEmpty }

    /// Adds a layer, or throws the reason it cannot follow the current shape.
    /// A dense layer after a CxHxW shape gets a flatten layer first (PyTorch needs it
    /// too); the returned specs say what was really added.
    @discardableResult
    public func append(_ spec: LayerSpec, using rng: inout SeededRNG) throws(ShapeError) -> [LayerSpec] {
        var needsFlatten = false
        if case .dense = spec, outputShape.count > 1 { needsFlatten = true }
        guard layers.count + (needsFlatten ? 2 : 1) <= LayerSpec.maxLayers else {
            throw ShapeError("the network already has \(layers.count) layers, the most DigitLab allows is \(LayerSpec.maxLayers)")
        }
        if let out = try? spec.outputShape(input: needsFlatten ? [outputShape.reduce(1, *)] : outputShape) {
            let added = spec.flopsPerImage(input: needsFlatten ? [outputShape.reduce(1, *)] : outputShape, output: out)
            try LayerSpec.checkFlops(checkedSum(flopsPerImage, added) ?? Int.max)
        }
        if needsFlatten {
            let flatten = try LayerSpec.flatten.makeLayer(input: outputShape, initializer: initializer, using: &rng)
            let dense = try spec.makeLayer(input: flatten.outputShape, initializer: initializer, using: &rng)
            layers += [flatten, dense]
            return [.flatten, spec]
        }
        layers.append(try spec.makeLayer(input: outputShape, initializer: initializer, using: &rng))
        return [spec]
    }

    /// Removes and returns the last layer's spec.
    @discardableResult
    public func removeLast() -> LayerSpec? {
        layers.popLast()?.spec
    }

    /// Layers up to (not including) a final softmax: their output is the logits that
    /// the fused cross-entropy loss expects.
    public var logitLayerCount: Int {
        if let last = layers.last, case .activation(.softmax) = last.spec { return layers.count - 1 }
        return layers.count
    }

    /// Runs the first `upTo` layers (all by default) on a batch.
    public func forward(_ x: Tensor, mode: PassMode, upTo: Int? = nil, rng: inout SeededRNG) -> Tensor {
        var y = x
        let end = min(upTo ?? layers.count, layers.count)
        var index = 0
        while index < end {
            // `consume` hands each layer the only reference, so it may reuse the memory.
            if index + 1 < end, let fusable = layers[index] as? ReLUFusable,
               let relu = layers[index + 1] as? ActivationLayer, relu.kind == .relu {
                // dense/conv + relu: the product applies the ReLU as it writes y.
                y = fusable.forward(consume y, mode: mode, relu: true)
                relu.keepFusedOutput(y, mode: mode)
                index += 2
            } else {
                y = layers[index].forward(consume y, mode: mode, rng: &rng)
                index += 1
            }
        }
        return y
    }

    /// Back-propagates ∂loss/∂output through the first `from` layers, filling every
    /// parameter's gradient; returns ∂loss/∂input when asked.
    @discardableResult
    public func backward(_ dy: Tensor, from: Int? = nil, needInputGradient: Bool = false) -> Tensor? {
        var g: Tensor = dy
        let top = from ?? layers.count
        // Below the first layer with parameters nobody needs ∂x (unless asked for it):
        // for an MLP, ∂x of the first dense layer would cost as much as its forward pass.
        let firstLearnable = layers.firstIndex { !$0.parameters.isEmpty } ?? layers.count
        var index = top - 1
        while index >= 0 {
            let needed = needInputGradient || index > firstLearnable
            if index >= 1, let pool = layers[index] as? Pool2D, pool.kind == .max,
               let relu = layers[index - 1] as? ActivationLayer, relu.kind == .relu {
                // relu + max pool: the pool applies the ReLU's backward as it routes the
                // gradient to each window's winner (one pass over memory instead of two).
                let reluNeeded = needInputGradient || index - 1 > firstLearnable
                relu.skipBackward()
                guard let next = pool.backward(consume g, needInputGradient: reluNeeded, maskingReLU: true) else { return nil }
                g = next
                index -= 2
                continue
            }
            guard let next = layers[index].backward(consume g, needInputGradient: needed) else { return nil }
            g = next
            index -= 1
        }
        return g
    }

    /// Floats one inference batch's widest activation may take (32 MB): keeps the peak
    /// memory of evaluating a CNN on 10,000 images near that of training it.
    public static let inferenceBudget = 8 << 20

    /// The batch size to use for inference, at most `requested`.
    public func inferenceBatch(_ requested: Int) -> Int {
        let widest = layers.map { $0.outputShape.reduce(1, *) }.max() ?? 1
        return max(1, min(requested, Self.inferenceBudget / max(1, widest)))
    }

    /// Class probabilities for a batch (softmax of the logits), inference mode.
    public func probabilities(_ x: Tensor) -> Tensor {
        var rng = SeededRNG(seed: 0) // inference draws nothing; dropout is off
        var p = forward(x, mode: .inference, upTo: logitLayerCount, rng: &rng)
        p.applySoftmax()
        return p
    }

    /// Every number the network has learned, to put back with `restore`.
    public func snapshot() -> NetworkSnapshot {
        NetworkSnapshot(parameters: parameters.map(\.value),
                        buffers: layers.compactMap { $0 as? StatefulLayer }.map { $0.buffers.map(\.values) })
    }

    public func restore(_ snapshot: NetworkSnapshot) {
        for (p, v) in zip(parameters, snapshot.parameters) { p.value = v }
        for (layer, bufs) in zip(layers.compactMap { $0 as? StatefulLayer }, snapshot.buffers) {
            for ((name, _), values) in zip(layer.buffers, bufs) { _ = layer.setBuffer(name, to: values) }
        }
    }
}

/// A copy of a network's weights (and batchnorm statistics).
public struct NetworkSnapshot: Sendable, Equatable {
    public let parameters: [[Float]]
    public let buffers: [[[Float]]]
}
