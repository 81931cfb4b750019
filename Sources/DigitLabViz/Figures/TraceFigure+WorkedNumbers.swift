import DigitLabCore
import Foundation

/// The trace's worked numbers, drawn under the flow: one value of the first conv map
/// (the input patch times the kernel plus the bias) and one dense unit, with the real
/// numbers — the picture's half of `explain conv` and `explain dense`.
extension TraceFigure {
    static func workedConvHeight(_ w: WorkedConvolution) -> Double {
        let k = Double(min(w.kernel, 7))
        return 56 + k * workedCellHeight(w) + 24
    }

    static func workedCellHeight(_ w: WorkedConvolution) -> Double { w.kernel <= 7 ? 22 : 10 }

    static func drawWorkedConvolution(_ c: Canvas, _ w: WorkedConvolution, d: Data, y: Double, placed: [Block]) {
        let position = "layer \(w.layer), filter \(w.filter), row \(w.row), column \(w.column)"
        c.text("Worked number: \(position) — the strongest response of the first conv layer to this image",
               Style.margin, y + 14, size: Style.labelSize, bold: true)
        let channelNote = w.channels > 1 ? " (input channel 0 of \(w.channels) shown; the sum runs over all)" : ""
        let padNote = w.isPadding.contains(true) ? "; grey cells are padding (0)" : ""
        let source = w.layer == 0 ? "the input" : "the layer's input (the output of layer \(w.layer - 1))"
        c.text("the \(w.kernel)x\(w.kernel) patch of \(source) under the filter, times the filter's weights, added up, plus the bias\(channelNote)\(padNote)",
               Style.margin, y + 30, size: Style.captionSize, color: .muted)
        let k = w.kernel, showNumbers = k <= 7
        let cw = showNumbers ? 42.0 : 10.0, ch = workedCellHeight(w)
        let top = y + 44
        let patch = Array(w.patch.prefix(k * k)), weights = Array(w.weights.prefix(k * k)), products = Array(w.products.prefix(k * k))
        // Pixels in grey ink as in the input picture; another layer's outputs on their own scale.
        let (low, high) = (d.inputValues.min() ?? 0, max((d.inputValues.min() ?? 0) + 1e-6, d.inputValues.max() ?? 1))
        let patchScale = ValueScale(values: patch)
        let patchColor = { (v: Float) -> RGB in w.layer == 0 ? ColorMap.ink.color((v - low) / (high - low)) : patchScale.color(v) }
        let grids: [(String, [Float], (Int, Float) -> RGB)] = [
            (w.layer == 0 ? "input patch" : "patch of layer \(w.layer - 1)", patch, { i, v in w.isPadding[i] ? RGB(233, 236, 239) : patchColor(v) }),
            ("filter \(w.filter)", weights, { _, v in ValueScale(values: weights, signed: true).color(v) }),
            ("products", products, { _, v in ValueScale(values: products, signed: true).color(v) }),
        ]
        var x = Style.margin
        for (g, grid) in grids.enumerated() {
            c.text(grid.0, x, top - 2, size: Style.captionSize, bold: true)
            for i in 0..<(k * k) {
                let cx = x + Double(i % k) * cw, cy = top + 4 + Double(i / k) * ch
                let fill = grid.2(i, grid.1[i])
                c.rect(cx, cy, cw - 1, ch - 1, fill)
                if showNumbers {
                    let dark = 0.2126 * Double(fill.r) + 0.7152 * Double(fill.g) + 0.0722 * Double(fill.b) < 110
                    c.text(String(format: "%.2f", grid.1[i]), cx + cw / 2, cy + ch / 2 + 4, size: 9.5, align: .center,
                           color: dark ? .white : .text)
                }
            }
            x += Double(k) * cw
            if g < 2 {
                c.text(g == 0 ? "×" : "=", x + 14, top + 4 + Double(k) * ch / 2 + 6, size: 18, align: .center)
                x += 28
            }
        }
        // The sum, the bias and the value, then the activation.
        let lx = x + 18, mid = top + 4 + Double(k) * ch / 2
        let sumText = "sum of the \(w.patch.count) products = \(String(format: "%.4f", w.sum))"
        c.text(sumText, lx, mid - 22, size: Style.captionSize)
        c.text("+ bias \(String(format: "%.4f", w.bias))", lx, mid - 6, size: Style.captionSize)
        c.text("= \(String(format: "%.4f", w.value))  (the map holds \(String(format: "%.4f", w.networkValue)))",
               lx, mid + 10, size: Style.captionSize, bold: true, color: highlight)
        if let a = w.activation {
            c.text("\(shortName(.activation(a.kind))) → \(String(format: "%.4f", a.value))\(a.kind == .relu && w.value < 0 ? " (negative: cut to 0)" : "")",
                   lx, mid + 26, size: Style.captionSize)
        }
    }

