/// `render filters LAYER`: what a layer looks for. Weights in a diverging map symmetric
/// around zero (blue negative, red positive), with the scale shown.
public enum FiltersFigure {
    /// Conv weights `[filters, channels, k, k]`: one row per filter, one kernel per input channel.
    public static func conv(title: String, weights: [Float], filters: Int, channels: Int, kernel: Int) -> Canvas {
        let limit = max(1e-8, weights.map(abs).max() ?? 1)
        let cell = max(3.0, min(14.0, 56.0 / Double(kernel)))
        let tile = Double(kernel) * cell, gap = channels > 1 ? 4.0 : 10.0
        // One input channel: filters side by side; several: a filters x channels table.
        let perRow = channels == 1 ? min(filters, 16) : channels
        let rowsCount = channels == 1 ? (filters + perRow - 1) / perRow : filters
        let labelWidth = channels == 1 ? 0.0 : 34.0
        let gridWidth = labelWidth + Double(perRow) * (tile + gap)
        let width = Int(2 * Style.margin + gridWidth + 90)
        let height = Int(Style.header + Style.margin + 20 + Double(rowsCount) * (tile + gap + (channels == 1 ? 14 : 0)))
        let c = Canvas(width: max(width, 460), height: max(height, 260))
        c.title(title, subtitle: "\(filters) filters of \(kernel)x\(kernel) over \(channels) input channel\(channels == 1 ? "" : "s"); red adds, blue subtracts")
        if channels > 1 {
            for ch in 0..<channels {
                c.text("in \(ch)", Style.margin + labelWidth + Double(ch) * (tile + gap) + tile / 2, Style.header + 2,
                       size: Style.captionSize - 1, align: .center, color: .muted)
            }
        }
        for f in 0..<filters {
            for ch in 0..<channels {
                let slot = channels == 1 ? f : ch
                let row = channels == 1 ? f / perRow : f
                let x = Style.margin + labelWidth + Double(slot % perRow) * (tile + gap)
                let y = Style.header + 8 + Double(row) * (tile + gap + (channels == 1 ? 14 : 0))
                let start = (f * channels + ch) * kernel * kernel
                c.grid(weights[start..<(start + kernel * kernel)], rows: kernel, columns: kernel, x: x, y: y, cell: cell) {
                    ColorMap.diverging.color($0 / limit)
                }
                if channels == 1 { c.text("\(f)", x + tile / 2, y + tile + 12, size: Style.captionSize, align: .center, color: .muted) }
            }
            if channels > 1 {
                c.text("\(f)", Style.margin + labelWidth - 8, Style.header + 8 + Double(f) * (tile + gap) + tile / 2 + 4,
                       size: Style.captionSize, align: .right, color: .muted)
            }
        }
        c.colorBar(x: Double(c.width) - Style.margin - 60, y: Style.header + 10, height: 160, map: .diverging,
                   low: -limit, high: limit, label: "weight")
        return c
    }

    /// A first dense layer `[units, 784]`: each unit's weights as a 28x28 tile.
    public static func dense(title: String, weights: [Float], units: Int, rows: Int = 28, columns: Int = 28) -> Canvas {
        let limit = max(1e-8, weights.map(abs).max() ?? 1)
        let shown = min(units, 256)
        let perRow = min(16, shown)
        let cell = 2.0, tile = Double(columns) * cell, gap = 6.0
        let lines = (shown + perRow - 1) / perRow
        let width = Int(2 * Style.margin + Double(perRow) * (tile + gap) + 90)
        let height = Int(Style.header + Style.margin + 10 + Double(lines) * (tile + gap))
        let c = Canvas(width: max(width, 460), height: max(height, 260))
        let note = shown < units ? " (first \(shown) shown)" : ""
        c.title(title, subtitle: "each unit's \(rows * columns) input weights as a \(rows)x\(columns) picture\(note); red adds, blue subtracts")
        for u in 0..<shown {
            let x = Style.margin + Double(u % perRow) * (tile + gap)
            let y = Style.header + 8 + Double(u / perRow) * (tile + gap)
            let start = u * rows * columns
            c.grid(weights[start..<(start + rows * columns)], rows: rows, columns: columns, x: x, y: y, cell: cell) {
                ColorMap.diverging.color($0 / limit)
            }
        }
        c.colorBar(x: Double(c.width) - Style.margin - 60, y: Style.header + 10, height: 160, map: .diverging,
                   low: -limit, high: limit, label: "weight")
        return c
    }
}
