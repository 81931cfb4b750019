/// The nine steps of SPEC, in the order a learner walks them; `help` groups by them.
public enum Step: String, CaseIterable, Sendable {
    case dataset, preprocessing, architecture, training, validation, testing, prediction
    case postprocessing = "post-processing", deployment, session
}

/// One command, declared once: help, completion, the REPL, scripts and lessons all read
/// this declaration.
public struct Command: Sendable {
    public let name: String
    public let step: Step
    /// Syntax, e.g. `load mnist|fashion|idx DIR [--train N] [--test N] [--random]`.
    public let usage: String
    public let summary: String
    public let example: String
    /// Words that may follow the name (sub-commands, setting names), for completion.
    public let words: [String]
    /// Throws `CommandError` for anything the learner can fix.
    public let action: @Sendable (Session, Arguments) throws -> String

    public init(_ name: String, step: Step, usage: String, summary: String, example: String,
                words: [String] = [],
                action: @escaping @Sendable (Session, Arguments) throws -> String) {
        self.name = name; self.step = step; self.usage = usage; self.summary = summary
        self.example = example; self.words = words; self.action = action
    }
}

/// The words after a command name, with helpers that turn bad input into one-line errors.
public struct Arguments: Sendable {
    public let command: String
    public var words: [String]

    public var isEmpty: Bool { words.isEmpty }
    public var first: String? { words.first }

    /// Removes and returns the next word, or fails naming what was expected.
    public mutating func next(_ what: String) throws(CommandError) -> String {
        guard !words.isEmpty else { throw CommandError("\(command): missing \(what) — see `help \(command)`") }
        return words.removeFirst()
    }

    public mutating func nextInt(_ what: String, min lowest: Int = 1) throws(CommandError) -> Int {
        let w = try next(what)
        guard let v = Int(w), v >= lowest else {
            throw CommandError("\(command): \(what) must be a whole number ≥ \(lowest), got '\(w)'")
        }
        return v
    }

    public mutating func nextFloat(_ what: String) throws(CommandError) -> Float {
        let w = try next(what)
        guard let v = Float(w), v.isFinite else { throw CommandError("\(command): \(what) must be a number, got '\(w)'") }
        return v
    }

    /// Removes `--name VALUE` if present and returns VALUE.
    public mutating func option(_ name: String) throws(CommandError) -> String? {
        guard let i = words.firstIndex(of: name) else { return nil }
        guard i + 1 < words.count else { throw CommandError("\(command): \(name) needs a value") }
        let v = words[i + 1]
        words.removeSubrange(i...(i + 1))
        return v
    }

    /// Removes a bare `--flag` if present.
    public mutating func flag(_ name: String) -> Bool {
        guard let i = words.firstIndex(of: name) else { return false }
        words.remove(at: i)
        return true
    }

    /// Fails if words are left over.
    public func done() throws(CommandError) {
        if let extra = words.first { throw CommandError("\(command): unexpected '\(extra)' — see `help \(command)`") }
    }
}
