/// Fitting lines of output to the terminal's width, counting what shows: colour codes
/// (`ESC [ … m`) take no column, every other character one.
///
/// The terminal breaks a line that is too long wherever the last column falls, in the
/// middle of a word ("DigitLab 0.\n1.0"); `wrap` breaks it at a blank instead and
/// indents what follows under the line's text. A status line redrawn in place (the
/// progress bar) must not break at all, or each redraw leaves a line behind: `clip`.
enum TerminalText {
    /// Each line wider than `width` broken at blanks; the pieces after the first are
    /// indented as `hangingIndent` says. A word longer than the room left stays whole
    /// (the terminal breaks it).
    static func wrap(_ text: String, width: Int) -> String {
        guard width > 10 else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard visibleWidth(line) > width else { return String(line) }
            let indent = String(line.prefix(while: { $0 == " " }))
            let hang = hangingIndent(line, width: width)
            let lead = String(repeating: " ", count: hang)
            var lines = [String](), current = "", currentWidth = 0
            for word in line.dropFirst(indent.count).split(separator: " ", omittingEmptySubsequences: false) {
                let w = visibleWidth(word)
                let room = width - (lines.isEmpty ? indent.count : hang)
                if currentWidth > 0, currentWidth + 1 + w > room {
                    lines.append(current)
                    current = ""; currentWidth = 0
                }
                if currentWidth > 0 || !current.isEmpty { current += " "; currentWidth += 1 }
                current += word; currentWidth += w
            }
            if !current.isEmpty || lines.isEmpty { lines.append(current) }
            return indent + lines.joined(separator: "\n" + lead)
        }.joined(separator: "\n")
    }

    /// Where the pieces after the first of a wrapped line start: under the text of a
    /// "label  text" line (`    load      Load a dataset …`: under "Load"), else at the
    /// line's own indent — either only while it leaves half the width.
    static func hangingIndent<S: StringProtocol>(_ line: S, width: Int) -> Int {
        let chars = Array(line)
        let indent = chars.prefix(while: { $0 == " " }).count
        var i = indent, hang = indent
        while i + 2 < chars.count {
            if chars[i] == " ", chars[i + 1] == " " {
                var j = i
                while j < chars.count, chars[j] == " " { j += 1 }
                if j < chars.count { hang = j }
                break
            }
            i += 1
        }
        return hang < width / 2 ? hang : (indent < width / 2 ? indent : 0)
    }

    /// The line cut to `width` visible characters (colour codes kept, and reset when
    /// the cut fell inside coloured text).
    static func clip(_ line: String, width: Int) -> String {
        guard visibleWidth(line) > width else { return line }
        var out = "", visible = 0, inEscape = false
        for ch in line {
            if inEscape { out.append(ch); if ch.isLetter { inEscape = false }; continue }
            if ch == "\u{1B}" { inEscape = true; out.append(ch); continue }
            guard visible < width else { continue }
            out.append(ch); visible += 1
        }
        return out.contains("\u{1B}") ? out + "\u{1B}[0m" : out
    }

    /// A status line made of parts joined by " · " (the progress bar) fitted to `width`:
    /// whole parts dropped from the end first, so no number is shown cut, then clipped.
    static func fitStatus(_ line: String, width: Int) -> String {
        var line = line
        while visibleWidth(line) > width, let cut = line.range(of: " · ", options: .backwards) {
            line = String(line[..<cut.lowerBound])
        }
        return clip(line, width: width)
    }

    /// Columns the text takes: characters outside escape sequences.
    static func visibleWidth<S: StringProtocol>(_ text: S) -> Int {
        var n = 0, inEscape = false
        for ch in text {
            if inEscape { if ch.isLetter { inEscape = false }; continue }
            if ch == "\u{1B}" { inEscape = true; continue }
            n += 1
        }
        return n
    }
}
