import Glibc

/// One number of a prediction worked out by hand, with the real values: what
/// `explain conv`, `explain dense` and `explain softmax` print and `render trace` draws.
/// Each is computed here from the plain numbers (inputs, weights, bias) and carries the
/// value the network computed, so a test — and a learner — can check they agree.

/// One value of a convolution's output map: the K×K patch of its input under the
/// kernel, times the kernel, summed, plus the bias.
public struct WorkedConvolution: Sendable, Equatable {
    /// The conv layer's number (as `net summary` counts) and the filter.
    public let layer: Int
    public let filter: Int
    /// Position in the output map.
    public let row: Int, column: Int
    /// Top-left corner of the patch in the input, before padding (negative inside the padding).
    public let inputRow: Int, inputColumn: Int
    public let channels: Int, kernel: Int
    /// `[channels, kernel, kernel]`: the input values under the kernel, 0 in the padding.
    public let patch: [Float]
    /// Which entries of `patch` are zero padding rather than input.
    public let isPadding: [Bool]
    /// `[channels, kernel, kernel]`: the filter's weights.
    public let weights: [Float]
    public let bias: Float
    /// Σ patch × weights, accumulated in Double.
    public let sum: Double
    /// The map's value as the network computed it (sgemm in Float).
    public let networkValue: Float
    /// The layer after the conv, when it is an activation, and its output here.
    public let activation: (kind: Activation, value: Float)?

    /// `sum + bias`: the value the arithmetic gives.
    public var value: Double { sum + Double(bias) }
    /// patch × weights, entry by entry.
    public var products: [Float] { zip(patch, weights).map { $0 * $1 } }

    /// Works out output `(row, column)` of `filter` for an input of shape `[C, H, W]` and
    /// weights `[F, C, K, K]`.
    public init(layer: Int, input: [Float], inputShape: [Int], weights allWeights: [Float], biases: [Float],
                kernel k: Int, stride: Int, padding: Int, filter: Int, row: Int, column: Int,
                networkValue: Float, activation: (kind: Activation, value: Float)? = nil) {
        let (c, h, w) = (inputShape[0], inputShape[1], inputShape[2])
        self.layer = layer; self.filter = filter; self.row = row; self.column = column
        self.channels = c; self.kernel = k
        inputRow = row * stride - padding
        inputColumn = column * stride - padding
        var patch = [Float](), pad = [Bool]()
        for ch in 0..<c {
            for ky in 0..<k {
                for kx in 0..<k {
                    let (y, x) = (inputRow + ky, inputColumn + kx)
                    let inside = y >= 0 && y < h && x >= 0 && x < w
                    patch.append(inside ? input[(ch * h + y) * w + x] : 0)
                    pad.append(!inside)
                }
            }
        }
        let start = filter * c * k * k
        self.patch = patch
        self.isPadding = pad
        self.weights = Array(allWeights[start..<(start + c * k * k)])
        self.bias = biases[filter]
        self.sum = zip(patch, self.weights).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        self.networkValue = networkValue
        self.activation = activation
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.layer == b.layer && a.filter == b.filter && a.row == b.row && a.column == b.column
            && a.patch == b.patch && a.weights == b.weights && a.bias == b.bias && a.networkValue == b.networkValue
            && a.activation?.kind == b.activation?.kind && a.activation?.value == b.activation?.value
    }
}

/// One unit of a dense layer: Σ inputᵢ × weightᵢ + bias.
public struct WorkedDense: Sendable, Equatable {
    public struct Term: Sendable, Equatable {
        public let input: Int
        public let value: Float, weight: Float
        public var product: Float { value * weight }
    }
    public let layer: Int
    public let unit: Int
    /// Every input's term, largest |product| first (ties: lower input first).
    public let terms: [Term]
    public let bias: Float
    public let sum: Double
    public let networkValue: Float
    public let activation: (kind: Activation, value: Float)?

    public var value: Double { sum + Double(bias) }

    /// The `n` largest terms and the sum and count of the rest.
    public func largest(_ n: Int) -> (shown: [Term], restSum: Double, restCount: Int) {
        let shown = Array(terms.prefix(n))
        let rest = terms.dropFirst(n)
        return (shown, rest.reduce(0.0) { $0 + Double($1.value) * Double($1.weight) }, rest.count)
    }

    /// Works out `unit` of a dense layer with weights `[units, inputs]`.
    public init(layer: Int, input: [Float], weights: [Float], biases: [Float], unit: Int,
                networkValue: Float, activation: (kind: Activation, value: Float)? = nil) {
        let n = input.count
        self.layer = layer; self.unit = unit
        let row = weights[(unit * n)..<((unit + 1) * n)]
        let all = zip(input, row).enumerated().map { Term(input: $0.offset, value: $0.element.0, weight: $0.element.1) }
        terms = all.sorted { abs($0.product) != abs($1.product) ? abs($0.product) > abs($1.product) : $0.input < $1.input }
        bias = biases[unit]
        sum = all.reduce(0.0) { $0 + Double($1.value) * Double($1.weight) }
        self.networkValue = networkValue
        self.activation = activation
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.layer == b.layer && a.unit == b.unit && a.terms == b.terms && a.bias == b.bias
            && a.networkValue == b.networkValue && a.activation?.value == b.activation?.value
    }
}

