/// Text that came from a file, model metadata or the keyboard may hold terminal control
/// sequences (an OSC that retitles the window, a screen clear). Every front end passes
/// every string through `Sanitize.visible` before printing or exporting it, so such bytes
/// show as `\x1b` instead of acting. DigitLab's own escape codes are added after this,
/// by the terminal front end only.
public enum Sanitize {
    /// Control characters (C0 but newline and tab, DEL, C1) and the bidirectional
    /// overrides that can make text display in another order than it reads, as `\xNN` /
    /// `\u{NNNN}`.
    public static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if needsEscape(s) {
                let hex = String(s.value, radix: 16)
                let escaped = s.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{\(hex)}"
                out.append(contentsOf: escaped.unicodeScalars)
            } else {
                out.append(s)
            }
        }
        return String(out)
    }

    /// One line (an error message, a file name inside a sentence): newlines escaped too.
    public static func line(_ text: String) -> String {
        visible(text).replacingOccurrences(of: "\n", with: "\\n")
    }

    static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x0A, 0x09: return false
        case 0..<0x20, 0x7F, 0x80..<0xA0: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true // bidi embeddings, overrides, isolates
        default: return false
        }
    }
}

import Foundation
