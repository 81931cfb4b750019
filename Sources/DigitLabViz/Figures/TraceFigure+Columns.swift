import DigitLabCore
import Foundation

/// The trace's flow, column by column: each layer's maps or vector with its header, a
/// conv layer's filters beside the maps they make, and the colour legend.
extension TraceFigure {
    static func drawColumn(_ c: Canvas, _ column: Column, block: Block, d: Data, top: Double, bandHeight: Double,
                           highlightLayer: Int?) {
        let x = column.x
        for (k, line) in column.header.enumerated() {
            c.text(line, x, top + 14 + Double(k) * 13, size: Style.captionSize - 1, color: k == 0 ? .text : .muted)
        }
        let y0 = top + headerHeight
        switch column.kind {
        case .input:
            let (h, w) = d.inputShape.count == 3 ? (d.inputShape[1], d.inputShape[2]) : (28, 28)
            let cell = max(1, (84 / Double(max(h, w))).rounded(.down))
            c.digit(d.pixels, rows: h, columns: w, x: x, y: y0, cell: cell)
            c.frame(x, y0, Double(w) * cell, Double(h) * cell, .grid)
            if let conv = d.convolution, conv.layer == firstConvFedByInput(d) {
                // The patch of the worked number, clipped to the picture.
                let r0 = max(0, conv.inputRow), c0 = max(0, conv.inputColumn)
                let r1 = min(h, conv.inputRow + conv.kernel), c1 = min(w, conv.inputColumn + conv.kernel)
                if r1 > r0, c1 > c0 {
                    c.frame(x + Double(c0) * cell - 1, y0 + Double(r0) * cell - 1, Double(c1 - c0) * cell + 2,
                            Double(r1 - r0) * cell + 2, highlight, width: 2)
                }
            }
            if let dense = d.dense, readsPixels(dense, d) {
                for term in dense.largest(8).shown {
                    c.frame(x + Double(term.input % w) * cell - 1, y0 + Double(term.input / w) * cell - 1, cell + 2, cell + 2, highlight, width: 1.5)
                }
            }
            c.text("the network sees", x, y0 + Double(h) * cell + 16, size: Style.captionSize - 1, color: .muted)
            c.text("standardised pixels", x, y0 + Double(h) * cell + 29, size: Style.captionSize - 1, color: .muted)
        case .filters(let layer):
            let t = d.trace[layer]
            guard case let .conv(_, k, _, _) = t.spec, let w = d.convWeights[layer] else { return }
            let channels = t.inputShape[0]
            let scale = ValueScale(values: w, signed: true)
            for (r, f) in block.rows.enumerated() {
                let y = y0 + Double(r) * (tile + rowGap)
                drawKernel(c, weights: w, filter: f, channels: channels, kernel: k, x: x, y: y, scale: scale)
                c.text("\(f)", x - 4, y + tile / 2 + 4, size: Style.captionSize - 1, align: .right, color: .muted)
                if highlightLayer == layer, d.convolution?.filter == f { c.frame(x - 2, y - 2, tile + 4, tile + 4, highlight, width: 2) }
            }
        case .maps(let t):
            let signed = d.trace.isSigned(at: t.index, input: d.inputValues)
            let (channels, h, w) = (t.shape[0], t.shape[1], t.shape[2])
            let per = h * w
            let scale = ValueScale(values: t.values, signed: signed)
            let cell = max(1, (tile / Double(max(h, w))).rounded(.down))
            for (r, ch) in block.rows.enumerated() where ch < channels {
                let y = y0 + Double(r) * (tile + rowGap)
                c.grid(t.values[(ch * per)..<((ch + 1) * per)], rows: h, columns: w, x: x, y: y, cell: cell) { scale.color($0) }
                c.frame(x, y, Double(w) * cell, Double(h) * cell, .grid)
                if let conv = d.convolution, conv.layer == t.index, conv.filter == ch {
                    c.frame(x + Double(conv.column) * cell - 2, y + Double(conv.row) * cell - 2, cell + 4, cell + 4, highlight, width: 2)
                }
            }
        case .vector(let t):
            let signed = d.trace.isSigned(at: t.index, input: d.inputValues)
            let scale = ValueScale(values: t.values, signed: signed)
            let n = t.values.count
            // The input flattened: the same pixels, so the same grey ink as the input picture.
            let pixels = isInputFlattened(t, d)
            let low = d.inputValues.min() ?? 0, high = max(low + 1e-6, d.inputValues.max() ?? 1)
            let color = { (v: Float) -> RGB in pixels ? ColorMap.ink.color((v - low) / (high - low)) : scale.color(v) }
            let isLogits = d.trace.logits?.layer == t.index && n == d.classNames.count
            if n <= 16 {
                // Few values: one cell each, with its number (the logits, with class names).
                let h = min(24, (bandHeight + rowGap) / Double(n))
                for (k, v) in t.values.enumerated() {
                    let y = y0 + Double(k) * h
                    c.rect(x, y, 16, h - 2, scale.color(v))
                    let label = (isLogits ? d.name(k) + ": " : "") + formatValue(v)
                    c.text(label, x + 20, y + h / 2 + 3, size: Style.captionSize - 2, color: .text)
                }
            } else {
                let (cell, columns) = vectorGrid(n, height: bandHeight)
                c.grid(t.values, rows: (n + columns - 1) / columns, columns: columns, x: x, y: y0, cell: cell) { color($0) }
                c.frame(x, y0, Double(columns) * cell, Double((n + columns - 1) / columns) * cell, .grid)
                if let dense = d.dense, dense.layer == t.index || (dense.layer + 1 == t.index && !isLinear(t.spec)) {
                    let u = dense.unit
                    c.frame(x + Double(u % columns) * cell - 2, y0 + Double(u / columns) * cell - 2, cell + 4, cell + 4, highlight, width: 2)
                }
                if case .flatten = t.spec {
                    let rows = Double((n + columns - 1) / columns) * cell
                    c.text("read row", x, y0 + rows + 14, size: Style.captionSize - 1, color: .muted)
                    c.text("by row", x, y0 + rows + 27, size: Style.captionSize - 1, color: .muted)
                }
            }
        case .probabilities:
            let answer = classesByProbability(d.probabilities).first ?? 0
            let n = d.probabilities.count
            let h = min(24, (bandHeight + rowGap) / Double(max(1, n)))
            let barWidth = column.width - 70
            for (k, p) in d.probabilities.enumerated() {
                let y = y0 + Double(k) * h
                c.text(d.name(k), x + 24, y + h / 2 + 3, size: Style.captionSize - 1, align: .right,
                       color: k == d.truth ? .good : .text)
                c.rect(x + 28, y + 2, barWidth, h - 6, RGB(241, 243, 245))
                let color: RGB = k == answer ? (d.truth == nil || k == d.truth ? .good : .bad) : ColorMap.viridis.color(0.35)
                c.rect(x + 28, y + 2, barWidth * Double(max(0, min(1, p))), h - 6, color)
                c.text(String(format: p >= 0.001 ? "%.1f%%" : "%.0e", p >= 0.001 ? Double(p) * 100 : Double(p)),
                       x + 32 + barWidth, y + h / 2 + 3, size: Style.captionSize - 2, color: .muted)
            }
            if let truth = d.truth {
                c.text("green name: the true label \(d.name(truth))", x, y0 + Double(n) * h + 12,
                       size: Style.captionSize - 1, color: .muted)
            }
        }
    }