/// Logits to probabilities: pₖ = exp(zₖ) / Σⱼ exp(zⱼ), computed as exp(zₖ − max z) so
/// that no exponential overflows (the result is the same: the factor exp(−max) cancels).
public struct WorkedSoftmax: Sendable, Equatable {
    public let logits: [Float]
    public let maxLogit: Float
    /// exp(zₖ − max z), in Double.
    public let shiftedExponentials: [Double]
    public let sum: Double
    public let probabilities: [Double]
    /// The layer whose output the logits are.
    public let layer: Int

    public init(logits: [Float], layer: Int) {
        self.logits = logits
        self.layer = layer
        let top = logits.max() ?? 0
        let e = logits.map { exp(Double($0 - top)) }
        let total = e.reduce(0, +)
        maxLogit = top
        shiftedExponentials = e
        sum = total
        probabilities = e.map { $0 / total }
    }

    /// exp(zₖ) itself when it fits in a Double (logits below ~709), else nil.
    public var exponentials: [Double]? {
        let e = logits.map { exp(Double($0)) }
        return e.allSatisfy(\.isFinite) ? e : nil
    }
}

extension Network {
    /// The strongest response of the first conv layer for a traced image: the largest
    /// value in any of its maps (before the activation), worked out. Nil when the network
    /// has no conv layer. `input` is the image the trace ran on (`[C·H·W]` values).
    public func workedConvolution(_ trace: [LayerTrace], input: [Float]) -> WorkedConvolution? {
        guard let i = trace.firstIndex(where: { if case .conv = $0.spec { return true } else { return false } }),
              case let .conv(_, kernel, stride, padding) = trace[i].spec,
              let best = firstLargest(trace[i].values)
        else { return nil }
        let shape = trace[i].shape
        let pixels = shape[1] * shape[2]
        return workedConvolution(trace, input: input, layer: i, filter: best / pixels,
                                 row: best % pixels / shape[2], column: best % shape[2], kernel: kernel,
                                 stride: stride, padding: padding)
    }

    private func workedConvolution(_ trace: [LayerTrace], input: [Float], layer i: Int, filter: Int, row: Int, column: Int,
                                   kernel: Int, stride: Int, padding: LayerSpec.Padding) -> WorkedConvolution {
        let p: Int = switch padding { case .fixed(let n): n; case .same: kernel / 2 }
        let params = layers[i].parameters
        let shape = trace[i].shape
        let at = (filter * shape[1] + row) * shape[2] + column
        return WorkedConvolution(layer: i, input: i == 0 ? input : trace[i - 1].values, inputShape: trace[i].inputShape,
                                 weights: params[0].value, biases: params[1].value, kernel: kernel, stride: stride,
                                 padding: p, filter: filter, row: row, column: column,
                                 networkValue: trace[i].values[at], activation: activationAfter(trace, i, at))
    }

    /// One unit of a dense layer worked out: `layer` (default: the first dense layer)
    /// and `unit` (default: its largest output, which for the last layer is the answer).
    /// Nil when there is no such dense layer or unit.
    public func workedDense(_ trace: [LayerTrace], input: [Float], layer: Int? = nil, unit: Int? = nil) -> WorkedDense? {
        let isDense = { (t: LayerTrace) -> Bool in if case .dense = t.spec { return true } else { return false } }
        guard let i = layer ?? trace.firstIndex(where: isDense), trace.indices.contains(i), isDense(trace[i]) else { return nil }
        let out = trace[i].values
        guard let u = unit ?? firstLargest(out), out.indices.contains(u) else { return nil }
        let params = layers[i].parameters
        return WorkedDense(layer: i, input: i == 0 ? input : trace[i - 1].values, weights: params[0].value,
                           biases: params[1].value, unit: u, networkValue: out[u], activation: activationAfter(trace, i, u))
    }

    /// The logits of a traced image turned into probabilities, step by step.
    public func workedSoftmax(_ trace: [LayerTrace]) -> WorkedSoftmax? {
        trace.logits.map { WorkedSoftmax(logits: $0.values, layer: $0.layer) }
    }

    /// Index of the largest value (the first of equals), nil when empty.
    private func firstLargest(_ v: [Float]) -> Int? {
        guard var best = v.indices.first else { return nil }
        for i in v.indices where v[i] > v[best] { best = i }
        return best
    }

    private func activationAfter(_ trace: [LayerTrace], _ i: Int, _ at: Int) -> (kind: Activation, value: Float)? {
        guard i + 1 < trace.count, case .activation(let a) = trace[i + 1].spec, a != .softmax else { return nil }
        return (a, trace[i + 1].values[at])
    }
}
