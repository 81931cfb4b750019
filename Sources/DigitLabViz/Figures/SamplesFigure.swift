import DigitLabCore

/// `render samples`: a grid of digits with their labels; `render samples --augmented`:
/// each digit above a few of the random variants training would show the network.
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

    /// One column per digit: the original on top, then `variants` as augmentation made
    /// them (the caller draws them with its own seeded generator, so looking changes no
    /// training). The subtitle names the augmentation in force: "augmented: shift 2 rotate 10".
    /// A faint cross marks each tile's centre, so shifts show. `notADigit[k][v]` marks a
    /// variant that `augment outliers` replaced by something that is not one digit (it
    /// is trained towards every class alike, not towards the column's label): such tiles
    /// get a red frame and a legend says so.
    public static func augmented(title: String, augmentation: Augmentation,
                                 images: [(original: ArraySlice<UInt8>, variants: [[UInt8]], caption: String)],
                                 notADigit: [[Bool]] = [],
                                 rows: Int = 28, columns: Int = 28) -> Canvas {
        let shown = Array(images.prefix(12))
        let variants = shown.map(\.variants.count).max() ?? 0
        let anyOutlier = notADigit.joined().contains(true)
        let cell = 2.5, tile = Double(columns) * cell, gap = 12.0, left = Style.margin + 86
        let width = Int(left + Double(shown.count) * (tile + gap) + Style.margin)
        let top = Style.header + 26
        let legend = anyOutlier ? 18.0 : 0
        let height = Int(top + Double(variants) * (tile + gap) + 8 + tile + legend + Style.margin)
        let c = Canvas(width: max(width, 640), height: height)
        c.title(title, subtitle: "augmented: \(describe(augmentation)) — new random changes each time an image comes round (once per epoch); evaluation sees the originals")
        for (k, image) in shown.enumerated() {
            let x = left + Double(k) * (tile + gap)
            c.text(image.caption, x + tile / 2, top - 4, size: Style.captionSize, align: .center)
            c.digit(image.original, rows: rows, columns: columns, x: x, y: top, cell: cell)
            c.frame(x, top, tile, tile, .muted)
            centre(c, x, top, tile)
            for (v, pixels) in image.variants.enumerated() {
                let y = top + 18 + Double(v + 1) * (tile + gap) - 18
                let outlier = k < notADigit.count && v < notADigit[k].count && notADigit[k][v]
                c.digit(pixels[...], rows: rows, columns: columns, x: x, y: y + 8, cell: cell)
                centre(c, x, y + 8, tile)
                c.frame(x, y + 8, tile, tile, outlier ? .bad : .grid, width: outlier ? 2 : 1)
            }
        }
        c.text("original", left - 10, top + tile / 2 + 4, size: Style.captionSize, bold: true, align: .right)
        for v in 0..<variants {
            let y = top + 18 + Double(v + 1) * (tile + gap) - 18 + 8
            c.text("random draw \(v + 1)", left - 10, y + tile / 2 + 4, size: Style.captionSize, align: .right, color: .muted)
        }
        c.line(left, top + tile + gap / 2 + 4, left + Double(shown.count) * (tile + gap) - gap, top + tile + gap / 2 + 4, .grid)
        if anyOutlier {
            let y = top + Double(variants) * (tile + gap) + 8 + tile + 12
            c.text("red frame: not one digit (augment outliers) — trained towards every class alike, not towards the label above",
                   left, y, size: Style.captionSize, color: .bad)
        }
        return c
    }

    static func centre(_ c: Canvas, _ x: Double, _ y: Double, _ tile: Double) {
        let faint = RGB(240, 170, 170)
        c.line(x + tile / 2, y + 3, x + tile / 2, y + tile - 3, faint, width: 0.6)
        c.line(x + 3, y + tile / 2, x + tile - 3, y + tile / 2, faint, width: 0.6)
    }

    /// `shift 2 rotate 10 scale 0.1 outliers 0.15`, whole numbers without decimals, only what is on.
    public static func describe(_ a: Augmentation) -> String {
        if a.isIdentity { return "off" }
        func number(_ v: Float) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%g", Double(v)) }
        return [("shift", a.shift), ("rotate", a.rotate), ("scale", a.scale), ("elastic", a.elastic),
                ("thickness", a.thickness), ("blur", a.blur), ("contrast", a.contrast), ("styles", a.styles), ("outliers", a.outliers)]
            .filter { $0.1 != 0 }.map { "\($0.0) \(number($0.1))" }.joined(separator: " ")
    }

    /// A normalised image (as augmentation leaves it) back to bytes for drawing: the
    /// inverse of `Normalization.batch`, rounded and clamped to 0…255.
    public static func bytes(_ values: some Collection<Float>, normalization: Normalization) -> [UInt8] {
        values.map { v in
            let byte = (v * normalization.std + normalization.mean) * 255
            return UInt8(max(0, min(255, byte.rounded())))
        }
    }
}