    /// Whether a layer's output is the input pixels, only flattened.
    static func isInputFlattened(_ t: LayerTrace, _ d: Data) -> Bool {
        d.trace.prefix(t.index + 1).allSatisfy { if case .flatten = $0.spec { return true }; if case .dropout = $0.spec { return true }; return false }
    }

    /// The layer that reads the input directly, when it is a conv (for marking its patch).
    static func firstConvFedByInput(_ d: Data) -> Int? {
        d.trace.first.flatMap { isConv($0) ? $0.index : nil }
    }

    /// The two header lines of a column: what it shows, then its size and scale.
    static func header(_ column: Column, _ d: Data) -> [String] {
        switch column.kind {
        case .input:
            let (low, high) = (d.inputValues.min() ?? 0, d.inputValues.max() ?? 0)
            return [describeShape(d.inputShape), "\(formatValue(low)) (paper) to \(formatValue(high))"]
        case .filters(let layer):
            let w = d.convWeights[layer] ?? []
            guard case let .conv(f, k, _, _) = d.trace[layer].spec else { return [] }
            let channels = d.trace[layer].inputShape[0]
            return ["\(f) filters \(k)x\(k)" + (channels > 1 ? "x\(channels)" : ""), "weights " + ValueScale(values: w, signed: true).range]
        case .maps(let t):
            let scale = ValueScale(values: t.values, signed: d.trace.isSigned(at: t.index, input: d.inputValues))
            return [columnName(t, d), "\(t.shape[1])x\(t.shape[2]) · \(scale.range)"]
        case .vector(let t):
            let scale = ValueScale(values: t.values, signed: d.trace.isSigned(at: t.index, input: d.inputValues))
            let isLogits = d.trace.logits?.layer == t.index
            if isInputFlattened(t, d) { return ["flattened pixels", "\(t.values.count) values"] }
            return [isLogits ? "scores (logits)" : columnName(t, d), "\(t.values.count) · \(scale.range)"]
        case .probabilities: return ["softmax of the scores", ""]
        }
    }

