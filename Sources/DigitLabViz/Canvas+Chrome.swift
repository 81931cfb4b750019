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
    /// The title (bold) and a subtitle line under it, top left.
    public func title(_ title: String, subtitle: String? = nil) {
        text(title, Style.margin, Style.margin + 10, size: Style.titleSize, bold: true)
        if let s = subtitle { text(s, Style.margin, Style.margin + 30, size: Style.labelSize, color: .muted) }
    }

    /// A vertical colour bar with its scale: `low` at the bottom, `high` at the top.
    public func colorBar(x: Double, y: Double, height: Double, map: ColorMap, low: Float, high: Float,
                         label: String, format: (Float) -> String = { formatTick($0) }) {
        let steps = Int(height)
        for i in 0..<steps {
            let t = Float(i) / Float(max(1, steps - 1))
            let v = map.domain.lowerBound + (map.domain.upperBound - map.domain.lowerBound) * (1 - t)
            rect(x, y + Double(i), 14, 1, map.color(v))
        }
        frame(x, y, 14, height, .muted)
        for (t, value) in [(0.0, high), (0.5, (low + high) / 2), (1.0, low)] {
            let ty = y + t * height
            line(x + 14, ty, x + 18, ty, .muted)
            text(format(value), x + 21, ty + 4, size: Style.captionSize, color: .text)
        }
        text(label, x + 8, y + height + 18, size: Style.captionSize, align: .center, color: .muted)
    }

    /// Axes with ticks and labels for a plot area; returns the value→pixel mappings.
    public func axes(x: Double, y: Double, width: Double, height: Double,
                     xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
                     xLabel: String, yLabel: String, title: String? = nil, xTicks: [(Double, String)]? = nil,
                     yFormat: (Double) -> String = { formatTick(Float($0)) })
        -> (x: (Double) -> Double, y: (Double) -> Double) {
        let mx = { (v: Double) in x + (v - xRange.lowerBound) / max(1e-12, xRange.upperBound - xRange.lowerBound) * width }
        let my = { (v: Double) in y + height - (v - yRange.lowerBound) / max(1e-12, yRange.upperBound - yRange.lowerBound) * height }
        for i in 0...4 {
            let v = yRange.lowerBound + (yRange.upperBound - yRange.lowerBound) * Double(i) / 4
            line(x, my(v), x + width, my(v), .grid)
            text(yFormat(v), x - 6, my(v) + 4, size: Style.captionSize, align: .right, color: .muted)
        }
        let ticks = xTicks ?? (0...4).map { i in
            let v = xRange.lowerBound + (xRange.upperBound - xRange.lowerBound) * Double(i) / 4
            return (v, formatTick(Float(v)))
        }
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
