/// `render saliency INDEX`: which pixels would change the class score most — the
/// gradient of the score with respect to the input — with the digit's outline drawn over
/// both gradient panels, so one sees whether the network looks at the strokes, at their
/// edges, or at the empty paper around them.
public enum SaliencyFigure {
    /// Ink level of the outline: half way between paper and full ink.
    static let outlineLevel: Float = 128

    public static func draw(input: ArraySlice<UInt8>, gradient: [Float], className: String, caption: String,
                            rows: Int = 28, columns: Int = 28) -> Canvas {
        let c = Canvas(width: 720, height: 300)
        c.title("Saliency: what makes it a \(className)", subtitle: "\(caption); gradient of the class score with respect to each pixel")
        let cell = 140.0 / Double(max(rows, columns)), tile = 140.0, top = Style.header + 26
        let limit = max(1e-12, gradient.map(abs).max() ?? 1)
        let xs = [Style.margin, Style.margin + tile + 70, Style.margin + 2 * (tile + 70)]
        c.digit(input, rows: rows, columns: columns, x: xs[0], y: top, cell: cell)
        c.grid(gradient, rows: rows, columns: columns, x: xs[1], y: top, cell: cell) { ColorMap.diverging.color($0 / limit) }
        c.grid(gradient.map { abs($0) }, rows: rows, columns: columns, x: xs[2], y: top, cell: cell) { ColorMap.viridis.color($0 / limit) }
        // The digit's outline: dark on the white-centred map, light on viridis's dark end.
        let outline = contourSegments(input.map(Float.init), rows: rows, columns: columns, level: outlineLevel)
        for (x, color) in [(xs[1], RGB(40, 40, 40)), (xs[2], RGB(235, 235, 235))] {
            c.segments(outline.map { (x + $0.0 * cell, top + $0.1 * cell, x + $0.2 * cell, top + $0.3 * cell) }, color, width: 1.3)
        }
        for (x, label) in zip(xs, ["input", "gradient (red raises the score)", "|gradient|"]) {
            c.frame(x, top, tile, tile, .grid)
            c.text(label, x + tile / 2, top + tile + 16, size: Style.captionSize, align: .center)
        }
        c.text("line: the digit's outline (half ink)", xs[1], top + tile + 32, size: Style.captionSize - 1, color: .muted)
        c.colorBar(x: xs[1] + tile + 8, y: top, height: tile, map: .diverging, low: -limit, high: limit, label: "")
        c.colorBar(x: xs[2] + tile + 8, y: top, height: tile, map: .viridis, low: 0, high: limit, label: "")
        return c
    }
}
