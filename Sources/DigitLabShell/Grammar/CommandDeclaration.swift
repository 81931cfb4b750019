import DigitLabCore

/// The nine steps of SPEC, in the order a learner walks them; `help` groups by them.
public enum Step: String, CaseIterable, Sendable {
    case dataset, preprocessing, architecture, training, validation, testing, prediction
    case postprocessing = "post-processing", deployment, session
}

/// A command, declared once: its forms (sub-commands), their typed arguments, help text
/// and examples. The parser, `help`, tab completion, Docs/commands.md and the lesson
/// checker all read this one declaration.
public struct CommandDeclaration: Sendable {
    public let name: String
    public let aliases: [String]
    public let step: Step
    public let summary: String
    public let forms: [Form]
    /// Whether a recording keeps the line (not for `help`, `export`, `record` …).
    public let recorded: Bool

    public init(_ name: String, aliases: [String] = [], step: Step, summary: String, recorded: Bool = true, forms: [Form]) {
        self.name = name; self.aliases = aliases; self.step = step; self.summary = summary
        self.recorded = recorded; self.forms = forms
    }

    /// `set lr RATE`, one line per form.
    public var usage: [String] { forms.map { $0.usage(name) } }
}

/// One way to call a command: fixed words (`model` in `save model FILE`), then
/// arguments; `make` turns what was parsed into the command value.
public struct Form: Sendable {
    public let words: [String]
    public let arguments: [Argument]
    public let summary: String
    public let example: String
    let make: @Sendable (ParsedArguments) throws -> any ShellCommand

    public init(_ words: [String], _ arguments: [Argument] = [], summary: String, example: String,
                make: @escaping @Sendable (ParsedArguments) throws -> any ShellCommand) {
        self.words = words; self.arguments = arguments; self.summary = summary; self.example = example; self.make = make
    }

    /// `render samples [SPLIT] [N] [--augmented] [to FILE]`.
    public func usage(_ command: String) -> String {
        ([command] + words + arguments.map(\.usage)).joined(separator: " ")
    }
}

/// One argument: a positional value, a keyword with a value (`--train N`, `stride S`,
/// `to FILE`) or a flag (`--stages`).
public struct Argument: Sendable {
    public enum Kind: Sendable {
        case int(ClosedRange<Int>)
        /// A finite number within the range.
        case number(ClosedRange<Double>)
        /// A seed: any whole number 0 … 2⁶⁴−1.
        case seed
        case choice([String])
        case path(PathRole)
        /// Any single word (a name).
        case word
        /// A test image: a number, or `drawing` for the last drawing kept by `draw`.
        case image
        /// `7` or `3..9`.
        case indexRange
        /// A memory size: `512MB`, `2GB`.
        case bytes
        /// Everything after: layers for `net add`, parsed by the layer grammar.
        case layers
        /// Everything after, as words (run names).
        case words
        /// Present or not (needs a keyword).
        case flag
    }

    public enum PathRole: Sendable { case readFile, readFolder, writeFile }

    public let placeholder: String
    public let kind: Kind
    public let keyword: String?
    public let optional: Bool
    public let help: String
    /// For a keyword: the value it stands for when written alone (`augment elastic`).
    public let implied: Double?

    public init(_ placeholder: String, _ kind: Kind, keyword: String? = nil, optional: Bool = false, help: String = "",
                implied: Double? = nil) {
        self.placeholder = placeholder; self.kind = kind; self.keyword = keyword; self.optional = optional; self.help = help
        self.implied = implied
    }

    public static func flag(_ keyword: String, help: String = "") -> Argument {
        Argument(keyword, .flag, keyword: keyword, optional: true, help: help)
    }

    /// The key a value is found under in `ParsedArguments`.
    var key: String { keyword ?? placeholder }

    var usage: String {
        var text: String
        switch kind {
        case .flag: text = keyword ?? placeholder
        case .choice(let words) where keyword == nil && optional && words.count <= 4: text = words.joined(separator: "|")
        case .layers: text = "LAYER..."
        case .words: text = placeholder + "..."
        default: text = (keyword.map { $0 + " " } ?? "") + (implied != nil ? "[\(placeholder)]" : placeholder)
        }
        return optional ? "[\(text)]" : text
    }
}

/// A command ready to run: what the parser made of a line. It never touches the session
/// while being made; `run` validates everything against the session, then commits.
public protocol ShellCommand: Sendable {
    func run(_ context: inout CommandContext) throws(CommandError) -> Output
    /// Whether running it puts another network in place of the one there is, trained
    /// weights and all (`net new`, `load model` …): the shell asks first when that
    /// network has training that was never saved.
    var replacesNetwork: Bool { get }
}

extension ShellCommand {
    public var replacesNetwork: Bool { false }

    /// A form that makes this command (so `.model(path)` reads as this type's case).
    static func form(_ words: [String], _ arguments: [Argument] = [], summary: String, example: String,
                     make: @escaping @Sendable (ParsedArguments) throws -> Self) -> Form {
        Form(words, arguments, summary: summary, example: example) { a in try make(a) }
    }
}
