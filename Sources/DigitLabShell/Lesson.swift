import Foundation

/// A lesson file (`lessons/NN-name.lesson`): a header, then prose paragraphs, command
/// lines (`> load mnist`) and checks (`expect test.accuracy >= 0.97`). See Docs/lessons.md.
public struct Lesson: Sendable {
    public var name: String
    public var title = ""
    public var summary = ""
    public var minutes = 2
    public var steps: [Step] = []

    public enum Step: Sendable, Equatable {
        /// One paragraph of prose.
        case prose(String)
        case command(String, line: Int)
        case expect(Expectation, line: Int)
    }

    /// Reads a lesson, or fails at the first bad line with `FILE:LINE: message`.
    public static func parse(_ text: String, name: String, file: String) throws(CommandError) -> Lesson {
        var lesson = Lesson(name: name)
        var paragraph = [String]()
        func flush() {
            if !paragraph.isEmpty { lesson.steps.append(.prose(paragraph.joined(separator: " "))) }
            paragraph = []
        }
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let number = index + 1
            if line.isEmpty { flush(); continue }
            if line.hasPrefix("##") { continue } // a comment for lesson authors
            if line.hasPrefix("#") {
                flush()
                let body = line.dropFirst().trimmingCharacters(in: .whitespaces)
                guard let colon = body.firstIndex(of: ":") else {
                    throw CommandError("\(file):\(number): a header line needs `# key: value` (title, summary or minutes)")
                }
                let key = body[..<colon].lowercased(), value = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                switch key {
                case "title": lesson.title = value
                case "summary": lesson.summary = value
                case "minutes":
                    guard let m = Int(value), m > 0 else { throw CommandError("\(file):\(number): minutes must be a whole number, got '\(value)'") }
                    lesson.minutes = m
                default: throw CommandError("\(file):\(number): unknown header '\(key)' — title, summary or minutes")
                }
            } else if line.hasPrefix(">") {
                flush()
                let command = line.dropFirst().trimmingCharacters(in: .whitespaces)
                guard let word = command.split(separator: " ").first.map(String.init), CommandTable.command(named: word) != nil else {
                    throw CommandError("\(file):\(number): unknown command in '\(command)'")
                }
                lesson.steps.append(.command(command, line: number))
            } else if line.hasPrefix("expect ") || line == "expect" {
                flush()
                do {
                    lesson.steps.append(.expect(try Expectation.parse(String(line.dropFirst("expect".count))), line: number))
                } catch {
                    throw CommandError("\(file):\(number): \(error.message)")
                }
            } else {
                paragraph.append(line)
            }
        }
        flush()
        guard !lesson.title.isEmpty else { throw CommandError("\(file):1: a lesson needs a `# title: …` line") }
        return lesson
    }

    public static func load(_ path: String) throws(CommandError) -> Lesson {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CommandError("\(path): cannot read the lesson file")
        }
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try parse(text, name: name, file: path)
    }
}

/// One `expect` line: a value of the session compared with a number, or a file that
/// must exist. `quick VALUE` gives the threshold used when lessons replay on a small
/// subset of the data (the test suite).
public struct Expectation: Sendable, Equatable {
    public enum Check: Sendable, Equatable {
        case metric(String, EarlyStopping.Comparison, Double, quick: Double?)
        case file(String)
    }
    public let check: Check
    public let text: String

    public static let metrics = ["test.accuracy", "validation.accuracy", "train.accuracy", "test.loss", "validation.loss",
                                 "train.loss", "train.count", "test.count", "validation.count", "network.layers",
                                 "network.parameters", "epochs", "steps"]

    static func parse(_ text: String) throws(CommandError) -> Expectation {
        let words = text.split(separator: " ").map(String.init)
        guard let first = words.first else { throw CommandError("expect needs a check, e.g. `expect test.accuracy >= 0.97`") }
        if first == "file" {
            guard words.count == 2 else { throw CommandError("expect file takes one path") }
            return Expectation(check: .file(words[1]), text: text.trimmingCharacters(in: .whitespaces))
        }
        guard metrics.contains(first) else {
            throw CommandError("expect: unknown value '\(first)' — one of \(metrics.joined(separator: ", ")), or file PATH")
        }
        guard words.count == 3 || (words.count == 5 && words[3] == "quick"),
              let op = EarlyStopping.Comparison(rawValue: words[1]), let value = Double(words[2]) else {
            throw CommandError("expect: write `expect \(first) OP VALUE [quick VALUE]` with OP one of >=, >, <=, <")
        }
        let quick = words.count == 5 ? Double(words[4]) : nil
        if words.count == 5 && quick == nil { throw CommandError("expect: quick needs a number, got '\(words[4])'") }
        return Expectation(check: .metric(first, op, value, quick: quick), text: text.trimmingCharacters(in: .whitespaces))
    }
}

import DigitLabCore
