/// Digits in the terminal: each character cell shows two pixels stacked, the upper as
/// the foreground of "▀" and the lower as the background, in the 24 greys of the
/// 256-colour palette. Works over SSH; no images needed.
///
/// Without escape codes (stdout is not a terminal, or NO_COLOR is set) each cell is a
/// shade character for the mean of its two pixels: " ░▒▓█".
public struct HalfBlockPreview: Sendable {
    public var useColor: Bool

    public init(useColor: Bool) { self.useColor = useColor }

    /// The lines of one image (ink = 255), `rows / 2` lines of `columns` cells each.
    public func lines(_ pixels: ArraySlice<UInt8>, rows: Int, columns: Int) -> [String] {
        let base = pixels.startIndex
        var out = [String]()
        for r in stride(from: 0, to: rows, by: 2) {
            var line = ""
            for c in 0..<columns {
                let top = Int(pixels[base + r * columns + c])
                let bottom = r + 1 < rows ? Int(pixels[base + (r + 1) * columns + c]) : 0
                if useColor {
                    line += "\u{1B}[38;5;\(Self.grey(top))m\u{1B}[48;5;\(Self.grey(bottom))m▀"
                } else {
                    line += String(Self.shades[min(4, (top + bottom) * 5 / 512)])
                }
            }
            out.append(useColor ? line + "\u{1B}[0m" : line)
        }
        return out
    }

    /// Several images side by side with a caption under each.
    public func gallery(_ images: [(pixels: ArraySlice<UInt8>, caption: String)], rows: Int, columns: Int,
                        perRow: Int = 6) -> String {
        var blocks = [String]()
        for start in stride(from: 0, to: images.count, by: perRow) {
            let chunk = images[start..<min(images.count, start + perRow)]
            let rendered = chunk.map { lines($0.pixels, rows: rows, columns: columns) }
            var text = [String]()
            for line in 0..<(rendered.first?.count ?? 0) {
                text.append(rendered.map { $0[line] }.joined(separator: "  "))
            }
            text.append(chunk.map { Self.pad($0.caption, columns) }.joined(separator: "  "))
            blocks.append(text.joined(separator: "\n"))
        }
        return blocks.joined(separator: "\n")
    }

    static let shades: [Character] = [" ", "░", "▒", "▓", "█"]

    /// 232 (black) … 255 (white) in xterm's palette.
    public static func grey(_ v: Int) -> Int { 232 + v * 23 / 255 }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? String(s.prefix(width)) : s + String(repeating: " ", count: width - s.count)
    }
}

/// A horizontal bar for a probability, e.g. `███████▌` for 0.47 of 16 cells.
public func probabilityBar(_ p: Double, width: Int = 20) -> String {
    let eighths = Int((max(0, min(1, p)) * Double(width * 8)).rounded())
    let partial: [String] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
    return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
}
