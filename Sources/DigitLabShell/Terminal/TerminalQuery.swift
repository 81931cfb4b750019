import DigitLabViz
import Glibc

/// Asking the terminal a question: write a request, read its answer from the input.
/// A protocol so detection can be tested with canned answers.
public protocol TerminalQuery {
    /// Writes `request` and returns what the terminal answers within `timeoutMilliseconds`,
    /// stopping as soon as `done(answer)` holds. Returns what came (maybe nothing) on timeout.
    func exchange(_ request: String, timeoutMilliseconds: Int, until done: ([UInt8]) -> Bool) -> [UInt8]
}

extension TerminalQuery {
    /// The primary device attributes (`ESC [ c`), without the leading device class:
    /// xterm -ti vt340 answers `ESC [ ? 63 ; 1 ; 2 ; 4 ; 6 ; 9 ; 15 ; 22 c` → [1, 2, 4, 6, 9, 15, 22];
    /// 4 means sixel graphics. Nil when the terminal did not answer in time.
    public func deviceAttributes(timeoutMilliseconds: Int = 200) -> [Int]? {
        let answer = exchange("\u{1B}[c", timeoutMilliseconds: timeoutMilliseconds) {
            PictureSupport.parseDeviceAttributes($0) != nil
        }
        return PictureSupport.parseDeviceAttributes(answer)
    }

    /// The size of one character cell in pixels from `ESC [ 16 t` (answer `ESC [ 6 ; H ; W t`).
    /// Device attributes are asked right after: every terminal answers those, so the wait
    /// ends as soon as the terminal has answered what it will, not at the timeout.
    public func cellSize(timeoutMilliseconds: Int = 200) -> (width: Int, height: Int)? {
        let answer = exchange("\u{1B}[16t\u{1B}[c", timeoutMilliseconds: timeoutMilliseconds) {
            PictureSupport.parseDeviceAttributes($0) != nil
        }
        return PictureSupport.parseCellSize(answer)
    }
}

extension PictureSupport {
    /// The attributes after the device class in a DA1 answer `ESC [ ? class ; a ; b … c`,
    /// found anywhere in `answer` (other answers may come first); nil when there is none.
    public static func parseDeviceAttributes(_ answer: [UInt8]) -> [Int]? {
        guard let numbers = parseCSI(answer, prefix: Array("\u{1B}[?".utf8), final: UInt8(ascii: "c")),
              !numbers.isEmpty else { return nil }
        return Array(numbers.dropFirst())
    }

    /// Width and height of a cell from the answer to `ESC [ 16 t`: `ESC [ 6 ; height ; width t`.
    public static func parseCellSize(_ answer: [UInt8]) -> (width: Int, height: Int)? {
        guard let n = parseCSI(answer, prefix: Array("\u{1B}[6;".utf8), final: UInt8(ascii: "t")),
              n.count == 2, n[0] > 0, n[1] > 0 else { return nil }
        return (n[1], n[0])
    }

    /// The numbers of the first `prefix n ; n … final` in `bytes` (the prefix's own
    /// numbers excluded); nil when no such sequence is complete.
    static func parseCSI(_ bytes: [UInt8], prefix: [UInt8], final: UInt8) -> [Int]? {
        var start = 0
        while start + prefix.count <= bytes.count {
            defer { start += 1 }
            guard Array(bytes[start..<start + prefix.count]) == prefix else { continue }
            var numbers = [Int](), current: Int? = nil, i = start + prefix.count
            while i < bytes.count {
                let b = bytes[i]
                if b >= 0x30, b <= 0x39 {
                    current = min(1_000_000, (current ?? 0) * 10 + Int(b - 0x30))
                } else if b == UInt8(ascii: ";") {
                    numbers.append(current ?? 0); current = nil
                } else if b == final {
                    if let current { numbers.append(current) }
                    return numbers
                } else { break }
                i += 1
            }
        }
        return nil
    }

    /// The terminal's size in cells (TIOCGWINSZ) and of a cell in pixels: from the
    /// kernel's ws_xpixel/ws_ypixel when the terminal fills them in (kitty, foot, WezTerm,
    /// xterm), else from `ESC [ 16 t`, else `TerminalGeometry.fallback`'s 10x20 guess.
    public static func geometry(output fd: Int32 = STDOUT_FILENO, terminal: TerminalQuery?) -> TerminalGeometry {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else {
            return .fallback
        }
        let (columns, rows) = (Int(size.ws_col), Int(size.ws_row))
        if size.ws_xpixel > 0, size.ws_ypixel > 0 {
            return TerminalGeometry(columns: columns, rows: rows, cellWidth: Int(size.ws_xpixel) / columns,
                                    cellHeight: Int(size.ws_ypixel) / rows)
        }
        if let cell = terminal?.cellSize() {
            return TerminalGeometry(columns: columns, rows: rows, cellWidth: cell.width, cellHeight: cell.height)
        }
        let guess = TerminalGeometry.fallback
        return TerminalGeometry(columns: columns, rows: rows, cellWidth: guess.cellWidth,
                                cellHeight: guess.cellHeight, cellSizeKnown: false)
    }
}

/// The real terminal on `input`/`output`: raw mode (no echo, no line buffering) for the
/// length of one exchange, restored afterwards whatever happens.
public struct TTYQuery: TerminalQuery {
    public let input: Int32
    public let output: Int32

    /// Nil unless both are terminals: never write a query where no terminal answers.
    public init?(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) {
        guard isatty(input) == 1, isatty(output) == 1 else { return nil }
        self.input = input; self.output = output
    }

    public func exchange(_ request: String, timeoutMilliseconds: Int, until done: ([UInt8]) -> Bool) -> [UInt8] {
        guard let saved = RawMode.enter(input, signals: true) else { return [] }
        defer { RawMode.restore(input, saved) }
        guard RawMode.writeAll(output, Array(request.utf8)) else { return [] }
        var answer = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 256)
        let deadline = RawMode.milliseconds() + timeoutMilliseconds
        while !done(answer) {
            let left = deadline - RawMode.milliseconds()
            guard left > 0 else { break }
            var pfd = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(left))
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { break }
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            answer.append(contentsOf: buffer[0..<n])
        }
        return answer
    }
}
