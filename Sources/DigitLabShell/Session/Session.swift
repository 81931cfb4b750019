import DigitLabCore
import DigitLabIO
import Foundation

/// One sitting with DigitLab: the state the learner builds (`SessionState`), plus what is
/// about the sitting itself — the notebook journal, a recording, a lesson being followed
/// (with the learner's own state put aside), the history. `run(_:)` turns one line into a
/// command value, runs it on a copy of the state, and keeps the copy only if it
/// succeeds. The terminal is a thin loop around this; every command is testable without it.
public final class Session: @unchecked Sendable {
    /// Where a line came from. Lesson lines write only under outputs/; quiet replays
    /// (resuming a lesson) leave no trace in the notebook or the history.
    public enum Origin: Sendable, Equatable { case typed, lesson, quietReplay }

    public internal(set) var state = SessionState()
    public let locator: DataLocator
    /// Polled at every batch boundary and in long loops: set from a Ctrl-C handler.
    public var interruptRequested: @Sendable () -> Bool = { false }
    /// Whether the running command saw the Ctrl-C (and so stopped, or said why not): a
    /// command that cannot stop partway never looks, and the REPL says so for it.
    public internal(set) var interruptSeen = false
    /// Where a long command shows progress as it runs (a terminal); nil in tests.
    public var live: (any LiveOutput)?
    /// Lessons replayed quickly (the test suite; `DIGITLAB_QUICK=1`): every `load` keeps
    /// at most these many images, and `expect` uses its `quick` thresholds.
    public var quickLimit: (train: Int, test: Int)? = ProcessInfo.processInfo.environment["DIGITLAB_QUICK"] == "1" ? (5000, 500) : nil
    public var quickLessons: Bool { quickLimit != nil }
    /// Where lesson progress is remembered across restarts (the REPL sets
    /// ~/.digitlab_lessons; nil keeps no record).
    public var lessonProgressFile: String?
    /// Lines a lesson runs may write outside outputs/ (`digitlab run --allow-writes`).
    public var allowLessonWrites = false
    /// How the terminal front end shows pictures and why ("auto → sixel (the terminal
    /// reports sixel graphics)"), for `set`; nil without a terminal.
    public var pictureReason: (() -> String)?
    /// Set by `quit`; the front end ends its loop.
    public internal(set) var quitRequested = false
    public private(set) var history: [String] = []
    /// Every command and its output as it was, for `export notebook` (kept on disk).
    public let journal = NotebookJournal()
    var recorder: Recorder?
    var guide: Guide?
    /// The learner's own state while a lesson runs in a clean one.
    var stash: SessionState?

    public init(locator: DataLocator = DataLocator()) {
        self.locator = locator
        Parallel.threads = state.settings.threads
    }

    /// Runs one typed line (a command, a blank line or a `#` comment).
    @discardableResult
    public func run(_ line: String) throws(CommandError) -> Output {
        try execute(line, origin: .typed)
    }

    /// Runs a line as if it came from `origin` (a lesson's lines write only under outputs/).
    @discardableResult
    public func run(_ line: String, as origin: Origin) throws(CommandError) -> Output {
        try execute(line, origin: origin)
    }

    func execute(_ line: String, origin: Origin) throws(CommandError) -> Output {
        let text = Tokenizer.clean(line).trimmingCharacters(in: .whitespaces)
        let parsed: Parser.Parsed
        do {
            guard let p = try Parser.parse(line) else { return Output() }
            parsed = p
        } catch {
            note(text, origin: origin, failed: error)
            throw error
        }
        if origin != .quietReplay { history.append(text) }
        // The learner's own lines write where they say; a lesson's only under outputs/.
        let policy: WritePolicy = origin == .typed || allowLessonWrites ? WritePolicy.anywhere.creating(state.outputs.folder)
            : .under(state.outputs.folder, hint: "run it with --allow-writes to let it write elsewhere")
        var context = CommandContext(state: state, session: self, writePolicy: policy, origin: origin)
        // Training never saved, about to go with the network (in a script, or typed after
        // the shell asked): said, so that it is never lost silently.
        let lostSteps = parsed.command.replacesNetwork ? state.model.unsavedSteps : 0
        var output: Output
        do {
            output = try parsed.command.run(&context)
        } catch {
            note(text, origin: origin, failed: error, alreadyInHistory: true)
            throw error
        }
        commit(context.state)
        if lostSteps > 0 {
            output.append(.warning("the network it replaced had trained \(Format.plural(lostSteps, "step")) since it was last saved; that training is gone"))
        }
        if parsed.declaration.recorded, let warning = record(text) { output.append(.warning(warning)) }
        if origin != .quietReplay { journal.append(command: text, output: output) }
        // Typing the command a lesson shows moves the lesson on.
        if origin != .quietReplay, let pending = guide?.pending, pending == text {
            let next = advanceGuide()
            journal.append(lessonOutput: next)
            output.append(contentsOf: next)
        }
        return output
    }

    /// Keeps a command's changes: the state, and what lives outside it (threads).
    func commit(_ new: SessionState) {
        if new.settings.threads != Parallel.threads { Parallel.threads = new.settings.threads }
        state = new
    }

    /// A failed line goes into the history (to fix and run again) once: a line that
    /// parsed is there already when its command fails.
    private func note(_ text: String, origin: Origin, failed error: CommandError, alreadyInHistory: Bool = false) {
        guard origin != .quietReplay, !text.isEmpty else { return }
        if !alreadyInHistory { history.append(text) }
        journal.append(command: text, error: error.message)
    }

    /// A file to read: as given when it exists from the current directory, else inside
    /// the DigitLab home (lessons name bundled files such as `models/default.safetensors`).
    func resolve(_ path: String) -> String {
        guard !path.hasPrefix("/"), !FileManager.default.fileExists(atPath: path),
              let home = try? locator.home(), FileManager.default.fileExists(atPath: home + "/" + path) else { return path }
        return home + "/" + path
    }

    /// A lesson being followed, if any (shown in the prompt).
    public var lessonTitle: String? { guide?.lesson.title }

    /// Whether the network has trained since it was made, loaded or saved.
    public var hasUnsavedTraining: Bool { state.model.unsavedSteps > 0 }
}
