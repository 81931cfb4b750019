import DigitLabCore
import DigitLabIO
import Foundation

/// `lesson list|start|stop`, `next`: guided lessons.
enum LessonCommand: ShellCommand, Equatable {
    case list, start(String, from: Int?), stop, next

    static let declaration = CommandDeclaration("lesson", step: .session, summary: "Guided lessons: prose, then each command, run when you press Enter.", recorded: false,
        forms: [
            form(["list"], summary: "The lessons, their measured guided minutes and your progress.", example: "lesson list") { _ in .list },
            form(["start"], [Argument("NAME", .word, help: "a lesson name or number"), Argument("STEP", .int(1...10_000), keyword: "from", optional: true, help: "the step to start from")],
                 summary: "Start a lesson (or resume it where you left it) in a clean session of its own; your session is put aside until `lesson stop`. Enter runs the command shown; type your own in between.",
                 example: "lesson start 01") { a in .start(try a.word("NAME"), from: a.optionalInt("from")) },
            form(["stop"], summary: "Leave the lesson (progress is kept) and get your own session back.", example: "lesson stop") { _ in .stop },
        ])

    static let nextDeclaration = CommandDeclaration("next", step: .session, summary: "During a lesson: move on without running the shown command (or past a check that failed).", recorded: false,
        forms: [form([], summary: "During a lesson: move on without running the shown command, or past a check that failed (the lesson then does not count as complete).", example: "next") { _ in LessonCommand.next }])

    func run(_ context: inout CommandContext) throws(CommandError) -> Output {
        let session = context.session
        switch self {
        case .list: return try Self.list(session)
        case let .start(name, from):
            let (state, out) = try session.startLesson(name, from: from)
            context.state = state
            return out
        case .stop:
            let (own, out) = try session.stopLesson()
            context.state = own
            return out
        case .next:
            let out = try session.skipLessonStep()
            context.state = session.state
            return out
        }
    }

    static func list(_ session: Session) throws(CommandError) -> Output {
        let progress = session.loadLessonProgress()
        var rows = [[String]]()
        for path in try session.lessonFiles() {
            let lesson = try Lesson.load(path)
            let state: String
            switch progress[lesson.name] {
            case .some(-1): state = "done ✓"
            case .some(let p) where p > 0: state = "step \(p + 1)/\(lesson.steps.count)"
            default: state = ""
            }
            rows.append([lesson.name, String(lesson.minutes), state, lesson.title])
        }
        return Output([.table(Table([.init("lesson"), .init("min", .right), .init("progress"), .init("what it teaches")], rows: rows)),
                       .hint("`lesson start NAME` (or its number) begins one; progress is remembered")])
    }
}

/// `record start FILE|stop`.
enum RecordCommand: ShellCommand, Equatable {
    case start(String), stop

    static let declaration = CommandDeclaration("record", step: .session,
        summary: "Write what you type from now on as a script that replays to the same numbers.", recorded: false,
        forms: [
            form(["start"], [Argument("FILE", .path(.writeFile), help: "the script to write")],
                 summary: "Record every command that succeeds from now on into FILE, after a preamble that recreates the session as it is now: every setting, the data, the augmentation, and (when there is a network) a checkpoint saved beside FILE. `digitlab run FILE` replays it.",
                 example: "record start my-session.txt") { a in .start(try a.word("FILE")) },
            form(["stop"], summary: "Stop recording.", example: "record stop") { _ in .stop },
        ])

    func run(_ context: inout CommandContext) throws(CommandError) -> Output {
        let session = context.session
        switch self {
        case .start(let path):
            if let r = session.recorder { throw CommandError("record: already recording to \(r.path) — `record stop` first") }
            guard session.guide == nil else { throw CommandError("record: a lesson is running in a session of its own — `lesson stop` first, then record your own work") }
            // Before anything is written: a folder, a link or "." is not a script name, and
            // the checkpoint beside it must not replace a file that is not one of ours.
            try Recorder.checkScriptName(path)
            var notes = [String]()
            var checkpoint: String?
            if Recorder.needsCheckpoint(context.state) {
                let file = Recorder.checkpointPath(for: path)
                try Recorder.checkCheckpointName(file)
                try context.write(try Checkpoint.encode(context.state), to: file)
                checkpoint = file
                notes.append("saved the session's network and training state to \(file); the recording starts by loading it")
            }
            let lines = Recorder.preamble(context.state, checkpoint: checkpoint)
            let recorder = Recorder(path: path, lines: lines, policy: context.writePolicy, preambleCount: lines.count)
            try context.write(Array(recorder.text.utf8), to: path)
            session.recorder = recorder
            var out = Output(notes.map { .text($0) })
            out.text("recording to \(path): every command that succeeds from now on, after a preamble that recreates this session; `record stop` ends it")
            return out
        case .stop:
            guard let r = session.recorder else { throw CommandError("record: not recording — `record start FILE` first") }
            session.recorder = nil
            return .text("stopped recording: \(Format.plural(r.commandCount, "command")) in \(r.path) (replay with `digitlab run \(Tokenizer.quoted(r.path))`)")
        }
    }
}

