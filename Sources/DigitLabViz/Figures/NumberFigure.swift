import Foundation
import DigitLabIO
import DigitLabVision

/// `digitlab read --stages` and `predict file PATH --number --stages`: the picture with a
/// box around each digit found, and under it each digit's 28x28 image as the network saw
/// it, with its answer and how sure the network was.
public enum NumberFigure {
    public static func draw(_ reading: NumberReading, file: String) -> Canvas {
        let tile = 56.0, gap = 14.0, caption = 42.0
        let digits = reading.digits
        let pictureWidth = min(900.0, max(300.0, Double(digits.count) * (tile + gap)))
        let s = pictureWidth / Double(max(1, reading.working.width))
        let pictureHeight = Double(reading.working.height) * s
        let perRow = max(1, Int((pictureWidth + gap) / (tile + gap)))
        let rows = max(1, (digits.count + perRow - 1) / perRow)
        let c = Canvas(width: Int(2 * Style.margin + pictureWidth),
                       height: Int(Style.header + pictureHeight + 24 + Double(rows) * (tile + caption + gap) + Style.margin))
        c.title("The number read: \(reading.text.isEmpty ? "(nothing)" : reading.text)", subtitle: file)
        let top = Style.header + 4
        let at = PipelineFigure.picture(reading.working, on: c, x: Style.margin, y: top, width: pictureWidth, height: pictureHeight)
        // Boxes are in the picture's pixels; the drawing is of the working copy, which
        // starts at `origin` (a close-up of a small line).
        let f = at.scale / reading.scale
        func drawn(_ b: Box) -> (x: Double, y: Double, width: Double, height: Double) {
            (at.x + Double(b.x - reading.origin.x) * f, at.y + Double(b.y - reading.origin.y) * f, Double(b.width) * f, Double(b.height) * f)
        }
        // Red: the network unsure, or the one-digit judge doubting it is one whole digit
        // (a pair read as one at 100% was drawn green).
        let doubted = Set(reading.doubted)
        func trusted(_ i: Int) -> Bool { digits[i].probability >= 0.9 && !doubted.contains(i) }
        // Each box's number above its corner; a number that would run into the one before
        // (narrow 1s side by side, digits that overlap) goes a line higher.
        var numbered = [(right: Double, y: Double)]()
        for (i, d) in digits.enumerated() {
            let r = drawn(d.box)
            let colour = trusted(i) ? RGB.good : RGB.bad
            c.frame(r.x, r.y, r.width, r.height, colour, width: 2)
            let label = "\(i + 1)", size = Style.captionSize - 1
            var y = r.y - 3
            while numbered.contains(where: { $0.right + 3 > r.x + 2 && abs($0.y - y) < size }) { y -= size + 1 }
            c.text(label, r.x + 2, y, size: size, color: colour)
            numbered.append((r.x + 2 + c.textWidth(label, size: size), y))
        }
        for m in reading.marks {
            // A point, a comma, a minus sign or a colon: found by its size and place, not
            // by the network.
            let r = drawn(m.box)
            c.frame(r.x - 2, r.y - 2, r.width + 4, r.height + 4, .muted, width: 2)
            c.text(m.character, r.x + r.width / 2, r.y + r.height + 14, size: Style.captionSize, bold: true, align: .center, color: .muted)
        }
        let gallery = top + pictureHeight + 24
        for (i, d) in digits.enumerated() {
            let x = Style.margin + Double(i % perRow) * (tile + gap)
            let y = gallery + Double(i / perRow) * (tile + caption + gap)
            c.digit(d.pixels, x: x, y: y, cell: tile / 28)
            c.frame(x, y, tile, tile, .grid)
            c.text("\(i + 1): \(d.label)", x + tile / 2, y + tile + 13, size: Style.captionSize, bold: true, align: .center)
            c.text(String(format: "%.1f%%", Double(d.probability) * 100), x + tile / 2, y + tile + 26,
                   size: Style.captionSize - 1, align: .center, color: trusted(i) ? .muted : .bad)
            // On a line of its own: beside the percentage it ran into the next caption.
            if doubted.contains(i) {
                c.text("one digit?", x + tile / 2, y + tile + 38, size: Style.captionSize - 1, align: .center, color: .bad)
            }
        }
        return c
    }
}
