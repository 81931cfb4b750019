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

    private func missing(_ key: String) -> CommandError {
        CommandError("\(context): missing \(key) — see `help \(context)`")
    }

    public func int(_ key: String) throws(CommandError) -> Int {
        guard case .int(let v) = values[key] else { throw missing(key) }
        return v
    }
    public func int(_ key: String, default fallback: Int) -> Int {
        if case .int(let v) = values[key] { return v }
        return fallback
    }
    public func optionalInt(_ key: String) -> Int? {
        if case .int(let v) = values[key] { return v }
        return nil
    }
    public func number(_ key: String) throws(CommandError) -> Double {
        guard case .number(let v) = values[key] else { throw missing(key) }
        return v
    }
    public func optionalNumber(_ key: String) -> Double? {
        if case .number(let v) = values[key] { return v }
        return nil
    }
    public func seed(_ key: String) throws(CommandError) -> UInt64 {
        guard case .seed(let v) = values[key] else { throw missing(key) }
        return v
    }
    public func word(_ key: String) throws(CommandError) -> String {
        guard case .word(let v) = values[key] else { throw missing(key) }
        return v
    }
    public func optionalWord(_ key: String) -> String? {
        if case .word(let v) = values[key] { return v }
        return nil
    }
    public func image(_ key: String) throws(CommandError) -> ImageRef {
        guard case .image(let v) = values[key] else { throw missing(key) }
        return v
    }
    public func range(_ key: String) throws(CommandError) -> ClosedRange<Int> {
        guard case .range(let v) = values[key] else { throw missing(key) }
        return v
    }
    public func bytes(_ key: String) throws(CommandError) -> Int {
        guard case .bytes(let v) = values[key] else { throw missing(key) }
        return v
    }
    public func layers(_ key: String) throws(CommandError) -> [LayerSpec] {
        guard case .layers(let v) = values[key] else { throw missing(key) }
        return v
    }
    public func words(_ key: String) -> [String] {
        if case .words(let v) = values[key] { return v }
        return []
    }
    public func flag(_ key: String) -> Bool { values[key] == .flag }
}
