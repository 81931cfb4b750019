/// A command that could not run, as one line the learner can act on. The session is
/// left as it was before the command.
public struct CommandError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
