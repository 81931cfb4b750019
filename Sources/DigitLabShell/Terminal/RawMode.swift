import Glibc

/// The terminal in raw mode and back: the few termios steps the terminal query and the
/// drawing pad share. Everything here is also safe to call from a signal handler
/// (tcsetattr and write are async-signal-safe), which the drawing pad's restore needs.
enum RawMode {
    /// Turns off echo, line buffering and input translation on `fd` and returns the
    /// settings to restore, or nil when `fd` is not a terminal. With `signals: false`,
    /// Ctrl-C, Ctrl-Z and Ctrl-\ arrive as bytes (3, 26, 28) instead of signals.
    static func enter(_ fd: Int32, signals: Bool) -> termios? {
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return nil }
        var raw = saved
        raw.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON)
        raw.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | IEXTEN | (signals ? 0 : ISIG))
        raw.c_cflag |= tcflag_t(CS8)
        // Reads return at once with what there is; waiting is poll's job.
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(fd, TCSANOW, &raw) == 0 else { return nil }
        return saved
    }

    static func restore(_ fd: Int32, _ saved: termios) {
        var saved = saved
        _ = tcsetattr(fd, TCSANOW, &saved)
    }

    /// Writes all of `bytes`, retrying after signals and short writes.
    @discardableResult
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0, errno == EINTR || errno == EAGAIN { continue }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }

    /// A monotonic clock in milliseconds, for timeouts and the pad's update rate.
    static func milliseconds() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return ts.tv_sec * 1000 + ts.tv_nsec / 1_000_000
    }
}
