/// How much memory a network needs to train (or to predict) at a batch size, part by
/// part, computed from its shapes alone — so a layer, a batch size or a model file can
/// be refused *before* anything is allocated.
///
///     let e = net.memoryEstimate(batchSize: 64, optimizer: .adam)
///     print(e.total, e)   // 12,345,678 "weights 4.6 MB, gradients 4.6 MB, Adam state 9.2 MB, …"
///
/// What is counted (bytes, Float32 = 4):
/// - **weights**: every parameter and batchnorm buffer; **gradients**: one per parameter;
/// - **optimiser state**: none for SGD, a velocity for momentum and Nesterov, two
///   moments for Adam;
/// - **weight copies** ("NaN-recovery copies" in the line): the trainer keeps the last weights that gave a finite loss (to
///   restore after a NaN) and, every hundred steps, a candidate copy; `train step`'s
///   per-layer statistics copy them once more while a step runs;
/// - **activations kept for backward**: each layer's new output for the whole batch,
///   plus dropout masks, max-pool winners (Int32), batchnorm's normalised values and the
///   im2col columns a convolution keeps when they are small. In-place layers (ReLU and
///   the other activations, flatten) share their input's memory and add nothing;
/// - **backward**: the widest layer's input and output gradients, alive at once;
/// - **workspace**: a convolution's per-thread im2col columns, products and partial
///   gradients (`Conv2D`'s groups), which stay allocated between batches;
/// - **batch**: the images as floats and their labels.
///
/// The model mirrors the layers as they are written: when a layer's memory use changes,
/// change it here too — `MemoryEstimateTests` compares it with the measured resident
/// growth of real training steps and fails when the two drift apart.
public struct MemoryEstimate: Sendable, Equatable, CustomStringConvertible {
    public let batchSize: Int
    /// nil: inference only (nothing kept for backward, no gradients).
    public let optimizer: OptimizerKind?
    public var weights = 0
    public var gradients = 0
    public var optimizerState = 0
    public var weightCopies = 0
    public var activations = 0
    public var backward = 0
    public var workspace = 0
    public var batch = 0

    /// Bytes in all, saturating at `Int.max` (sizes come from files and typed lines).
    public var total: Int {
        parts.reduce(0) { sum, part in sum.addingReportingOverflow(part.bytes).overflow ? Int.max : sum + part.bytes }
    }

    /// The parts in a fixed order, named as the refusal line shows them.
    public var parts: [(name: String, bytes: Int)] {
        let state: String
        switch optimizer {
        case .adam: state = "Adam state"
        case .momentum, .nesterov: state = "momentum"
        default: state = "optimiser state"
        }
        return [("weights", weights), ("gradients", gradients), (state, optimizerState),
                ("NaN-recovery copies", weightCopies), ("activations", activations), ("backward", backward),
                ("im2col", workspace), ("the batch", batch)]
    }

    /// The non-zero parts, largest first: `weights 1.6 GB, gradients 1.6 GB, activations 12 MB`.
    public var description: String {
        parts.filter { $0.bytes > 0 }.sorted { $0.bytes > $1.bytes }
            .map { "\($0.name) \(Self.format($0.bytes))" }.joined(separator: ", ")
    }

    /// A size as people read it: `512 bytes`, `12 KB`, `3.5 MB`, `2.4 GB` (1 KB = 1024 bytes).
    public static func format(_ bytes: Int) -> String {
        if bytes == Int.max { return "more than 8 EB" }
        let units = ["KB", "MB", "GB", "TB", "PB", "EB"]
        guard bytes >= 1024 else { return "\(bytes) bytes" }
        var value = Double(bytes) / 1024, unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        let digits = value < 9.95 ? 1 : 0
        let rounded = digits == 1 ? (value * 10).rounded() / 10 : value.rounded()
        return (digits == 1 ? String(rounded) : String(Int(rounded))) + " " + units[unit]
    }
}

extension MemoryEstimate {
    /// The estimate for a network that starts at `input` and has the layers `specs`,
    /// without building it; throws when a layer cannot follow (the same rules as
    /// `net add`).
    public init(input: [Int], specs: [LayerSpec], batchSize: Int, optimizer: OptimizerKind?,
                threads: Int = Parallel.threads) throws(ShapeError) {
        try LayerSpec.checkInput(input)
        let outputs = try LayerSpec.shapes(input: input, specs: specs)
        let inputs = [input] + outputs.dropLast()
        self.init(layers: zip(specs, zip(inputs, outputs)).map { ($0, $1.0, $1.1) }, input: input,
                  batchSize: batchSize, optimizer: optimizer, threads: threads)
    }

