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

/// Set by SIGCONT: the shell was suspended (Ctrl-Z) and brought back (`fg`).
let continuedFlag = Atomic<Bool>(false)

extension Terminal {
    /// The terminal's modes when the shell started (cooked: readline changes them only
    /// while it waits for a line). Plain storage, for the signal handlers.
    nonisolated(unsafe) static var startModes = termios()
    nonisolated(unsafe) static var hasStartModes = false

    /// The signals that would leave the terminal unusable:
    /// - SIGTERM and SIGHUP while readline holds the terminal in its own mode (echo off,
    ///   no line editing by the kernel): the modes of the start are put back, then the
    ///   signal ends the process as it would have;
    /// - SIGCONT after Ctrl-Z and `fg`: the parent shell has set its own modes meanwhile,
    ///   so readline's must be set again (`takeContinued`, from readline's event hook).
    /// The drawing pad installs its own handlers while it is open and puts these back.
    public static func installRestoreOnSignals() {
        hasStartModes = tcgetattr(STDIN_FILENO, &startModes) == 0
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            if Terminal.hasStartModes { _ = tcsetattr(STDIN_FILENO, TCSANOW, &Terminal.startModes) }
            Glibc.signal(signal, SIG_DFL)
            raise(signal)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGTERM, &action, nil)
        sigaction(SIGHUP, &action, nil)
        var cont = sigaction()
        cont.__sigaction_handler.sa_handler = { _ in continuedFlag.store(true, ordering: .relaxed) }
        sigemptyset(&cont.sa_mask)
        cont.sa_flags = 0 // no SA_RESTART: readline's read returns and its event hook runs
        sigaction(SIGCONT, &cont, nil)
    }

    /// True once after each SIGCONT.
    public static func takeContinued() -> Bool { continuedFlag.exchange(false, ordering: .relaxed) }
}
