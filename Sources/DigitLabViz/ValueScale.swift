import Foundation

/// How a picture colours a set of activations: signed values with the diverging map
/// centred on zero (blue below, white at 0, red above), so one sees which values a ReLU
/// will keep; values of zero or more with viridis from 0 (dark) to the largest (yellow).
/// One scale per layer, so its channels can be compared with each other.
public struct ValueScale: Sendable, Equatable {
    public let signed: Bool
    /// The largest |value| (signed) or the largest value (unsigned); never 0.
    public let limit: Float

    public init(values: some Sequence<Float>, signed: Bool) {
        self.signed = signed
        var top: Float = 0
        for v in values where v.isFinite { top = max(top, signed ? abs(v) : v) }
        limit = max(top, 1e-8)
    }

    /// Signed when any value is negative: for pictures that only have the numbers.
    public init(values: [Float]) {
        self.init(values: values, signed: values.contains { $0 < 0 })
    }

    public var map: ColorMap { signed ? .diverging : .viridis }
    public var low: Float { signed ? -limit : 0 }

    public func color(_ v: Float) -> RGB {
        signed ? ColorMap.diverging.color(v / limit) : ColorMap.viridis.color(v / limit)
    }

    /// `±2.31` or `0–3.40`, for a column header.
    public var range: String { signed ? "±" + formatValue(limit) : "0–" + formatValue(limit) }
    /// What the colours mean, in words.
    public var meaning: String { signed ? "signed: blue < 0 < red" : "≥ 0: dark 0 → yellow max" }
}

/// A value for a cell or a header: 3 significant figures, no exponent unless tiny or huge.
public func formatValue(_ v: Float) -> String {
    let a = abs(v)
    if a == 0 { return "0" }
    if a >= 10_000 || a < 0.001 { return String(format: "%.1e", v) }
    if a >= 100 { return String(format: "%.0f", v) }
    if a >= 10 { return String(format: "%.1f", v) }
    if a >= 1 { return String(format: "%.2f", v) }
    return String(format: "%.3f", v)
}
