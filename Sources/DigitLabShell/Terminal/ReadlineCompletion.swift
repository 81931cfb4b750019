@preconcurrency import CReadline
import Foundation
import Glibc

/// Readline's side of tab completion: the words come from `Completion`; file names are
/// readline's own, quoted so that the parser reads back what was written ("my digits/7.png"),
/// and backslash-escaped names (my\ digits) work too.
enum ReadlineCompletion {
    nonisolated(unsafe) static var candidates: [String] = []
    nonisolated(unsafe) static var next = 0
    nonisolated(unsafe) static var session: Session?

    static func install(session: Session) {
        Self.session = session
        rl_completer_quote_characters = UnsafePointer(strdup("\"'"))
        rl_filename_quote_characters = UnsafePointer(strdup(" \t\n\\\"'@<>=;|&()#$`?*[!:{"))
        rl_completer_word_break_characters = UnsafePointer(strdup(" \t\n"))
        rl_char_is_quoted_p = { text, index in
            // A character after a backslash is part of the word (my\ digits).
            guard let text, index > 0 else { return 0 }
            return text[Int(index) - 1] == 0x5C ? 1 : 0
        }
        rl_filename_dequoting_function = { text, _ in
            guard let text else { return nil }
            var s = String(cString: text)
            s = s.replacingOccurrences(of: "\\", with: "")
            return strdup(s)
        }
        rl_attempted_completion_function = { text, start, _ in
            let line = rl_line_buffer.map { String(cString: $0) } ?? ""
            let before = String(decoding: line.utf8.prefix(Int(start)), as: UTF8.self)
            // Complete words only: an unfinished quote belongs to the word being completed.
            let typed = (try? Tokenizer.words(before)) ?? before.split(separator: " ").map(String.init)
            let prefix = text.map { String(cString: $0) } ?? ""
            let lessons = ((try? ReadlineCompletion.session?.lessonFiles()) ?? nil)?.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent } ?? []
            let runs = ReadlineCompletion.session.map { Runs.all($0.state).compactMap(\.name) } ?? []
            switch Completion.candidates(after: typed, lessons: lessons, runs: runs) {
            case .files:
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
}
