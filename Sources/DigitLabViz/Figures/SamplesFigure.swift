/// `render samples`: a grid of digits with their labels.
public enum SamplesFigure {
    public static func draw(title: String, subtitle: String, images: [(pixels: ArraySlice<UInt8>, caption: String)],
                            rows: Int = 28, columns: Int = 28) -> Canvas {
        let perRow = min(10, max(1, images.count))
        let cell = 3.0, tile = Double(columns) * cell, gap = 14.0, captionHeight = 18.0
        let lines = (images.count + perRow - 1) / perRow
        let width = Int(2 * Style.margin + Double(perRow) * (tile + gap) - gap)
        let height = Int(Style.header + 8 + Style.margin + Double(lines) * (tile + captionHeight + gap))
        let c = Canvas(width: max(width, 420), height: height)
        c.title(title, subtitle: subtitle)
        for (i, image) in images.enumerated() {
            let x = Style.margin + Double(i % perRow) * (tile + gap)
            let y = Style.header + 8 + Double(i / perRow) * (tile + captionHeight + gap)
            c.digit(image.pixels, rows: rows, columns: columns, x: x, y: y, cell: cell)
            c.frame(x, y, tile, tile, .grid)
            c.text(image.caption, x + tile / 2, y + tile + 14, size: Style.captionSize, align: .center)
        }
        return c
    }
}
