@preconcurrency import CReadline
import Foundation
import Glibc

/// The interactive loop: readline for editing, history (kept in ~/.digitlab_history)
/// and tab completion; a prompt that shows the state; Ctrl-C clears the line at the
/// prompt or stops training after the current batch; Ctrl-D leaves.
public enum REPL {
    static let historyLimit: Int32 = 1000

    public static func run(session: Session) -> Int32 {
        Terminal.installInterruptHandler()
        rl_catch_signals = 0
        rl_signal_event_hook = {
            // Ctrl-C at the prompt: drop what was typed and show a fresh prompt.
            if Terminal.takeInterrupt() {
                rl_replace_line("", 0)
                rl_crlf()
                rl_on_new_line()
                rl_redisplay()
            }
            return 0
        }
        Completion.install()
        let history = historyPath
        // append_history only appends to a file that exists: create it on first use.
        if read_history(history) != 0 { write_history(history) }
        session.interruptRequested = { Terminal.interrupted }
        session.lessonProgressFile = (ProcessInfo.processInfo.environment["HOME"] ?? ".") + "/.digitlab_lessons"
        session.useColor = Terminal.allowsEscapes
        let terminal = TerminalOutput()
        session.live = terminal
        print("DigitLab — learn how a network reads handwritten digits. Type `help`, or `load mnist` to begin.")
        defer { history_truncate_file(history, historyLimit) }
        while true {
            Terminal.clearInterrupt()
            guard let raw = readline(prompt(session)) else { print(""); return 0 } // Ctrl-D
            let line = String(cString: raw)
            free(raw)
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                // Enter during a lesson runs the command it shows (echoed first, so live
                // progress appears under it).
                guard let pending = session.pendingLessonCommand else { continue }
                print("> \(pending)")
                do {
                    let output = try session.run(pending)
                    terminal.clear()
                    print(output)
                } catch {
                    terminal.clear()
                    print("error: \(error.message)")
                }
                continue
            }
            add_history(line)
            append_history(1, history)
            do {
                let output = try session.run(line)
                terminal.clear()
                if !output.isEmpty { print(output) }
                if session.quitRequested { return 0 }
            } catch {
                terminal.clear()
                print("error: \(error.message)")
            }
        }
    }

    static var historyPath: String {
        (ProcessInfo.processInfo.environment["HOME"] ?? ".") + "/.digitlab_history"
    }

    static func prompt(_ s: Session) -> String {
        var parts = [String]()
        if let d = s.dataset { parts.append(d.name) }
        if let n = s.network, !n.isEmpty { parts.append("\(n.layers.count) layers") }
        if let t = s.trainer, t.stepsTaken > 0 { parts.append("epoch \(t.epochsCompleted + (t.positionInEpoch > 0 ? 1 : 0))") }
        return "digitlab" + (parts.isEmpty ? "" : " [" + parts.joined(separator: ", ") + "]") + "> "
    }
}

/// Live output on a terminal: the status line is redrawn in place with a carriage
/// return and "erase line"; without escape codes (NO_COLOR) only permanent lines show.
final class TerminalOutput: LiveOutput {
    private var showing = false

    func transient(_ text: String) {
        guard Terminal.allowsEscapes else { return }
        print("\r\u{1B}[2K" + text, terminator: "")
        fflush(stdout)
        showing = true
    }

    func permanent(_ text: String) {
        clear()
        print(text)
        fflush(stdout)
    }

    func clear() {
        guard showing else { return }
        print("\r\u{1B}[2K", terminator: "")
        fflush(stdout)
        showing = false
    }
}