    /// The estimate from shapes already known to be valid.
    init(layers: [(spec: LayerSpec, input: [Int], output: [Int])], input: [Int], batchSize n: Int,
         optimizer: OptimizerKind?, threads: Int) {
        self.batchSize = n
        self.optimizer = optimizer
        let training = optimizer != nil
        var parameters = Saturating(), buffers = Saturating()
        var kept = Saturating(), scratch = Saturating()
        var widestPair = 0
        for (spec, inShape, outShape) in layers {
            let (inSize, outSize) = (checkedProduct(inShape) ?? Int.max, checkedProduct(outShape) ?? Int.max)
            // Layers that allocate a new ∂input (the others work in place or reshape).
            switch spec {
            case .dense, .conv, .maxpool, .avgpool, .batchnorm: widestPair = max(widestPair, Saturating.sum(inSize, outSize))
            default: break
            }
            let batchOut = Saturating.product(n, outSize)
            switch spec {
            case .dense(let units):
                parameters += Saturating.sum(Saturating.product(units, inSize), units)
                kept += batchOut
            case let .conv(filters, kernel, _, _):
                let patch = Saturating.product(inShape[0], kernel, kernel)
                let pixels = Saturating.product(outShape[1], outShape[2])
                parameters += Saturating.sum(Saturating.product(filters, patch), filters)
                kept += batchOut
                // Conv2D: images per group keep one group's columns within 128 K floats;
                // every thread holds one group's columns and product, and its own ∂W.
                let perImage = max(1, Saturating.product(patch, pixels))
                let group = max(1, min(64, (128 * 1024) / perImage))
                let perThread = Saturating.sum(Saturating.product(patch, group, pixels),
                                               Saturating.product(filters, group, pixels),
                                               Saturating.product(filters, patch), filters)
                scratch += Saturating.product(max(1, threads), perThread)
                // A training batch's columns are kept for backward when they fit 2 M floats.
                let columns = Saturating.product(n, patch, pixels)
                if training && columns <= 2 << 20 { scratch += columns }
            case .maxpool:
                kept += batchOut
                kept += (batchOut + 1) / 2 // Int32 winners: half a float's worth each
            case .avgpool:
                kept += batchOut
            case .batchnorm:
                parameters += Saturating.product(2, inShape[0])
                buffers += Saturating.product(2, inShape[0])
                kept += Saturating.product(2, batchOut) // its output and x̂
            case .dropout:
                kept += batchOut // the mask (the output is written in place)
            case .flatten, .activation:
                break // same memory as their input
            }
        }
        let f = MemoryLayout<Float>.size
        weights = Saturating.product(f, Saturating.sum(parameters.value, buffers.value))
        workspace = Saturating.product(f, scratch.value)
        batch = Saturating.sum(Saturating.product(f, n, checkedProduct(input) ?? Int.max), Saturating.product(8, n))
        if training {
            gradients = Saturating.product(f, parameters.value)
            switch optimizer {
            case .adam: optimizerState = Saturating.product(2, gradients)
            case .momentum, .nesterov: optimizerState = gradients
            default: optimizerState = 0
            }
            weightCopies = Saturating.product(2, f, parameters.value)
            activations = Saturating.product(f, kept.value)
            backward = Saturating.product(f, n, widestPair)
        } else {
            // Inference keeps nothing: a layer's input and output are alive at once.
            activations = Saturating.product(f, n, widestPair)
        }
    }
}

extension Network {
    /// The memory this network needs at `batchSize`: for training with `optimizer`, or
    /// for inference when `optimizer` is nil.
    public func memoryEstimate(batchSize: Int, optimizer: OptimizerKind?) -> MemoryEstimate {
        MemoryEstimate(layers: layers.map { ($0.spec, $0.inputShape, $0.outputShape) }, input: inputShape,
                       batchSize: batchSize, optimizer: optimizer, threads: Parallel.threads)
    }

    /// The estimate after `append(spec)` (with the flatten a dense layer may bring),
    /// without building anything; throws when the layer cannot follow.
    public func memoryEstimate(appending spec: LayerSpec, batchSize: Int,
                               optimizer: OptimizerKind?) throws(ShapeError) -> MemoryEstimate {
        var added = [(spec: LayerSpec, input: [Int], output: [Int])]()
        var shape = outputShape
        if case .dense = spec, shape.count > 1 {
            let flat = try LayerSpec.flatten.outputShape(input: shape)
            added.append((.flatten, shape, flat))
            shape = flat
        }
        added.append((spec, shape, try spec.outputShape(input: shape)))
        return MemoryEstimate(layers: layers.map { ($0.spec, $0.inputShape, $0.outputShape) } + added,
                              input: inputShape, batchSize: batchSize, optimizer: optimizer, threads: Parallel.threads)
    }
}

/// Sums and products that stop at `Int.max` instead of trapping: an estimate of an
/// absurd network is "too much", never a crash.
struct Saturating {
    var value = 0
    static func += (a: inout Saturating, b: Int) { a.value = sum(a.value, b) }
    static func sum(_ values: Int...) -> Int {
        var s = 0
        for v in values { let (r, o) = s.addingReportingOverflow(max(0, v)); if o { return Int.max }; s = r }
        return s
    }
    static func product(_ values: Int...) -> Int {
        var p = 1
        for v in values { let (r, o) = p.multipliedReportingOverflow(by: max(0, v)); if o { return Int.max }; p = r }
        return p
    }
}
