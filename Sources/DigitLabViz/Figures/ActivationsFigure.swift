/// `render activations LAYER INDEX`: what each channel of a layer sees in one image, on
/// one colour scale for the whole layer. Signed outputs (a conv or dense layer before its
/// activation, batchnorm) use the diverging map centred on zero — white is 0, so one sees
/// which values a following ReLU keeps (red) and cuts (blue); outputs of zero or more
/// (after ReLU, pooled) use viridis from 0.
public enum ActivationsFigure {
    /// `signed`: whether the layer's outputs can be negative (`Network.outputIsSigned`);
    /// nil decides from the values.
    public static func draw(title: String, input: ArraySlice<UInt8>, values: [Float], shape: [Int],
                            signed: Bool? = nil) -> Canvas {
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
}
