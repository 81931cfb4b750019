/// `render saliency INDEX`: which pixels would change the class score most — the
/// gradient of the score with respect to the input.
public enum SaliencyFigure {
    public static func draw(input: ArraySlice<UInt8>, gradient: [Float], className: String, caption: String) -> Canvas {
        let c = Canvas(width: 720, height: 280)
        c.title("Saliency: what makes it a \(className)", subtitle: "\(caption); gradient of the class score with respect to each pixel")
        let cell = 5.0, tile = 140.0, top = Style.header + 26
        let limit = max(1e-12, gradient.map(abs).max() ?? 1)
        let xs = [Style.margin, Style.margin + tile + 70, Style.margin + 2 * (tile + 70)]
        c.digit(input, x: xs[0], y: top, cell: cell)
        c.grid(gradient, rows: 28, columns: 28, x: xs[1], y: top, cell: cell) { ColorMap.diverging.color($0 / limit) }
        c.grid(gradient.map { abs($0) }, rows: 28, columns: 28, x: xs[2], y: top, cell: cell) { ColorMap.viridis.color($0 / limit) }
        for (x, label) in zip(xs, ["input", "gradient (red raises the score)", "|gradient|"]) {
            c.frame(x, top, tile, tile, .grid)
            c.text(label, x + tile / 2, top + tile + 16, size: Style.captionSize, align: .center)
        }
        c.colorBar(x: xs[1] + tile + 8, y: top, height: tile, map: .diverging, low: -limit, high: limit, label: "")
        c.colorBar(x: xs[2] + tile + 8, y: top, height: tile, map: .viridis, low: 0, high: limit, label: "")
        return c
    }
}
