import Foundation

/// One small, consistent figure style: margins, type sizes, title block, colour bars.
public enum Style {
    public static let margin = 28.0
    public static let titleSize = 17.0
    public static let labelSize = 12.0
    public static let captionSize = 11.0
    /// Height of the title block (title + subtitle).
    public static let header = 62.0
}

extension Canvas {
    /// The title (bold) and a subtitle line under it, top left. A subtitle too long for
    /// the figure (a file's path) loses its start, not its end: "…/photos/seven.jpg".
    public func title(_ title: String, subtitle: String? = nil) {
        text(title, Style.margin, Style.margin + 10, size: Style.titleSize, bold: true)
        if let s = subtitle {
            text(endFitting(s, width: Double(width) - 2 * Style.margin, size: Style.labelSize),
                 Style.margin, Style.margin + 30, size: Style.labelSize, color: .muted)
        }
    }

    /// `s` as it is when it fits in `width`, else "…" and as much of its end as fits.
    func endFitting(_ s: String, width: Double, size: Double) -> String {
        guard textWidth(s, size: size) > width else { return s }
        var end = Substring(s)
        while !end.isEmpty && textWidth("…" + end, size: size) > width { end = end.dropFirst() }
        return "…" + end
    }

    /// A vertical colour bar with its scale: `low` at the bottom, `high` at the top.
    /// `ticks` (positions 0…1 from the bottom, with labels) replace the default three
    /// evenly spaced values — needed when the bar is not linear.
    public func colorBar(x: Double, y: Double, height: Double, map: ColorMap, low: Float, high: Float,
                         label: String, ticks: [(Double, String)]? = nil) {
        let steps = Int(height)
        for i in 0..<steps {
            let t = Float(i) / Float(max(1, steps - 1))
            let v = map.domain.lowerBound + (map.domain.upperBound - map.domain.lowerBound) * (1 - t)
            rect(x, y + Double(i), 14, 1, map.color(v))
        }
        frame(x, y, 14, height, .muted)
        let marks = ticks ?? [(1.0, formatTick(high)), (0.5, formatTick((low + high) / 2)), (0.0, formatTick(low))]
        for (position, text) in marks {
            let ty = y + (1 - position) * height
            line(x + 14, ty, x + 18, ty, .muted)
            self.text(text, x + 21, ty + 4, size: Style.captionSize, color: .text)
        }
        text(label, x, y + height + 18, size: Style.captionSize, color: .muted) // left-aligned: never over the plot
    }

    /// Axes with ticks and labels for a plot area; returns the value→pixel mappings.
    public func axes(x: Double, y: Double, width: Double, height: Double,
                     xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
                     xLabel: String, yLabel: String, title: String? = nil, xTicks: [(Double, String)]? = nil,
                     yFormat: (Double) -> String = { formatTick(Float($0)) })
        -> (x: (Double) -> Double, y: (Double) -> Double) {
        let mx = { (v: Double) in x + (v - xRange.lowerBound) / max(1e-12, xRange.upperBound - xRange.lowerBound) * width }
        let my = { (v: Double) in y + height - (v - yRange.lowerBound) / max(1e-12, yRange.upperBound - yRange.lowerBound) * height }
        for v in niceTicks(yRange) {
            line(x, my(v), x + width, my(v), .grid)
            text(yFormat(v), x - 6, my(v) + 4, size: Style.captionSize, align: .right, color: .muted)
        }
        let ticks = xTicks ?? niceTicks(xRange).map { ($0, formatTick(Float($0))) }
        for (v, label) in ticks {
            line(mx(v), y + height, mx(v), y + height + 4, .muted)
            text(label, mx(v), y + height + 17, size: Style.captionSize, align: .center, color: .muted)
        }
        frame(x, y, width, height, .muted)
        text(xLabel, x + width / 2, y + height + 34, size: Style.labelSize, align: .center)
        text(yLabel, x - 46, y + height / 2, size: Style.labelSize, align: .center, vertical: true)
        if let t = title { text(t, x, y - 8, size: Style.labelSize + 1, bold: true) }
        return (mx, my)
    }

    /// A legend: coloured swatches with names, in one row.
    public func legend(_ entries: [(String, RGB)], x: Double, y: Double) {
        var cx = x
        for (name, color) in entries {
            rect(cx, y - 9, 14, 10, color)
            text(name, cx + 19, y, size: Style.captionSize)
            cx += 19 + textWidth(name, size: Style.captionSize) + 16
        }
    }
}

/// Short tick labels: 0.5, 12, 1.2k, 3e-4.
public func formatTick(_ v: Float) -> String {
    let a = abs(v)
    if a == 0 { return "0" }
    if a >= 1000 { return String(format: "%.1fk", v / 1000) }
    if a >= 10 { return String(format: "%.0f", v) }
    if a >= 0.01 { return String(format: "%.2f", v) }
    return String(format: "%.0e", v)
}

/// Round tick values inside a range: steps of 1, 2, 2.5 or 5 × 10^k, about 4–6 of them.
public func niceTicks(_ range: ClosedRange<Double>) -> [Double] {
    let step = niceStep(range.upperBound - range.lowerBound)
    guard step > 0, step.isFinite else { return [range.lowerBound] }
    var v = (range.lowerBound / step).rounded(.up) * step
    var ticks = [Double]()
    while v <= range.upperBound + step * 1e-9 { ticks.append(abs(v) < step * 1e-9 ? 0 : v); v += step }
    return ticks
}

/// A step of 1, 2, 2.5 or 5 × 10^k dividing `span` into about four parts.
public func niceStep(_ span: Double) -> Double {
    guard span > 0 else { return 0 }
    let raw = span / 4
    let magnitude = pow(10, (log10(raw)).rounded(.down))
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] where m * magnitude >= raw { return m * magnitude }
    return 10 * magnitude
}

/// `top` raised to the next multiple of a nice step (for axes that start at 0).
public func niceCeiling(_ top: Double) -> Double {
    let step = niceStep(top)
    return step > 0 ? (top / step).rounded(.up) * step : 1
}
