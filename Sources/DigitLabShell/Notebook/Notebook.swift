import DigitLabIO
import Foundation

/// A session as a linear notebook: text cells (lesson prose) and command cells, each
/// with its outputs as they were when it ran. The writers (HTML, Markdown, Jupyter) read
/// these cells; none of them looks at files on disk to learn what a command showed.
struct NotebookCell {
    enum Output {
        case text(String)
        case error(String)
        case picture(Picture)
        case digits([Digit])
    }
    enum Kind {
        case markdown(String)
        case code(source: String, outputs: [Output], failed: Bool)
    }
    let kind: Kind
}

enum Notebook {
    /// How text blocks read in a notebook: plain, no hints, live lines kept.
    static let renderer = TextRenderer(useColor: false, width: 100, includeLive: true, includeHints: false)

    /// The cells of one journal entry.
    static func cells(_ entry: NotebookJournal.Entry) -> [NotebookCell] {
        switch entry {
        case let .command(line, output, error):
            if let error { return [NotebookCell(kind: .code(source: line, outputs: [.error(error)], failed: true))] }
            let (outputs, after) = split(output ?? DigitLabShell.Output())
            return [NotebookCell(kind: .code(source: line, outputs: outputs, failed: false))] + after
        case .lesson(let output):
            let (outputs, after) = split(output)
            var cells = [NotebookCell]()
            let text = outputs.compactMap { if case .text(let t) = $0 { return t } else { return nil } }
            if !text.isEmpty { cells.append(NotebookCell(kind: .markdown(text.joined(separator: "\n\n")))) }
            return cells + after
        }
    }

    /// A command's outputs, and the prose cells that follow it (a lesson moving on).
    private static func split(_ output: DigitLabShell.Output) -> ([NotebookCell.Output], [NotebookCell]) {
        var outputs = [NotebookCell.Output]()
        var after = [NotebookCell]()
        var text = [String]()
        func flush() { if !text.isEmpty { outputs.append(.text(text.joined(separator: "\n"))); text = [] } }
        for block in output.blocks {
            switch block {
            case .picture(let p): flush(); outputs.append(.picture(p))
            case .digits(let d): flush(); outputs.append(.digits(d))
            case .prose(let p): after.append(NotebookCell(kind: .markdown(Sanitize.visible(p))))
            case .text(let t) where t.hasPrefix("== ") && t.hasSuffix(" =="):
                after.append(NotebookCell(kind: .markdown("## " + Sanitize.line(String(t.dropFirst(3).dropLast(3))))))
            default:
                if let line = renderer.render(block) {
                    if after.isEmpty { text.append(line) } else { after.append(NotebookCell(kind: .markdown(line))) }
                }
            }
        }
        flush()
        return (outputs, after)
    }

    /// The digits of a preview as one PNG: each digit 3x, dark ink on white, side by side.
    static func digitsPNG(_ digits: [Digit]) -> (png: [UInt8], width: Int, height: Int)? {
        guard let first = digits.first else { return nil }
        let scale = 3, gap = 8
        let (w, h) = (first.columns * scale, first.rows * scale)
        let width = digits.count * w + (digits.count - 1) * gap
        var pixels = [UInt8](repeating: 255, count: width * h)
        for (i, d) in digits.enumerated() where d.rows == first.rows && d.columns == first.columns && d.pixels.count == d.rows * d.columns {
            for y in 0..<h { for x in 0..<w {
                pixels[y * width + i * (w + gap) + x] = 255 - d.pixels[(y / scale) * d.columns + x / scale]
            } }
        }
        guard let png = try? PNG.encode(width: width, height: h, pixels: pixels, channels: 1) else { return nil }
        return (png, width, h)
    }

    /// The cells of the whole journal, handed over one at a time (commands that export
    /// notebooks are left out: they are about the notebook, not the work).
    static func forEachCell<E: Error>(_ journal: NotebookJournal, _ body: (NotebookCell) throws(E) -> Void) throws(E) {
        try journal.forEach { (entry) throws(E) in
            if case .command(let line, _, _) = entry, line.hasPrefix("export ") { return }
            for cell in cells(entry) { try body(cell) }
        }
    }

}
