@preconcurrency import CReadline
import Foundation
import Glibc

/// The interactive loop: readline for editing, history (kept in ~/.digitlab_history)
/// and tab completion; a prompt that shows the state; Ctrl-C clears the line at the
/// prompt or stops training after the current batch; Ctrl-D leaves. Outputs are drawn by
/// `TerminalPresenter` (colour, half-block digits, inline pictures).
public enum REPL {
    static let historyLimit: Int32 = 1000

    public static func run(session: Session) -> Int32 {
        Terminal.installInterruptHandler()
        Terminal.installRestoreOnSignals()
        rl_catch_signals = 0
        rl_signal_event_hook = {
            // Back from Ctrl-Z: the parent shell's terminal modes are in force, set
            // readline's again and draw the prompt and the line on a fresh line.
            if Terminal.takeContinued() {
                rl_deprep_terminal()
                rl_prep_terminal(1)
                rl_on_new_line()
                rl_redisplay()
            }
            // Ctrl-C at the prompt: drop what was typed and show a fresh prompt.
            if Terminal.takeInterrupt() {
                rl_replace_line("", 0)
                rl_crlf()
                rl_on_new_line()
                rl_redisplay()
            }
            return 0
        }
        ReadlineCompletion.install(session: session)
        let history = historyPath
        // append_history only appends to a file that exists: create it on first use.
        if read_history(history) != 0 { write_history(history) }
        session.interruptRequested = { Terminal.interrupted }
        session.lessonProgressFile = (ProcessInfo.processInfo.environment["HOME"] ?? ".") + "/.digitlab_lessons"
        let presenter = TerminalPresenter(session: session)
        session.live = presenter.live
        session.pictureReason = { [unowned presenter, unowned session] in
            presenter.pictures.choice = session.state.settings.pictures
            return presenter.pictures.decision.reason
        }
        print(TerminalText.wrap("DigitLab — learn how a network reads handwritten digits. Type `help`, `lesson list`, or `load mnist` to begin.", width: Terminal.columns))
        if let warning = presenter.pictures.warning { print("warning: \(warning)") }
        defer { history_truncate_file(history, historyLimit) }
        while true {
            Terminal.clearInterrupt()
            _ = Terminal.takeContinued() // a Ctrl-Z during a command: readline sets its modes anew
            guard let raw = readline(prompt(session)) else { // Ctrl-D
                print("")
                if confirmQuit(session) { return 0 }
                continue
            }
            let line = String(cString: raw)
            free(raw)
            do {
                if line.trimmingCharacters(in: .whitespaces).isEmpty {
                    // Enter during a lesson runs the command it shows (or checks again).
                    if let out = try session.lessonEnter() { presenter.show(out) }
                    continue
                }
                add_history(line)
                append_history(1, history)
                if let parsed = try? Parser.parse(line), parsed.command.replacesNetwork, !confirmReplacing(session, by: parsed) {
                    continue
                }
                session.interruptSeen = false
                let out = try session.run(line)
                acknowledgeUnseenInterrupt(session)
                presenter.show(out)
                if session.quitRequested {
                    if confirmQuit(session) { return 0 }
                    session.quitRequested = false
                }
            } catch {
                acknowledgeUnseenInterrupt(session)
                presenter.showError(error.message)
            }
        }
    }

    /// Ctrl-C during a command that cannot stop partway (reading a number, loading a
    /// file) showed "^C" and then the answer, as if it had been ignored: it is said,
    /// on a line of its own after the "^C", before the answer.
    static func acknowledgeUnseenInterrupt(_ session: Session) {
        guard Terminal.interrupted, !session.interruptSeen else { return }
        print("")
        print(TerminalText.wrap(unseenInterruptNote, width: Terminal.columns))
    }

    static let unseenInterruptNote = "(Ctrl-C: this command cannot stop partway, and ran to its end)"

