import Glibc

/// Elementwise non-linearities (and softmax, which works row by row).
public enum Activation: String, CaseIterable, Codable, Sendable {
    case relu, leakyrelu, sigmoid, tanh, softmax
}

/// An activation as a layer. Backward uses the stored output where the derivative
/// can be written in terms of it (sigmoid: y(1-y), tanh: 1-y²), else the input.
public final class ActivationLayer: Layer {
    public let kind: Activation
    public let inputShape: [Int]
    public var outputShape: [Int] { inputShape }
    public var spec: LayerSpec { .activation(kind) }
    /// LeakyReLU's slope for negative inputs (PyTorch's default).
    public static let leakySlope: Float = 0.01
    private var saved: Tensor?

    init(_ kind: Activation, shape: [Int]) {
        self.kind = kind
        self.inputShape = shape
    }

    public var flopsPerImage: Int { inputShape.reduce(1, *) }

    public func forward(_ x: consuming Tensor, mode: PassMode, rng: inout SeededRNG) -> Tensor {
        let (rows, columns, count) = (x.batch, x.sampleSize, x.count)
        var y = consume x // written in place: no copy when the caller let go of x
        let slope = Self.leakySlope
        let kind = self.kind
        y.data.mutablePointer { v in
            if kind == .softmax { Softmax.rows(v, rows: rows, columns: columns); return }
            Parallel.forEachSlice(count: count) { r in
                switch kind {
                case .relu: for i in r { let x = v[i]; v[i] = x < 0 ? 0 : x } // NaN stays NaN
                case .leakyrelu: for i in r { v[i] *= v[i] < 0 ? slope : 1 }
                case .sigmoid: for i in r { v[i] = 1 / (1 + expf(-v[i])) }
                case .tanh: for i in r { v[i] = tanhf(v[i]) }
                case .softmax: break
                }
            }
        }
        // relu and leakyrelu could recover the sign of x from y; the others need y itself.
        saved = mode.keepsForBackward ? y : nil
        return y
    }

    /// The previous layer already applied this ReLU (see `ReLUFusable`): keep its
    /// output for the backward pass, as `forward` would have.
    func keepFusedOutput(_ y: Tensor, mode: PassMode) {
        saved = mode.keepsForBackward ? y : nil
    }

    /// The next layer did this layer's backward pass for it (see `Pool2D`): forget the
    /// kept output, as `backward` would.
    func skipBackward() { saved = nil }

    public func backward(_ dy: consuming Tensor, needInputGradient: Bool) -> Tensor? {
        guard let y = saved else { preconditionFailure("backward before forward") }
        saved = nil
        guard needInputGradient else { return nil }
        let (rows, c, count) = (dy.batch, dy.sampleSize, dy.count)
        var dx = consume dy
        let slope = Self.leakySlope
        let kind = self.kind
        dx.data.mutablePointer { g in
            y.data.pointer { out in
                if kind == .softmax {
                    // dx_j = y_j (g_j − Σ_k g_k y_k), row by row.
                    for r in 0..<rows {
                        var dot: Float = 0
                        for j in 0..<c { dot += g[r * c + j] * out[r * c + j] }
                        for j in 0..<c { g[r * c + j] = out[r * c + j] * (g[r * c + j] - dot) }
                    }
                    return
                }
                Parallel.forEachSlice(count: count) { r in
                    switch kind {
                    case .relu: for i in r { let v = g[i]; g[i] = out[i] > 0 ? v : 0 } // load first: a select, not a branch
                    case .leakyrelu: for i in r { g[i] *= out[i] < 0 ? slope : 1 }
                    case .sigmoid: for i in r { g[i] *= out[i] * (1 - out[i]) }
                    case .tanh: for i in r { g[i] *= 1 - out[i] * out[i] }
                    case .softmax: break
                    }
                }
            }
        }
        return dx
    }
}

/// Numerically stable softmax, shared by the softmax layer, the loss and predictions.
public enum Softmax {
    /// Replaces each row of `rows x columns` values by its softmax, in place.
    public static func rows(_ v: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        for r in 0..<rows {
            let row = v + r * columns
            // Subtract the row maximum first: expf overflows above ~88 in Float.
            var m = -Float.infinity
            for j in 0..<columns { m = max(m, row[j]) }
            var sum: Float = 0
            for j in 0..<columns { row[j] = expf(row[j] - m); sum += row[j] }
            let inv = 1 / sum
            for j in 0..<columns { row[j] *= inv }
        }
    }
}

extension Tensor {
    /// Replaces each sample's values by their softmax (a `[n, classes]` batch of logits
    /// becomes class probabilities).
    public mutating func applySoftmax() {
        let (rows, columns) = (batch, sampleSize)
        data.withUnsafeMutableBufferPointer { Softmax.rows($0.baseAddress!, rows: rows, columns: columns) }
    }
}
