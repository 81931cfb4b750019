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

    /// A first dense layer `[units, 784]`: each unit's weights as a 28x28 tile, sorted by
    /// their norm (largest first, the unit's number under its tile), with the noise-like
    /// units framed: those whose weights are still about as rough as random ones — they
    /// learned little (see `unitStatistics`).
    public static func dense(title: String, weights: [Float], units: Int, rows: Int = 28, columns: Int = 28) -> Canvas {
        let limit = max(1e-8, weights.map(abs).max() ?? 1)
        let stats = unitStatistics(weights, units: units, rows: rows, columns: columns)
        let order = (0..<units).sorted { stats[$0].norm != stats[$1].norm ? stats[$0].norm > stats[$1].norm : $0 < $1 }
        let shown = min(units, 256)
        let perRow = min(16, shown)
        let cell = 2.0, tile = Double(columns) * cell, gap = 8.0, caption = 12.0
        let lines = (shown + perRow - 1) / perRow
        let width = Int(2 * Style.margin + Double(perRow) * (tile + gap) + 90)
        let height = Int(Style.header + Style.margin + 34 + Double(lines) * (tile + gap + caption))
        let c = Canvas(width: max(width, 640), height: max(height, 280))
        let note = shown < units ? " (the \(shown) largest shown)" : ""
        let noisy = stats.filter(\.noiseLike).count
        c.title(title, subtitle: "each unit's \(rows * columns) input weights as a \(rows)x\(columns) picture, largest norm first\(note); red adds, blue subtracts")
        for (slot, u) in order.prefix(shown).enumerated() {
            let x = Style.margin + Double(slot % perRow) * (tile + gap)
            let y = Style.header + 8 + Double(slot / perRow) * (tile + gap + caption)
            let start = u * rows * columns
            c.grid(weights[start..<(start + rows * columns)], rows: rows, columns: columns, x: x, y: y, cell: cell) {
                ColorMap.diverging.color($0 / limit)
            }
            if stats[u].noiseLike { c.frame(x - 2, y - 2, tile + 4, tile + 4, .bad, width: 2) }
            c.text("\(u)", x + tile / 2, y + tile + 10, size: Style.captionSize - 2, align: .center,
                   color: stats[u].noiseLike ? .bad : .muted)
        }
        let footY = Style.header + 8 + Double(lines) * (tile + gap + caption) + 14
        c.text(noisy == 0 ? "No unit looks like noise: every one has learned a smooth pattern."
                          : "Red frame: \(noisy) noise-like unit\(noisy == 1 ? "" : "s") — weights about as rough as random ones, so little learned (more training or fewer units).",
               Style.margin, footY, size: Style.captionSize - 1, color: noisy == 0 ? .muted : .bad)
        c.colorBar(x: Double(c.width) - Style.margin - 60, y: Style.header + 10, height: 160, map: .diverging,
                   low: -limit, high: limit, label: "weight")
        return c
    }

    /// Per unit: the norm of its weights and their roughness — the mean squared difference
    /// between neighbouring pixels over twice the variance. Independent random weights
    /// give about 1 (neighbours are unrelated: E[(a − b)²] = 2σ²); a smooth stroke
    /// detector much less. A unit is noise-like above 0.9: measured on the mlp preset after
    /// one epoch, 0.50–1.04 (median 0.71); its random starts, 0.96–1.04.
    public static func unitStatistics(_ weights: [Float], units: Int, rows: Int, columns: Int)
        -> [(norm: Float, roughness: Float, noiseLike: Bool)] {
        (0..<units).map { u in
            let w = weights[(u * rows * columns)..<((u + 1) * rows * columns)].map(Double.init)
            let mean = w.reduce(0, +) / Double(w.count)
            var squares = 0.0, norm = 0.0, differences = 0.0, pairs = 0
            for (i, v) in w.enumerated() {
                squares += (v - mean) * (v - mean)
                norm += v * v
                let (r, c) = (i / columns, i % columns)
                if c + 1 < columns { differences += (w[i + 1] - v) * (w[i + 1] - v); pairs += 1 }
                if r + 1 < rows { differences += (w[i + columns] - v) * (w[i + columns] - v); pairs += 1 }
            }
            let variance = squares / Double(w.count)
            let roughness = variance > 0 ? differences / Double(max(1, pairs)) / (2 * variance) : 0
            return (Float(norm.squareRoot()), Float(roughness), roughness > 0.9)
        }
    }
}