/// `export notebook FILE.html|.md|.ipynb`.
struct ExportCommand: ShellCommand, Equatable {
    let path: String

    static let declaration = CommandDeclaration("export", step: .postprocessing,
        summary: "Write the session as a notebook: every command, its output and its pictures as they were when it ran.", recorded: false,
        forms: [form(["notebook"], [Argument("FILE", .path(.writeFile), help: "ending in .html, .md or .ipynb")],
                     summary: "The session as a linear notebook: HTML (one self-contained page, pictures embedded), Markdown (pictures linked where they were written), or Jupyter .ipynb (opens in Jupyter and VS Code). Each cell keeps the output and pictures of the moment it ran.",
                     example: "export notebook outputs/session.ipynb") { a in ExportCommand(path: try a.word("FILE")) }])

    func run(_ context: inout CommandContext) throws(CommandError) -> Output {
        let journal = context.session.journal
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        guard ["html", "ipynb", "md"].contains(ext) else {
            throw CommandError("export notebook: the file must end in .html, .md or .ipynb, got '\(Sanitize.line(path))'")
        }
        // Markdown keeps, beside the notebook, the pictures whose files changed since.
        var kept = [(path: String, bytes: [UInt8])]()
        let notebook = path
        try context.write(to: path) { (append) throws(IOError) in
            // Pieces go out a megabyte at a time: a long session is never whole in memory.
            var buffer = [UInt8]()
            func emit(_ text: String) throws(IOError) {
                buffer += text.utf8
                if buffer.count >= 1 << 20 { try append(buffer); buffer.removeAll(keepingCapacity: true) }
            }
            switch ext {
            case "html": try Notebook.html(journal, emit)
            case "ipynb": try Notebook.jupyter(journal, emit)
            default: try Notebook.markdown(journal, path: notebook, emit) { (bytes, file) throws(IOError) in kept.append((file, bytes)) }
            }
            try append(buffer)
        }
        for f in kept {
            let folder = (f.path as NSString).deletingLastPathComponent
            if !FileManager.default.fileExists(atPath: folder) {
                do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false) } catch {
                    throw CommandError("export notebook: cannot make \(folder) for the pictures that changed since (\(error.localizedDescription))")
                }
            }
            try context.write(f.bytes, to: f.path)
        }
        var cells = 0, pictures = 0
        Notebook.forEachCell(journal) { cell in
            cells += 1
            if case .code(_, let outputs, _) = cell.kind { pictures += outputs.filter { if case .picture = $0 { return true } else { return false } }.count }
        }
        var out = Output.text("wrote \(path): \(Format.plural(cells, "cell")), \(Format.plural(pictures, "picture"))")
        if journal.incomplete { out.append(.warning("the journal could not keep everything (disk full or over 2 GB): some cells are missing")) }
        return out
    }
}

/// `help`, `history`, `quit`.
enum SessionCommand: ShellCommand, Equatable {
    case help([String]), history, quit

    static let helpDeclaration = CommandDeclaration("help", aliases: ["?"], step: .session,
        summary: "Every command by step; one command or sub-command in detail; or a concept explained.", recorded: false,
        forms: [form([], [Argument("WORDS", .words, optional: true, help: "a command, a sub-command or a concept")],
                     summary: "With nothing: every command, by the steps of the workflow. With a command (`help train`), a sub-command (`help set lr`, `help net add`) or a concept (`help overfitting`): what it is and how to use it.",
                     example: "help set lr") { a in .help(a.words("WORDS")) }])
    static let historyDeclaration = CommandDeclaration("history", step: .session, summary: "The lines typed so far in this session.", recorded: false,
        forms: [form([], summary: "The lines typed so far in this session.", example: "history") { _ in .history }])
    static let quitDeclaration = CommandDeclaration("quit", aliases: ["exit"], step: .session, summary: "Leave DigitLab (Ctrl-D too).", recorded: false,
        forms: [form([], summary: "Leave DigitLab (Ctrl-D too). On a terminal, asks first when a trained network was never saved.", example: "quit") { _ in .quit }])

    func run(_ context: inout CommandContext) throws(CommandError) -> Output {
        switch self {
        case .help(let words): return try Help.answer(words)
        case .history:
            return .text(context.session.history.enumerated().map { "\($0.offset + 1)  \($0.element)" }.joined(separator: "\n"))
        case .quit:
            context.session.quitRequested = true
            return Output()
        }
    }
}
