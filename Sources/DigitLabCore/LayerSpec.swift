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
    /// Every rule lives in `outputShape(input:)` (LayerSpec+Shape.swift), checked here
    /// before any weight is allocated.
    public func makeLayer(input: [Int], initializer: Initializer,
                          using rng: inout SeededRNG) throws(ShapeError) -> any Layer {
        _ = try outputShape(input: input)
        switch self {
        case .dense(let units):
            return Dense(inputs: input[0], units: units, initializer: initializer, using: &rng)
        case let .conv(filters, kernel, stride, padding):
            return Conv2D(channels: input[0], height: input[1], width: input[2], filters: filters,
                          kernel: kernel, stride: stride, padding: try padding.amount(kernel: kernel, stride: stride),
                          spec: self, initializer: initializer, using: &rng)
        case .maxpool(let k):
            return Pool2D(kind: .max, input: input, size: k)
        case .avgpool(let k):
            return Pool2D(kind: .average, input: input, size: k)
        case .flatten:
            return Flatten(input: input)
        case .dropout(let p):
            return Dropout(shape: input, rate: p)
        case .batchnorm:
            return BatchNorm(input: input)
        case .activation(let a):
            return ActivationLayer(a, shape: input)
        }
    }
}

/// A layer that cannot follow the current shape, with the reason in words.
public struct ShapeError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
