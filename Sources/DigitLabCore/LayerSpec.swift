/// What a layer is, as a value: what the learner typed, what a model file stores.
///
///     LayerSpec.conv(filters: 6, kernel: 5, stride: 1, padding: .fixed(2))
///     LayerSpec.dense(units: 10)
public enum LayerSpec: Equatable, Codable, Sendable {
    case dense(units: Int)
    case conv(filters: Int, kernel: Int, stride: Int, padding: Padding)
    case maxpool(size: Int)
    case avgpool(size: Int)
    case flatten
    case dropout(rate: Float)
    case batchnorm
    case activation(Activation)

    /// Zero padding around a convolution's input.
    public enum Padding: Equatable, Codable, Sendable {
        case fixed(Int)
        /// Keeps the spatial size at stride 1 (needs an odd kernel).
        case same
    }

    /// Short words, the same ones `net add` takes: `conv 6 5x5 pad 2`.
    public var description: String {
        switch self {
        case .dense(let u): return "dense \(u)"
        case let .conv(f, k, s, p):
            var text = "conv \(f) \(k)x\(k)"
            if s != 1 { text += " stride \(s)" }
            switch p {
            case .fixed(0): break
            case .fixed(let n): text += " pad \(n)"
            case .same: text += " pad same"
            }
            return text
        case .maxpool(let k): return "maxpool \(k)"
        case .avgpool(let k): return "avgpool \(k)"
        case .flatten: return "flatten"
        case .dropout(let p): return "dropout \(p)"
        case .batchnorm: return "batchnorm"
        case .activation(let a): return a.rawValue
        }
    }

    /// The most weights one layer may have (10⁸, 400 MB): far beyond any MNIST network,
    /// and a typo such as `dense 999999999` is refused instead of exhausting memory.
    public static let maxParameters = 100_000_000
    /// The most values one layer may output per image.
    public static let maxOutputs = 10_000_000

    /// Makes the layer for a per-sample input shape, or says why it cannot follow it.
    public func makeLayer(input: [Int], initializer: Initializer,
                          using rng: inout SeededRNG) throws(ShapeError) -> any Layer {
        let shown = describeShape(input)
        try checkSize(input: input)
        switch self {
        case .dense(let units):
            guard units > 0 else { throw ShapeError("dense needs at least 1 unit, got \(units)") }
            guard input.count == 1 else {
                throw ShapeError("dense needs a flat input, this one is \(shown): add flatten first")
            }
            return Dense(inputs: input[0], units: units, initializer: initializer, using: &rng)
        case let .conv(filters, kernel, stride, padding):
            guard filters > 0, kernel > 0, stride > 0 else {
                throw ShapeError("conv needs positive filters, kernel size and stride")
            }
            guard input.count == 3 else {
                throw ShapeError("conv needs a CxHxW input, this one is \(shown) (it was flattened)")
            }
            let pad: Int
            switch padding {
            case .fixed(let p):
                guard p >= 0 else { throw ShapeError("padding must be 0 or more, got \(p)") }
                pad = p
            case .same:
                guard kernel % 2 == 1, stride == 1 else {
                    throw ShapeError("pad same needs an odd kernel and stride 1, got \(kernel)x\(kernel) stride \(stride)")
                }
                pad = kernel / 2
            }
            let (h, w) = (input[1] + 2 * pad, input[2] + 2 * pad)
            guard h >= kernel, w >= kernel else {
                throw ShapeError("conv \(kernel)x\(kernel) needs an input of at least \(kernel)x\(kernel), this one is \(input[1])x\(input[2])x\(input[0])")
            }
            return Conv2D(channels: input[0], height: input[1], width: input[2], filters: filters,
                          kernel: kernel, stride: stride, padding: pad, spec: self,
                          initializer: initializer, using: &rng)
        case .maxpool(let k), .avgpool(let k):
            guard k > 0 else { throw ShapeError("pool size must be positive, got \(k)") }
            guard input.count == 3 else {
                throw ShapeError("\(description) needs a CxHxW input, this one is \(shown)")
            }
            guard input[1] >= k, input[2] >= k else {
                throw ShapeError("\(description) needs an input of at least \(k)x\(k), this one is \(input[1])x\(input[2])x\(input[0])")
            }
            if case .maxpool = self { return Pool2D(kind: .max, input: input, size: k) }
            return Pool2D(kind: .average, input: input, size: k)
        case .flatten:
            return Flatten(input: input)
        case .dropout(let p):
            guard p >= 0, p < 1 else { throw ShapeError("dropout rate must be in [0, 1), got \(p)") }
            return Dropout(shape: input, rate: p)
        case .batchnorm:
            return BatchNorm(input: input)
        case .activation(let a):
            if a == .softmax, input.count != 1 {
                throw ShapeError("softmax needs a flat input, this one is \(shown)")
            }
            return ActivationLayer(a, shape: input)
        }
    }
}

extension LayerSpec {
    /// Refuses layers whose weights or outputs would not fit in memory, before allocating.
    func checkSize(input: [Int]) throws(ShapeError) {
        let inputs = input.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
        func product(_ values: Int...) -> Int {
            values.reduce(1) { a, b in let (p, o) = a.multipliedReportingOverflow(by: b); return o ? Int.max : p }
        }
        var weights = 0, outputs = 0
        switch self {
        case .dense(let units): weights = product(units, inputs); outputs = units
        case let .conv(filters, kernel, _, _):
            weights = product(filters, input.first ?? 1, kernel, kernel)
            outputs = product(filters, input.count == 3 ? input[1] : 1, input.count == 3 ? input[2] : 1)
        default: return
        }
        guard weights <= Self.maxParameters, outputs <= Self.maxOutputs else {
            throw ShapeError("\(description) would need \(weights == Int.max ? "too many" : String(weights)) weights and \(outputs == Int.max ? "too many" : String(outputs)) outputs per image — far more than fits in memory; DigitLab allows \(Self.maxParameters) weights per layer")
        }
    }
}

/// A layer that cannot follow the current shape, with the reason in words.
public struct ShapeError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
