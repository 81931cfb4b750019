import DigitLabViz

/// Renders blocks as lines of text: plain for pipes, scripts and tests, or with colour
/// and half-block digits for a terminal. Every string is sanitised here, whatever its
/// origin, so no block can smuggle an escape sequence to the screen.
public struct TextRenderer: Sendable {
    /// Grey half blocks and coloured warnings (a terminal without NO_COLOR).
    public var useColor = false
    /// Columns available: digit galleries wrap to fit.
    public var width = 100
    /// Whether `.live` blocks are printed: not when they were already shown live.
    public var includeLive = true
    /// Whether `.hint` blocks are printed (not in notebooks).
    public var includeHints = true

    public init(useColor: Bool = false, width: Int = 100, includeLive: Bool = true, includeHints: Bool = true) {
        self.useColor = useColor; self.width = width; self.includeLive = includeLive; self.includeHints = includeHints
    }

    /// All blocks, one after another; empty blocks leave no blank line.
    public func render(_ output: Output) -> String {
        output.blocks.compactMap(render).joined(separator: "\n")
    }

    /// One block, or nil when this renderer leaves it out.
    public func render(_ block: Block) -> String? {
        switch block {
        case .text(let t): return t.isEmpty ? nil : Sanitize.visible(t)
        case .table(let t): return table(t)
        case .digits(let d): return gallery(d)
        case .bars(let bars): return self.bars(bars)
        case .picture(let p): return Self.pictureLine(p)
        case .warning(let w): return colour("warning: " + Sanitize.line(w), code: "33")
        case .live(let l): return includeLive ? Sanitize.visible(l) : nil
        case .prose(let p): return Self.wrap(Sanitize.visible(p), width: min(88, width))
        case .check(let passed, let text): return colour((passed ? "✓ " : "✗ ") + Sanitize.line(text), code: passed ? "32" : "31")
        case .hint(let h): return includeHints ? Sanitize.visible(h) : nil
        }
    }

    /// `wrote outputs/confusion-test.png (640x700)`: how plain output names a picture.
    public static func pictureLine(_ p: Picture) -> String {
        let size = "\(p.width)x\(p.height)"
        let what = p.caption.isEmpty ? size : "\(size), \(p.caption)"
        guard let path = p.path else { return "picture (\(what)), not written" }
        return "wrote \(Sanitize.line(path)) (\(what))"
    }

    func colour(_ s: String, code: String) -> String {
        useColor ? "\u{1B}[\(code)m" + s + "\u{1B}[0m" : s
    }

    func table(_ t: Table) -> String {
        let cells = ([t.columns.map(\.title)] + t.rows + (t.footer.map { [$0] } ?? [])).map { $0.map(Sanitize.line) }
        var widths = [Int](repeating: 0, count: t.columns.count)
        for row in cells { for (i, c) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        let indent = String(repeating: " ", count: t.indent)
        return cells.map { row in
            var line = ""
            for (i, c) in row.enumerated() where i < widths.count {
                let pad = String(repeating: " ", count: widths[i] - c.count)
                let last = i == row.count - 1
                line += (i == 0 ? "" : "  ") + (t.columns[i].alignment == .right ? pad + c : (last ? c : c + pad))
            }
            var text = String((indent + line).reversed().drop(while: { $0 == " " }).reversed())
            // Rows fit the width: the last column gives way (it holds the free text).
            if text.count > width, width > 20 { text = String(text.prefix(width - 1)) + "…" }
            return text
        }.joined(separator: "\n")
    }

    func gallery(_ digits: [Digit]) -> String {
        guard let first = digits.first else { return "" }
        let preview = HalfBlockPreview(useColor: useColor)
        let perRow = max(1, min(12, (width + 2) / (first.columns + 2)))
        let images = digits.map { (pixels: $0.pixels[...], caption: Sanitize.line($0.caption)) }
        return preview.gallery(images, rows: first.rows, columns: first.columns, perRow: perRow)
    }

    func bars(_ bars: [Bar]) -> String {
        let labelWidth = max(6, bars.map { Sanitize.line($0.label).count }.max() ?? 0)
        return bars.map { b in
            let label = Sanitize.line(b.label)
            return "  " + label + String(repeating: " ", count: labelWidth - label.count) + " "
                + Format.padLeft(Format.percent(b.value, 1), 6) + " " + probabilityBar(b.value, width: 30)
        }.joined(separator: "\n")
    }

    /// Prose wrapped at `width` columns, paragraph breaks kept.
    public static func wrap(_ text: String, width: Int = 88) -> String {
        text.components(separatedBy: "\n").map { paragraph in
            if paragraph.count <= width { return paragraph } // short lines keep their spacing
            var lines = [String](), current = ""
            for word in paragraph.split(separator: " ") {
                if !current.isEmpty && current.count + 1 + word.count > width { lines.append(current); current = "" }
                current += (current.isEmpty ? "" : " ") + word
            }
            if !current.isEmpty || lines.isEmpty { lines.append(current) }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
