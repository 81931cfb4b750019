import Glibc
import Synchronization

/// The terminal while the pad is open: raw mode, alternate screen, hidden cursor, mouse
/// reporting — and the way back, on every exit path including signals.
///
/// SIGTERM and SIGHUP restore the terminal from the handler itself (write and tcsetattr
/// are async-signal-safe; the bytes are a static string, so nothing is allocated) and
/// then end the process as the signal would have. SIGINT from outside (Ctrl-C itself is a
/// byte in raw mode) and SIGWINCH only set flags the loop reads.
final class DrawPadTerminal {
    static let resized = Atomic<Bool>(false)
    static let stopSignal = Atomic<Int32>(0)

    /// What the signal handlers restore (plain storage: they can reach nothing else).
    nonisolated(unsafe) static var savedTermios = termios()
    nonisolated(unsafe) static var inputFD: Int32 = -1
    nonisolated(unsafe) static var outputFD: Int32 = -1

    static let enterSequence = "\u{1B}[?1049h\u{1B}[?25l\u{1B}[?1000h\u{1B}[?1002h\u{1B}[?1006h\u{1B}[0m\u{1B}[2J\u{1B}[H"
    /// Mouse off, colours reset, cursor shown, main screen back.
    static let leaveSequence: StaticString = "\u{1B}[?1006l\u{1B}[?1002l\u{1B}[?1000l\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l"

    let input: Int32
    let output: Int32
    private var previous: [(Int32, sigaction)] = []
    private var active = true

    init?(input: Int32, output: Int32) {
        guard let saved = RawMode.enter(input, signals: false) else { return nil }
        self.input = input; self.output = output
        Self.savedTermios = saved
        (Self.inputFD, Self.outputFD) = (input, output)
        _ = Self.leaveSequence.utf8Start // initialised before any handler can need it
        Self.resized.store(false, ordering: .relaxed)
        Self.stopSignal.store(0, ordering: .relaxed)
        install(SIGWINCH) { _ in DrawPadTerminal.resized.store(true, ordering: .relaxed) }
        install(SIGINT) { signal in DrawPadTerminal.stopSignal.store(signal, ordering: .relaxed) }
        for fatal in [SIGTERM, SIGHUP] {
            install(fatal) { signal in
                DrawPadTerminal.restoreFromHandler()
                Glibc.signal(signal, SIG_DFL)
                raise(signal)
            }
        }
        write(Self.enterSequence)
    }

    /// Back to the terminal as it was; safe to call twice.
    func leave() {
        guard active else { return }
        active = false
        RawMode.writeAll(output, Array(UnsafeBufferPointer(start: Self.leaveSequence.utf8Start,
                                                            count: Self.leaveSequence.utf8CodeUnitCount)))
        // TCSAFLUSH drops input not yet read: mouse reports still on their way must not
        // reach the prompt as text.
        _ = tcsetattr(input, TCSAFLUSH, &Self.savedTermios)
        for (signal, action) in previous {
            var action = action
            sigaction(signal, &action, nil)
        }
        previous = []
    }

    deinit { leave() }

    static func restoreFromHandler() {
        _ = Glibc.write(outputFD, leaveSequence.utf8Start, leaveSequence.utf8CodeUnitCount)
        _ = tcsetattr(inputFD, TCSAFLUSH, &savedTermios)
    }

    private func install(_ signal: Int32, _ handler: @convention(c) (Int32) -> Void) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0 // no SA_RESTART: poll returns EINTR and the loop looks at the flags
        var old = sigaction()
        sigaction(signal, &action, &old)
        previous.append((signal, old))
    }

    func write(_ text: String) { RawMode.writeAll(output, Array(text.utf8)) }

    /// The window's size in cells (80x24 when the terminal does not say).
    func size() -> (columns: Int, rows: Int) {
        var ws = winsize()
        guard ioctl(output, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 else { return (80, 24) }
        return (Int(ws.ws_col), Int(ws.ws_row))
    }

    /// Writes the rows of `frame` that differ from `shown`, in one write.
    func draw(_ frame: [String], over shown: [String]) {
        var out = ""
        for (i, line) in frame.enumerated() where i >= shown.count || shown[i] != line {
            out += "\u{1B}[\(i + 1);1H" + line + "\u{1B}[0m\u{1B}[K"
        }
        if shown.count > frame.count { out += "\u{1B}[\(frame.count + 1);1H\u{1B}[0J" }
        if !out.isEmpty { write(out) }
    }
}
