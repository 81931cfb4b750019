import DigitLabIO
import Foundation

/// A lesson file (`lessons/NN-name.lesson`): a header, then prose paragraphs, command
/// lines (`> load mnist`) and checks (`expect test.accuracy >= 0.97`). See Docs/lessons.md.
public struct Lesson: Sendable {
    public var name: String
    public var title = ""
    public var summary = ""
    /// Minutes it takes guided (measured, not guessed: see Docs/course.md).
    public var minutes = 2
    /// A dataset the lesson needs that may not be installed (`fashion`): without it the
    /// lesson says how to install it and is skipped.
    public var requires: String?
    public var steps: [Step] = []

    public enum Step: Sendable, Equatable {
        /// One paragraph of prose.
        case prose(String)
        case command(String, line: Int)
        case expect(Expectation, line: Int)
    }

    /// Reads a lesson, or fails at the first bad line with `FILE:LINE: message`. CRLF line
    /// ends and a byte-order mark are accepted.
    public static func parse(_ text: String, name: String, file: String) throws(CommandError) -> Lesson {
        var lesson = Lesson(name: name)
        var paragraph = [String]()
        func flush() {
            if !paragraph.isEmpty { lesson.steps.append(.prose(paragraph.joined(separator: " "))) }
            paragraph = []
        }
        for (index, raw) in Tokenizer.lines(text).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let number = index + 1
            func fail(_ message: String) -> CommandError { CommandError("\(file):\(number): \(message)") }
            if line.isEmpty { flush(); continue }
            if line.hasPrefix("##") { continue } // a comment for lesson authors
            if line.hasPrefix("#") {
                flush()
                let body = line.dropFirst().trimmingCharacters(in: .whitespaces)
                guard let colon = body.firstIndex(of: ":") else {
                    throw fail("a header line needs `# key: value` (title, summary, minutes or requires)")
                }
                let key = body[..<colon].lowercased(), value = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                switch key {
                case "title": lesson.title = value
                case "summary": lesson.summary = value
                case "minutes":
                    guard let m = Int(value), (1...600).contains(m) else { throw fail("minutes must be a whole number, got '\(Sanitize.line(value))'") }
                    lesson.minutes = m
                case "requires":
                    guard value == "fashion" else { throw fail("requires: only `fashion` (Fashion-MNIST) can be required, got '\(Sanitize.line(value))'") }
                    lesson.requires = value
                default: throw fail("unknown header '\(Sanitize.line(key))' — title, summary, minutes or requires")
                }
            } else if line.hasPrefix(">") {
                flush()
                let command = line.dropFirst().trimmingCharacters(in: .whitespaces)
                do {
                    _ = try Parser.parse(command)
                } catch { throw fail(error.message) }
                guard !command.isEmpty else { throw fail("an empty command line") }
                lesson.steps.append(.command(command, line: number))
            } else if line.hasPrefix("expect ") || line == "expect" {
                flush()
                do {
                    lesson.steps.append(.expect(try Expectation.parse(String(line.dropFirst("expect".count))), line: number))
                } catch { throw fail(error.message) }
            } else {
                paragraph.append(line)
            }
        }
        flush()
        guard !lesson.title.isEmpty else { throw CommandError("\(file):1: a lesson needs a `# title: …` line") }
        return lesson
    }

    /// Reads and parses a lesson file (a regular file of at most 1 MB).
    public static func load(_ path: String) throws(CommandError) -> Lesson {
        let text: String
        do { text = try TextFile.read(path) } catch { throw CommandError(error.description) }
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try parse(text, name: name, file: path)
    }

    /// The commands and checks before step `position`, for replaying up to it.
    public var commandCount: Int { steps.filter { if case .command = $0 { return true } else { return false } }.count }
}