    /// Whether a dense layer reads the input pixels directly (through flatten only).
    static func readsPixels(_ w: WorkedDense, _ d: Data) -> Bool {
        w.terms.count == d.inputValues.count && d.inputShape.count == 3
            && d.trace.prefix(w.layer).allSatisfy { if case .flatten = $0.spec { return true }; if case .dropout = $0.spec { return true }; return false }
    }

    static func drawWorkedDense(_ c: Canvas, _ w: WorkedDense, d: Data, y: Double) {
        let (shown, rest, restCount) = w.largest(8)
        let layerName = d.trace.indices.contains(w.layer) ? d.trace[w.layer].spec.description : "dense"
        c.text("Worked number: layer \(w.layer) (\(layerName)), unit \(w.unit) — its largest output for this image",
               Style.margin, y + 14, size: Style.labelSize, bold: true)
        c.text("each of its \(w.terms.count) inputs times its weight, added up, plus the bias; the 8 largest terms, then the rest together",
               Style.margin, y + 30, size: Style.captionSize, color: .muted)
        let isPixels = readsPixels(w, d)
        let columns = [Style.margin + 150, Style.margin + 240, Style.margin + 330, Style.margin + 420]
        var ty = y + 52
        for (k, title) in ["input", "its value", "weight", "product"].enumerated() {
            c.text(title, columns[k], ty, size: Style.captionSize, bold: true, align: .right)
        }
        for term in shown {
            ty += 15
            let name = isPixels
                ? "pixel (\(term.input / d.inputShape[2]), \(term.input % d.inputShape[2]))" : "#\(term.input)"
            c.text(name, columns[0], ty, size: Style.captionSize, align: .right)
            c.text(String(format: "%.4f", term.value), columns[1], ty, size: Style.captionSize, align: .right)
            c.text(String(format: "%.4f", term.weight), columns[2], ty, size: Style.captionSize, align: .right)
            c.text(String(format: "%+.4f", term.product), columns[3], ty, size: Style.captionSize, align: .right)
        }
        ty += 15
        c.text("the other \(restCount)", columns[0], ty, size: Style.captionSize, align: .right, color: .muted)
        c.text(String(format: "%+.4f", rest), columns[3], ty, size: Style.captionSize, align: .right, color: .muted)
        ty += 15
        c.text("bias", columns[0], ty, size: Style.captionSize, align: .right)
        c.text(String(format: "%+.4f", w.bias), columns[3], ty, size: Style.captionSize, align: .right)
        c.line(columns[2] + 10, ty + 5, columns[3], ty + 5, .muted)
        ty += 18
        c.text("= \(String(format: "%.4f", w.value))", columns[3], ty, size: Style.captionSize, bold: true, align: .right, color: highlight)
        c.text("(the network: \(String(format: "%.4f", w.networkValue)))", columns[3] + 10, ty, size: Style.captionSize, color: .muted)
        if let a = w.activation {
            c.text("\(shortName(.activation(a.kind))) → \(String(format: "%.4f", a.value))", columns[3] + 10, ty + 16, size: Style.captionSize)
        }
    }
}
