@preconcurrency import CReadline
import Glibc
import DigitLabCore

/// The interactive loop: readline for editing and history, a prompt that shows the
/// state, and Ctrl-C that clears the line at the prompt or stops training.
public enum REPL {
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
        session.interruptRequested = { Terminal.interrupted }
        session.useColor = Terminal.allowsEscapes
        session.progress = { line in
            if Terminal.allowsEscapes { print("\r\u{1B}[2K" + line, terminator: line.hasPrefix("epoch ") && line.contains("|") ? "\n" : "") } else { _ = line }
            fflush(stdout)
        }
        print("DigitLab — learn how a network reads handwritten digits. Type `help`, or `load mnist` to begin.")
        while true {
            Terminal.clearInterrupt()
            guard let raw = readline(prompt(session)) else { print(""); return 0 } // Ctrl-D
            let line = String(cString: raw)
            free(raw)
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            add_history(line)
            do {
                let output = try session.run(line)
                if Terminal.allowsEscapes { print("\r\u{1B}[2K", terminator: "") }
                if !output.isEmpty { print(output) }
                if session.quitRequested { return 0 }
            } catch {
                print("error: \(error.message)")
            }
        }
    }

    static func prompt(_ s: Session) -> String {
        var parts = [String]()
        if let d = s.dataset { parts.append(d.name) }
        if let n = s.network, !n.isEmpty { parts.append("\(n.layers.count) layers") }
        if let t = s.trainer, t.stepsTaken > 0 { parts.append("epoch \(t.epochsCompleted)") }
        return "digitlab" + (parts.isEmpty ? "" : " [" + parts.joined(separator: ", ") + "]") + "> "
    }
}

import Foundation
