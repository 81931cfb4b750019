import DigitLabViz
import Foundation

/// What the pad looks like: one string per screen row (with colour codes), built from the
/// state alone, so a test can read the screen without a terminal. The loop writes only
/// the rows that changed since the last frame.
///
///      DigitLab · draw a digit — Enter keeps it, Esc leaves
///     ┌─ pen: up · size 2.6 ───────────────┐
///     │▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀│  The network's top 3
///     │▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀│   7  ███████████████▌  97.2%
///     …                                         1  ▍                  2.1%
///                                               9                     0.3%
///
///                                              What it sees (28x28)
///                                              ▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀
extension DrawPadState {
    /// The classifier's view beside the canvas: the top 3 and the 28x28 picture it read.
    public struct Reading: Sendable {
        public var ranked: [(label: String, probability: Float)]
        public var pixels28: [UInt8]
        public init(ranked: [(label: String, probability: Float)], pixels28: [UInt8]) {
            self.ranked = ranked; self.pixels28 = pixels28
        }
    }

    static let title = " DigitLab · draw a digit — Enter keeps it, Esc leaves"
    static let keys = [" Mouse: left button paints, right erases. Arrows move the pen.",
                       " Space pen down/up · x eraser · +/- size · u undo · c clear"]

    /// Every row of the screen (`layout.rows` of them), `reading` nil while nothing is drawn.
    public func screen(reading: Reading?, columns: Int, rows: Int) -> [String] {
        guard let layout else {
            let need = DrawPadLayout.minimum(canvasSide: canvas.width)
            var lines = [" The window is too small for the drawing pad: it needs \(need.columns)x\(need.rows) cells,",
                         " it has \(columns)x\(rows). Enlarge it, or press Esc to leave."]
            lines += Array(repeating: "", count: max(0, rows - lines.count))
            return lines.prefix(rows).map { Self.clip($0, columns) }
        }
        var lines = Array(repeating: "", count: layout.rows)
        lines[0] = message.map { " " + $0 } ?? Self.title
        let pens: [Pen: String] = [.up: "up", .paint: "painting", .erase: "erasing"]
        let status = "─ pen: \(pens[pen]!) · size \(String(format: "%.1f", canvas.radius)) "
        lines[layout.top - 2] = "┌" + Self.pad(status, layout.canvasColumns, with: "─") + "┐"
        for (i, row) in canvasRows(layout).enumerated() { lines[layout.top - 1 + i] = "│" + row + "│" }
        lines[layout.top - 1 + layout.canvasRows] = "└" + String(repeating: "─", count: layout.canvasColumns) + "┘"
        // The panel, on the right of whatever the row holds so far.
        let width = layout.canvasColumns + 2
        for (i, text) in panel(reading).enumerated() {
            let row = layout.top - 1 + i
            lines[row] += String(repeating: " ", count: max(0, layout.panel - 1 - (lines[row].isEmpty ? 0 : width)))
                + text
        }
        for (i, text) in Self.keys.enumerated() { lines[layout.footer - 1 + i] = text }
        return lines.map { Self.clip($0, columns) }
    }

    /// The canvas as half-block cells: each cell's upper pixel is the foreground of "▀",
    /// its lower pixel the background, in the 24 greys (ink white, as MNIST's); the pen
    /// is one coloured pixel (blue up, red painting, orange erasing).
    func canvasRows(_ layout: DrawPadLayout) -> [String] {
        let s = layout.scale
        let penColour = pen == .up ? 39 : pen == .paint ? 196 : 214
        let (px, py) = (Int(cursor.x) / s, Int(cursor.y) / s)
        func shown(_ x: Int, _ y: Int) -> Int {
            if x == px, y == py { return penColour }
            var sum = 0
            for dy in 0..<s { for dx in 0..<s { sum += Int(canvas.ink[(y * s + dy) * canvas.width + x * s + dx]) } }
            return HalfBlockPreview.grey(sum / (s * s))
        }
        return (0..<layout.canvasRows).map { row in
            var line = "", last = (-1, -1)
            for column in 0..<layout.canvasColumns {
                let colours = (shown(column, 2 * row), shown(column, 2 * row + 1))
                if colours != last { line += "\u{1B}[38;5;\(colours.0);48;5;\(colours.1)m" }
                line += "▀"
                last = colours
            }
            return line + "\u{1B}[0m"
        }
    }

    /// The panel's lines: the top 3 as bars, then what the network sees.
    func panel(_ reading: Reading?) -> [String] {
        var lines = ["The network's top 3"]
        if let reading {
            for (label, p) in reading.ranked.prefix(3) {
                let percent = String(format: "%5.1f%%", p * 100)
                lines.append(" " + Self.pad(label, 2) + " " + Self.pad(probabilityBar(Double(p), width: 16), 17) + percent)
            }
            lines += Array(repeating: "", count: 4 - lines.count)
            lines += ["", "What it sees (28x28)"]
            lines += HalfBlockPreview(useColor: true).lines(reading.pixels28[...], rows: 28, columns: 28)
        } else {
            lines += ["  (draw a digit)"]
        }
        return lines
    }

    static func pad(_ s: String, _ width: Int, with fill: Character = " ") -> String {
        s.count >= width ? String(s.prefix(width)) : s + String(repeating: fill, count: width - s.count)
    }

    /// Cuts a row to `columns` visible cells, skipping colour codes when counting.
    static func clip(_ line: String, _ columns: Int) -> String {
        var out = "", visible = 0, inEscape = false
        for ch in line {
            if inEscape { out.append(ch); if ch.isLetter { inEscape = false }; continue }
            if ch == "\u{1B}" { inEscape = true; out.append(ch); continue }
            guard visible < columns else { break }
            out.append(ch); visible += 1
        }
        return inEscape || out.contains("\u{1B}") ? out + "\u{1B}[0m" : out
    }
}
