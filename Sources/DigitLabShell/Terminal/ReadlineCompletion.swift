@preconcurrency import CReadline
import Foundation
import Glibc

/// Readline's side of tab completion: the words come from `Completion`; file names are
/// readline's own, written so that `Tokenizer` reads back exactly the name completed:
/// - blanks, quotes, backslashes and `#` in a name are backslash-escaped (`my\ digits/7.png`),
///   so no quote is left open after a folder and a new file name can follow;
/// - completing inside a quote the learner opened (`"my digits/s<Tab>`) or after
///   backslash-escapes (`my\ digits/s<Tab>`) goes on from what the quote holds;
/// - `~/` is expanded as the name is completed (the parser takes paths literally);
/// - where a folder is expected (`load folder`, `load idx`), only folders are offered.
enum ReadlineCompletion {
    nonisolated(unsafe) static var candidates: [String] = []
    nonisolated(unsafe) static var next = 0
    nonisolated(unsafe) static var session: Session?
    /// Set for each completion: only folders are wanted.
    nonisolated(unsafe) static var foldersOnly = false

    static func install(session: Session) {
        Self.session = session
        rl_completer_quote_characters = UnsafePointer(strdup("\"'"))
        rl_filename_quote_characters = UnsafePointer(strdup(" \t\n\\\"'#"))
        rl_completer_word_break_characters = UnsafePointer(strdup(" \t\n"))
        rl_variable_bind("expand-tilde", "on")
        rl_char_is_quoted_p = { text, index in
            // A character after a backslash is part of the word (my\ digits).
            guard let text, index > 0 else { return 0 }
            return text[Int(index) - 1] == 0x5C ? 1 : 0
        }
        rl_filename_quoting_function = { text, _, quote in
            guard let text else { return nil }
            return strdup(ReadlineCompletion.quotedForCompletion(String(cString: text), opening: quote))
        }
        rl_filename_dequoting_function = { text, quote in
            guard let text else { return nil }
            return strdup(ReadlineCompletion.dequoted(String(cString: text), quote: UInt8(truncatingIfNeeded: quote)))
        }
        rl_ignore_some_completions_function = { matches in
            guard ReadlineCompletion.foldersOnly, let matches else { return 0 }
            ReadlineCompletion.keepFolders(matches)
            return 0
        }
        rl_attempted_completion_function = { text, start, _ in
            let line = rl_line_buffer.map { String(cString: $0) } ?? ""
            var before = String(decoding: line.utf8.prefix(Int(start)), as: UTF8.self)
            // Inside a quote the learner opened, the word starts after it: the quote is not
            // a word of its own.
            if rl_completion_quote_character != 0, before.utf8.last == UInt8(truncatingIfNeeded: rl_completion_quote_character) {
                before.removeLast()
            }
            let typed = (try? Tokenizer.words(before)) ?? before.split(separator: " ").map(String.init)
            let prefix = text.map { String(cString: $0) } ?? ""
            let lessons = ((try? ReadlineCompletion.session?.lessonFiles()) ?? nil)?.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent } ?? []
            let runs = ReadlineCompletion.session.map { Runs.all($0.state).compactMap(\.name) } ?? []
            let result = Completion.candidates(after: typed, lessons: lessons, runs: runs)
            ReadlineCompletion.foldersOnly = result == .folders
            switch result {
            case .files, .folders:
                rl_filename_completion_desired = 1
                rl_filename_quoting_desired = 1
                return nil // readline's own file-name completion
            case .words(let words):
                rl_attempted_completion_over = 1
                ReadlineCompletion.candidates = words.filter { $0.hasPrefix(prefix) }
                ReadlineCompletion.next = 0
                return rl_completion_matches(text) { _, _ in
                    guard ReadlineCompletion.next < ReadlineCompletion.candidates.count else { return nil }
                    defer { ReadlineCompletion.next += 1 }
                    return strdup(ReadlineCompletion.candidates[ReadlineCompletion.next])
                }
            }
        }
    }

    /// A completed file name as it goes on the line, as `Tokenizer` reads it back: blanks,
    /// quotes, backslashes and `#` backslash-escaped (`my\ digits/7.png`), so a folder
    /// can be followed by a new file name with no quote left open; inside a quote the
    /// learner opened, that quote's rules (readline closes it after a file, not after a
    /// folder, whose name goes on).
    static func quotedForCompletion(_ name: String, opening: UnsafeMutablePointer<CChar>?) -> String {
        switch opening?.pointee {
        case 0x27: // inside '…': everything is literal but '
            return "'" + name.replacingOccurrences(of: "'", with: "'\\''")
        case 0x22:
            return "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        default:
            var out = ""
            for ch in name {
                if Self.escaped.contains(ch) { out.append("\\") }
                out.append(ch)
            }
            return out
        }
    }

    /// The characters `Tokenizer` would not take literally in a word.
    static let escaped: Set<Character> = [" ", "\t", "\"", "'", "\\", "#"]

    /// What a partly typed word names: backslash-escapes undone, except inside '…'.
    static func dequoted(_ text: String, quote: UInt8) -> String {
        guard quote != 0x27 else { return text }
        var out = "", escaped = false
        for ch in text {
            if escaped { out.append(ch); escaped = false } else if ch == "\\" { escaped = true } else { out.append(ch) }
        }
        if escaped { out.append("\\") }
        return out
    }

    /// Drops the matches that are not folders from readline's list (`matches[0]` is their
    /// common prefix, or the only match when there is one).
    static func keepFolders(_ matches: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) {
        func isFolder(_ path: UnsafeMutablePointer<CChar>) -> Bool {
            var info = stat()
            return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
        }
        if matches[1] == nil {
            if let only = matches[0], !isFolder(only) { free(only); matches[0] = nil }
            return
        }
        var kept = 1, i = 1
        while let m = matches[i] {
            if isFolder(m) { matches[kept] = m; kept += 1 } else { free(m) }
            i += 1
        }
        matches[kept] = nil
    }
}