    static func columnName(_ t: LayerTrace, _ d: Data) -> String {
        switch t.spec {
        case .conv, .dense: return nextIsActivation(t, d) ? "before \(nextActivationName(t, d))" : "output"
        case .activation: return "after " + shortName(t.spec)
        case .maxpool, .avgpool: return shortName(t.spec).replacingOccurrences(of: "-pool", with: "-pooled")
        case .flatten: return "flattened"
        default: return shortName(t.spec)
        }
    }

    static func nextIsActivation(_ t: LayerTrace, _ d: Data) -> Bool {
        guard t.index + 1 < d.trace.count, case .activation(let a) = d.trace[t.index + 1].spec else { return false }
        return a != .softmax
    }

    static func nextActivationName(_ t: LayerTrace, _ d: Data) -> String { shortName(d.trace[t.index + 1].spec) }

    /// A filter beside its maps: one k×k kernel, or its input channels' kernels in a small grid.
    static func drawKernel(_ c: Canvas, weights: [Float], filter f: Int, channels: Int, kernel k: Int,
                           x: Double, y: Double, scale: ValueScale) {
        let shown = min(channels, 64)
        let perRow = Int(Double(shown).squareRoot().rounded(.up))
        let slot = (tile - Double(perRow - 1) * 2) / Double(perRow)
        let cell = max(1, (slot / Double(k)).rounded(.down))
        for ch in 0..<shown {
            let start = (f * channels + ch) * k * k
            let sx = x + Double(ch % perRow) * (Double(k) * cell + 2), sy = y + Double(ch / perRow) * (Double(k) * cell + 2)
            c.grid(weights[start..<(start + k * k)], rows: k, columns: k, x: sx, y: sy, cell: cell) { scale.color($0) }
        }
        if channels == 1 { c.frame(x, y, Double(k) * cell, Double(k) * cell, .grid) }
    }

    static func legend(_ c: Canvas, y: Double) {
        let rows: [(ColorMap, String)] = [
            (.diverging, "signed values (a layer before its activation): blue below 0, white 0, red above"),
            (.viridis, "values of 0 or more (after ReLU, pooled): dark 0 → yellow, the column's largest"),
        ]
        for (k, row) in rows.enumerated() {
            let ly = y + Double(k) * 17
            for step in 0..<40 {
                let t = Float(step) / 39
                c.rect(Style.margin + Double(step) * 3, ly - 10, 3, 12, row.0.color(row.0 == .diverging ? 2 * t - 1 : t))
            }
            c.text(row.1, Style.margin + 128, ly, size: Style.captionSize - 1)
        }
        c.text("Each column has its own scale, printed above it. Orange marks the worked number below.",
               Style.margin, y + 36, size: Style.captionSize - 1, color: .muted)
    }
}
