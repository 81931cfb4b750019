/// `render activations LAYER INDEX`: what each channel of a layer sees in one image, on
/// one colour scale for the whole layer. Signed outputs (a conv or dense layer before its
/// activation, batchnorm) use the diverging map centred on zero — white is 0, so one sees
/// which values a following ReLU keeps (red) and cuts (blue); outputs of zero or more
/// (after ReLU, pooled) use viridis from 0.
public enum ActivationsFigure {
    /// `signed`: whether the layer's outputs can be negative (`Network.outputIsSigned`);
    /// nil decides from the values.
    /// `labels`: names for the cells of a flat layer with one value per class (the output
    /// layer): each cell is then drawn large, with its name and its value under it.
    public static func draw(title: String, input: ArraySlice<UInt8>, values: [Float], shape: [Int],
                            signed: Bool? = nil, labels: [String]? = nil) -> Canvas {
        if shape.count == 1, let labels, labels.count == values.count, values.count <= 20 {
            return labelled(title: title, input: input, values: values, labels: labels, signed: signed)
        }
        // A flat layer is shown as a strip of cells, 16 to a row.
        let (channels, h, w) = shape.count == 3 ? (shape[0], shape[1], shape[2]) : (1, (shape[0] + 15) / 16, min(16, shape[0]))
        let scale = signed.map { ValueScale(values: values, signed: $0) } ?? ValueScale(values: values)
        let cell = max(1.0, min(8.0, 84.0 / Double(max(h, w))))
        let tileW = Double(w) * cell, tileH = Double(h) * cell, gap = 8.0
        let perRow = max(1, min(channels, Int(720 / (tileW + gap))))
        let lines = (channels + perRow - 1) / perRow
        let left = Style.margin + 84 + 24
        let width = Int(left + Double(perRow) * (tileW + gap) + 100)
        let height = Int(Style.header + Style.margin + 16 + max(134, Double(lines) * (tileH + gap + 12)))
        let c = Canvas(width: max(width, 620), height: height)
        let what = channels == 1 && shape.count == 1 ? "\(shape[0]) values" : "\(channels) channels of \(h)x\(w)"
        let colours = scale.signed ? "signed: blue below 0, white 0 (a ReLU cuts the blue), red above"
                                   : "values of 0 or more: dark 0 → yellow, the largest"
        c.title(title, subtitle: "\(what), one colour scale for all; \(colours)")
        c.digit(input, x: Style.margin, y: Style.header + 8, cell: 3)
        c.frame(Style.margin, Style.header + 8, 84, 84, .grid)
        c.text("input", Style.margin + 42, Style.header + 106, size: Style.captionSize, align: .center, color: .muted)
        let per = h * w
        for ch in 0..<channels {
            let x = left + Double(ch % perRow) * (tileW + gap)
            let y = Style.header + 8 + Double(ch / perRow) * (tileH + gap + 12)
            let slice = values[(ch * per)..<min(values.count, (ch + 1) * per)]
            c.grid(slice, rows: h, columns: w, x: x, y: y, cell: cell) { scale.color($0) }
            if channels > 1 { c.text("\(ch)", x + tileW / 2, y + tileH + 11, size: Style.captionSize - 1, align: .center, color: .muted) }
        }
        c.colorBar(x: Double(c.width) - 80, y: Style.header + 8, height: 120, map: scale.map, low: scale.low, high: scale.limit,
                   label: "activation")
        return c
    }

    /// One large cell per class, named, with its value: the output layer read as scores.
    static func labelled(title: String, input: ArraySlice<UInt8>, values: [Float], labels: [String], signed: Bool?) -> Canvas {
        let scale = signed.map { ValueScale(values: values, signed: $0) } ?? ValueScale(values: values)
        let cell = 44.0, gap = 10.0, left = Style.margin + 84 + 24
        let width = Int(left + Double(values.count) * (cell + gap) + 100)
        let c = Canvas(width: max(width, 620), height: Int(Style.header + Style.margin + 150))
        let colours = scale.signed ? "blue below 0, white 0, red above" : "dark 0 → yellow, the largest"
        c.title(title, subtitle: "one value per class (\(colours)); the largest is the answer")
        c.digit(input, x: Style.margin, y: Style.header + 8, cell: 3)
        c.frame(Style.margin, Style.header + 8, 84, 84, .grid)
        c.text("input", Style.margin + 42, Style.header + 106, size: Style.captionSize, align: .center, color: .muted)
        let best = values.indices.max { values[$0] < values[$1] } ?? 0
        for (i, v) in values.enumerated() {
            let x = left + Double(i) * (cell + gap), y = Style.header + 8
            c.grid([v][...], rows: 1, columns: 1, x: x, y: y, cell: cell) { scale.color($0) }
            c.frame(x, y, cell, cell, i == best ? .text : .grid, width: i == best ? 2 : 1)
            c.text(labels[i], x + cell / 2, y + cell + 14, size: Style.captionSize, bold: i == best, align: .center)
            c.text(String(format: "%.2f", v), x + cell / 2, y + cell + 28, size: Style.captionSize - 1, align: .center, color: .muted)
        }
        c.colorBar(x: Double(c.width) - 80, y: Style.header + 8, height: 120, map: scale.map, low: scale.low, high: scale.limit,
                   label: "activation")
        return c
    }
}
