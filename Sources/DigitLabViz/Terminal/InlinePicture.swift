import DigitLabIO
import Foundation

/// How pictures reach the learner's eyes in a terminal (`set pictures …`, `DIGITLAB_PICTURES`).
///
/// `auto` is a wish, not a protocol: the Shell resolves it from the environment and the
/// terminal's answers (`PictureSupport.detect`) before anything is encoded. `files` shows
/// nothing inline: the picture's path is printed, as it always is.
public enum PictureProtocol: String, CaseIterable, Sendable {
    case auto, kitty, iterm, sixel, files
}

/// The terminal's size in character cells and the size of one cell in pixels, which
/// together decide how large a picture is drawn.
public struct TerminalGeometry: Equatable, Sendable {
    public var columns: Int
    public var rows: Int
    public var cellWidth: Int
    public var cellHeight: Int
    /// False when the cell size is the guess of `fallback` (the terminal told us nothing).
    public var cellSizeKnown: Bool

    public init(columns: Int, rows: Int, cellWidth: Int, cellHeight: Int, cellSizeKnown: Bool = true) {
        self.columns = max(1, columns); self.rows = max(1, rows)
        self.cellWidth = max(1, cellWidth); self.cellHeight = max(1, cellHeight)
        self.cellSizeKnown = cellSizeKnown
    }

    /// 80x24 cells of 10x20 pixels: what a terminal that answers nothing most likely is.
    public static let fallback = TerminalGeometry(columns: 80, rows: 24, cellWidth: 10, cellHeight: 20,
                                                  cellSizeKnown: false)
}

/// Turns PNG bytes into the bytes a terminal draws a picture with: the kitty graphics
/// protocol, iTerm2's inline images, or DEC sixel through libsixel. Pure functions: no
/// terminal is touched, so every sequence can be checked in a test.
///
///     let seq = try InlinePicture.encode(png: bytes, as: .kitty, fit: geometry)
///     print(seq)          // the picture, then the cursor on the line below it
///
/// A picture is never enlarged; a larger one is shrunk, keeping its proportions, to fit
/// the terminal's width less one column (so the line does not wrap) and its height less
/// two rows (so the whole picture and the next prompt are visible at once).
public enum InlinePicture {
    /// Where a picture goes: its size in pixels once fitted, and the cells (to the
    /// nearest whole cell) it covers.
    public struct Placement: Equatable, Sendable {
        public var pixelWidth: Int
        public var pixelHeight: Int
        public var columns: Int
        public var rows: Int
        /// True when the picture had to be shrunk to fit.
        public var scaled: Bool
    }

    /// The escape sequence for one picture, followed by a newline. `passthrough` wraps it
    /// for tmux (`allow-passthrough on`), which forwards it to the terminal outside.
    ///
    /// - Throws: `IOError` when the bytes are not a PNG (or, for sixel, cannot be
    ///   decoded or encoded); `.auto` and `.files` are refused: resolve `auto` first,
    ///   and `files` has no sequence.
    public static func encode(png: [UInt8], as kind: PictureProtocol, fit: TerminalGeometry,
                              passthrough: Bool = false, name: String = "picture") throws(IOError) -> String {
        let size = try pngSize(png, name: name)
        let place = placement(width: size.width, height: size.height, fit: fit)
        switch kind {
        case .kitty: return kitty(png: png, placement: place, passthrough: passthrough)
        case .iterm: return iterm(png: png, placement: place, passthrough: passthrough)
        case .sixel: return try sixel(png: png, placement: place, name: name)
        case .auto, .files:
            throw IOError(name, "no inline sequence for '\(kind.rawValue)' — resolve auto with PictureSupport.detect; files prints the path only")
        }
    }

    /// The fitted size of a `width` x `height` picture (see the type's comment).
    public static func placement(width: Int, height: Int, fit: TerminalGeometry) -> Placement {
        let maxWidth = max(1, fit.columns - 1) * fit.cellWidth
        let maxHeight = max(1, fit.rows - 2) * fit.cellHeight
        let scale = min(1, Double(maxWidth) / Double(width), Double(maxHeight) / Double(height))
        let (w, h) = (max(1, Int((Double(width) * scale).rounded())), max(1, Int((Double(height) * scale).rounded())))
        // Nearest whole cells: kitty and iTerm2 stretch a picture to the cells they are
        // given, and rounding (not ceiling) keeps that within half a cell per side.
        return Placement(pixelWidth: w, pixelHeight: h,
                         columns: max(1, Int((Double(w) / Double(fit.cellWidth)).rounded())),
                         rows: max(1, Int((Double(h) / Double(fit.cellHeight)).rounded())), scaled: scale < 1)
    }

    /// Width and height from the PNG signature and IHDR chunk, without decoding pixels
    /// (kitty and iTerm2 get the PNG file itself).
    public static func pngSize(_ png: [UInt8], name: String = "picture") throws(IOError) -> (width: Int, height: Int) {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard png.count >= 24, Array(png[0..<8]) == signature, Array(png[12..<16]) == Array("IHDR".utf8) else {
            throw IOError(name, "not a PNG (no PNG signature and IHDR header) — pictures are shown from PNG bytes")
        }
        func be32(_ i: Int) -> Int { png[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        let (w, h) = (be32(16), be32(20))
        guard w > 0, h > 0 else { throw IOError(name, "PNG header claims \(w)x\(h) pixels") }
        return (w, h)
    }

    /// Wraps one escape sequence for tmux's passthrough: `ESC P tmux; … ESC \`, with every
    /// ESC inside doubled (tmux ends the wrapper at the first single `ESC \`).
    public static func tmuxPassthrough(_ sequence: String) -> String {
        "\u{1B}Ptmux;" + sequence.replacingOccurrences(of: "\u{1B}", with: "\u{1B}\u{1B}") + "\u{1B}\\"
    }
}