    /// Quitting with a trained network never saved asks once; anything but y stays, and
    /// so does Ctrl-C; Ctrl-D (end of input) leaves.
    static func confirmQuit(_ session: Session) -> Bool {
        guard session.hasUnsavedTraining else { return true }
        // Ctrl-D here leaves, as Ctrl-D at the prompt does.
        return askAboutUnsavedTraining(session, "quitting loses it. Quit anyway?", no: "staying", atEnd: true)
    }

    /// A command that puts another network in place (`net new`, `load model` …) asks the
    /// same way when the network there has training never saved; anything but y keeps it
    /// (Ctrl-D too). A file that cannot be read is not asked about: the command fails.
    static func confirmReplacing(_ session: Session, by parsed: Parser.Parsed) -> Bool {
        guard session.hasUnsavedTraining else { return true }
        if let path = (parsed.command as? LoadCommand)?.fileRead, !FileManager.default.isReadableFile(atPath: session.resolve(path)) {
            return true
        }
        let name = ([parsed.declaration.name] + parsed.form.words).joined(separator: " ")
        let what = (parsed.command as? NetCommand) == .reset ? "`net reset` draws its weights afresh" : "`\(name)` puts another network in its place"
        return askAboutUnsavedTraining(session, "\(what). Go on?", no: "kept the network, nothing was run", atEnd: false)
    }

    /// "The network has trained N steps since it was last saved; CONSEQUENCE [y/N]": true
    /// for y; `atEnd` at end of input (Ctrl-D).
    static func askAboutUnsavedTraining(_ session: Session, _ consequence: String, no: String, atEnd: Bool) -> Bool {
        print(TerminalText.wrap("The network has trained \(Format.plural(session.state.model.unsavedSteps, "step")) since it was last saved; \(consequence) [y/N]", width: Terminal.columns) + " ", terminator: "")
        fflush(nil)
        let answer = answerLine()
        if answer == nil { print("") }   // Ctrl-D leaves the cursor after the question
        if answer == nil ? atEnd : answer!.lowercased().hasPrefix("y") { return true }
        print(TerminalText.wrap("\(no) — `save model outputs/my-model.safetensors` keeps it (`save checkpoint …` to go on training exactly)", width: Terminal.columns))
        return false
    }

    /// One line from the terminal (cooked mode: the kernel edits it); "" after Ctrl-C,
    /// nil at end of input. Swift's `readLine` would wait on through Ctrl-C.
    static func answerLine() -> String? {
        Terminal.clearInterrupt()
        var bytes = [UInt8]()
        while true {
            var byte: UInt8 = 0
            let n = read(STDIN_FILENO, &byte, 1)
            if n < 0, errno == EINTR {
                if Terminal.takeInterrupt() { print(""); return "" }
                continue
            }
            guard n > 0 else { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if byte == 0x0A { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }

    static var historyPath: String {
        (ProcessInfo.processInfo.environment["HOME"] ?? ".") + "/.digitlab_history"
    }

    static func prompt(_ s: Session) -> String {
        var parts = [String]()
        if let title = s.lessonTitle { parts.append("lesson: \(title.prefix(24))") }
        if let d = s.state.data.dataset { parts.append(d.name) }
        if let n = s.state.model.network, !n.isEmpty { parts.append(Format.plural(n.layers.count, "layer")) }
        if let t = s.state.model.trainer, t.stepsTaken > 0 {
            parts.append(t.positionInEpoch > 0 ? "epoch \(t.epochsCompleted + 1), step \(t.stepsTaken)" : "\(Format.plural(t.epochsCompleted, "epoch")) done")
        } else if s.hasUnsavedTraining {
            // `net add`/`net pop` start a new trainer but keep the trained layers: without
            // this the prompt looked as if the training had gone.
            parts.append("\(Format.plural(s.state.model.unsavedSteps, "step")) trained, unsaved")
        }
        return "digitlab" + (parts.isEmpty ? "" : " [" + Sanitize.line(parts.joined(separator: ", ")) + "]") + "> "
    }
}
