import DigitLabCore

/// A test image named on a command line: its index, or the drawing kept by `draw`.
public enum ImageRef: Sendable, Equatable {
    case index(Int)
    case drawing
}

/// The typed values the parser found for a form's arguments, by placeholder (or keyword).
public struct ParsedArguments: Sendable {
    public enum Value: Sendable, Equatable {
        case int(Int)
        case number(Double)
        case seed(UInt64)
        case word(String)
        case image(ImageRef)
        case range(ClosedRange<Int>)
        case bytes(Int)
        case layers([LayerSpec])
        case words([String])
        case flag
    }

    var values: [String: Value] = [:]
    /// The command and form words, for messages (`set lr`).
    let context: String

    subscript(_ key: String) -> Value? { values[key] }

    /// The value under `key` when it has the kind `pick` accepts.
    private func value<T>(_ key: String, _ pick: (Value) -> T?) -> T? { values[key].flatMap(pick) }

    /// A required value; its absence is a bug in a form (the parser checks required
    /// arguments), reported as one line rather than a crash.
    private func required<T>(_ key: String, _ pick: (Value) -> T?) throws(CommandError) -> T {
        guard let v = value(key, pick) else { throw CommandError("\(context): missing \(key) — see `help \(context)`") }
        return v
    }

    public func int(_ key: String) throws(CommandError) -> Int { try required(key) { if case .int(let v) = $0 { v } else { nil } } }
    public func optionalInt(_ key: String) -> Int? { value(key) { if case .int(let v) = $0 { v } else { nil } } }
    public func int(_ key: String, default fallback: Int) -> Int { optionalInt(key) ?? fallback }
    public func number(_ key: String) throws(CommandError) -> Double { try required(key) { if case .number(let v) = $0 { v } else { nil } } }
    public func optionalNumber(_ key: String) -> Double? { value(key) { if case .number(let v) = $0 { v } else { nil } } }
    public func seed(_ key: String) throws(CommandError) -> UInt64 { try required(key) { if case .seed(let v) = $0 { v } else { nil } } }
    public func word(_ key: String) throws(CommandError) -> String { try required(key) { if case .word(let v) = $0 { v } else { nil } } }
    public func optionalWord(_ key: String) -> String? { value(key) { if case .word(let v) = $0 { v } else { nil } } }
    public func image(_ key: String) throws(CommandError) -> ImageRef { try required(key) { if case .image(let v) = $0 { v } else { nil } } }
    public func range(_ key: String) throws(CommandError) -> ClosedRange<Int> { try required(key) { if case .range(let v) = $0 { v } else { nil } } }
    public func bytes(_ key: String) throws(CommandError) -> Int { try required(key) { if case .bytes(let v) = $0 { v } else { nil } } }
    public func layers(_ key: String) throws(CommandError) -> [LayerSpec] { try required(key) { if case .layers(let v) = $0 { v } else { nil } } }
    public func words(_ key: String) -> [String] { value(key) { if case .words(let v) = $0 { v } else { nil } } ?? [] }
    public func flag(_ key: String) -> Bool { values[key] == .flag }
}
