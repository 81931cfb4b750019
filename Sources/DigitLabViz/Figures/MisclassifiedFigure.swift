/// `render misclassified`: the mistakes the network was surest of.
public enum MisclassifiedFigure {
    public struct Mistake: Sendable {
        public let pixels: ArraySlice<UInt8>
        public let index: Int, truth: String, predicted: String, confidence: Float
        public init(pixels: ArraySlice<UInt8>, index: Int, truth: String, predicted: String, confidence: Float) {
            self.pixels = pixels; self.index = index; self.truth = truth; self.predicted = predicted; self.confidence = confidence
        }
    }

    public static func draw(_ mistakes: [Mistake], split: String, total: Int) -> Canvas {
        let perRow = min(8, max(1, mistakes.count))
        let cell = 3.0, tile = 84.0, gap = 18.0, caption = 32.0
        let lines = max(1, (mistakes.count + perRow - 1) / perRow)
        let c = Canvas(width: max(460, Int(2 * Style.margin + Double(perRow) * (tile + gap) - gap)),
                       height: Int(Style.header + Style.margin + Double(lines) * (tile + caption + gap)))
        c.title("The \(mistakes.count) most confident mistakes — \(split)",
                subtitle: "\(total) mistakes in all; under each: true → predicted (confidence)")
        for (i, m) in mistakes.enumerated() {
            let x = Style.margin + Double(i % perRow) * (tile + gap)
            let y = Style.header + Double(i / perRow) * (tile + caption + gap)
            c.digit(m.pixels, x: x, y: y, cell: cell)
            c.frame(x, y, tile, tile, .bad)
            c.text("\(m.truth) → \(m.predicted)", x + tile / 2, y + tile + 14, size: Style.captionSize, bold: true, align: .center, color: .bad)
            c.text("\(String(format: "%.1f", m.confidence * 100))% · #\(m.index)", x + tile / 2, y + tile + 27,
                   size: Style.captionSize - 1, align: .center, color: .muted)
        }
        if mistakes.isEmpty { c.text("No mistakes on this split.", Style.margin, Style.header + 20, size: Style.labelSize) }
        return c
    }
}
