import Foundation

/// Splits a typed line into words the way a shell does, so that what tab completion
/// writes is what the parser reads:
/// - blanks separate words; `"two words"` and `'two words'` keep their spaces;
/// - a backslash outside single quotes takes the next character literally (`my\ file.png`);
/// - `#` starts a comment only at the start of a word, so `eval test#x` is one word
///   (and an error), not `eval test`;
/// - a carriage return at the end (CRLF files) and a byte-order mark at the start are dropped;
/// - `~` or `~/…` at the start of an unquoted word is the home folder, as in a shell.
public enum Tokenizer {
    public static func words(_ line: String) throws(CommandError) -> [String] {
        var words = [String]()
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        var tildes = Set<Int>() // words that began with an unquoted ~
        for ch in clean(line) {
            if escaped { current.append(ch); escaped = false; continue }
            if let q = quote {
                if ch == q { quote = nil } else if ch == "\\" && q == "\"" { escaped = true } else { current.append(ch) }
                continue
            }
            switch ch {
            case " ", "\t":
                if inWord { words.append(current); current = ""; inWord = false }
            case "#" where !inWord:
                return words
            case "\"", "'":
                quote = ch; inWord = true
            case "\\":
                escaped = true; inWord = true
            case "~" where !inWord:
                tildes.insert(words.count)
                current.append(ch); inWord = true
            default:
                current.append(ch); inWord = true
            }
        }
        if let q = quote { throw CommandError("unterminated \(q) quote — close it, or put a backslash before it") }
        if escaped { current.append("\\") }
        if inWord { words.append(current) }
        return words.enumerated().map { i, w in tildes.contains(i) ? expandHome(w) : w }
    }

    /// `~` → $HOME, `~/x` → $HOME/x; `~user` is left as it is.
    static func expandHome(_ word: String) -> String {
        guard word == "~" || word.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty else { return word }
        return home + word.dropFirst()
    }

    /// The line without a trailing carriage return or a leading byte-order mark.
    public static func clean(_ line: String) -> Substring {
        var s = Substring(line)
        if s.hasPrefix("\u{FEFF}") { s = s.dropFirst() }
        while let last = s.last, last == "\r" || last == "\r\n" || last == "\n" { s = s.dropLast() }
        return s
    }

    /// A word as it must be typed to read back as itself (for recordings and completion).
    public static func quoted(_ word: String) -> String {
        let special: Set<Character> = [" ", "\t", "\"", "'", "\\", "#"]
        guard word.isEmpty || word.hasPrefix("~") || word.contains(where: special.contains) else { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The lines of a file's text: CRLF and CR line ends accepted, a leading BOM dropped.
    public static func lines(_ text: String) -> [String] {
        var t = Substring(text)
        if t.hasPrefix("\u{FEFF}") { t = t.dropFirst() }
        // Swift treats "\r\n" as one Character, so splitting on newlines handles all three.
        return t.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map(String.init)
    }
}
