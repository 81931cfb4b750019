import Glibc
import Synchronization

/// Set by SIGINT (Ctrl-C); polled by training at every batch boundary.
let interruptFlag = Atomic<Bool>(false)

/// Facts about the terminal that decide how output looks.
public enum Terminal {
    public static var stdinIsTTY: Bool { isatty(STDIN_FILENO) == 1 }
    public static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }
    /// Escape codes only on a terminal, and never when NO_COLOR is set.
    public static var allowsEscapes: Bool { stdoutIsTTY && getenv("NO_COLOR") == nil }

    /// Catches Ctrl-C without SA_RESTART, so a blocked read returns and readline's
    /// event hook can clear the line; training sees the flag at the next batch.
    public static func installInterruptHandler() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in interruptFlag.store(true, ordering: .relaxed) }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }

    /// True once per Ctrl-C.
    public static func takeInterrupt() -> Bool { interruptFlag.exchange(false, ordering: .relaxed) }
    public static func clearInterrupt() { interruptFlag.store(false, ordering: .relaxed) }
    public static var interrupted: Bool { interruptFlag.load(ordering: .relaxed) }
}

extension Terminal {
    /// Columns of the terminal on stdout (80 when it cannot tell).
    public static var columns: Int {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
