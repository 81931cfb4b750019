/// What the learner did, decoded from the bytes a terminal sends in raw mode.
public enum DrawEvent: Equatable, Sendable {
    public enum Button: Equatable, Sendable { case left, middle, right }
    public enum Key: Equatable, Sendable {
        case up, down, left, right, enter, escape, backspace
        /// Ctrl-C: in raw mode it is a byte (3), not a signal.
        case interrupt
        case character(Character)
    }

    /// Mouse positions are the terminal's: 1-based column and row of a character cell.
    case press(Button, column: Int, row: Int)
    case drag(Button, column: Int, row: Int)
    case release(column: Int, row: Int)
    /// A key; `shift` for arrows pressed with Shift (`ESC [ 1 ; 2 A`).
    case key(Key, shift: Bool = false)
}

/// Turns raw terminal bytes into `DrawEvent`s. Bytes may arrive in any pieces: an
/// unfinished sequence waits in `pending` for the next `feed`. A lone ESC cannot be told
/// from the start of a sequence until the bytes stop, so the loop calls `flush()` when
/// input has been quiet for a moment, and only then is it the Escape key.
///
/// Understood: SGR mouse reports `ESC [ < b ; x ; y M|m` (press, motion with a button
/// held, release; ?1006), the older `ESC [ M b x y` form for terminals without SGR,
/// arrow keys (`ESC [ A`, `ESC O A`, with modifiers `ESC [ 1 ; 2 A`), Enter (CR or LF),
/// Backspace (DEL or BS), Ctrl-C and printable characters. Anything else — other CSI
/// sequences, wheel turns, other control bytes — is skipped whole.
public struct DrawInputDecoder: Sendable {
    public private(set) var pending: [UInt8] = []

    public init() {}

    public mutating func feed(_ bytes: [UInt8]) -> [DrawEvent] {
        pending += bytes
        var events = [DrawEvent]()
        var i = 0
        while i < pending.count {
            guard let (event, used) = Self.decode(pending[i...]) else { break } // incomplete: wait
            if let event { events.append(event) }
            i += used
        }
        pending.removeFirst(i)
        return events
    }

    /// Input went quiet: a lone ESC was the Escape key; an unfinished sequence is dropped.
    public mutating func flush() -> [DrawEvent] {
        defer { pending = [] }
        return pending == [0x1B] ? [.key(.escape)] : []
    }

    /// The event at the start of `bytes` and how many bytes it used (event nil: skipped
    /// bytes); nil when the bytes end before the sequence does.
    static func decode(_ bytes: ArraySlice<UInt8>) -> (DrawEvent?, Int)? {
        let s = bytes.startIndex
        let b = bytes[s]
        switch b {
        case 0x1B:
            guard bytes.count >= 2 else { return nil }
            let next = bytes[s + 1]
            if next == UInt8(ascii: "[") { return csi(bytes) }
            if next == UInt8(ascii: "O") {
                guard bytes.count >= 3 else { return nil }
                return (arrow(bytes[s + 2]).map { .key($0) }, 3)
            }
            // ESC then an ordinary key (Alt+key, or Esc typed just before it): the Escape key.
            return (.key(.escape), 1)
        case 0x03: return (.key(.interrupt), 1)
        case 0x0D, 0x0A: return (.key(.enter), 1)
        case 0x7F, 0x08: return (.key(.backspace), 1)
        case 0x20...0x7E: return (.key(.character(Character(Unicode.Scalar(b)))), 1)
        case 0x80...0xFF:
            // A UTF-8 character: its length is in the first byte; no key of ours uses one.
            let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
            return bytes.count >= length ? (nil, length) : nil
        default: return (nil, 1)
        }
    }

    /// `ESC [` …: a mouse report, an arrow, or something skipped to its final byte.
    static func csi(_ bytes: ArraySlice<UInt8>) -> (DrawEvent?, Int)? {
        let s = bytes.startIndex
        guard bytes.count >= 3 else { return nil }
        if bytes[s + 2] == UInt8(ascii: "M") {
            // X10/normal mouse: ESC [ M, then button, column, row, each plus 32.
            guard bytes.count >= 6 else { return nil }
            let (code, column, row) = (Int(bytes[s + 3]) - 32, Int(bytes[s + 4]) - 32, Int(bytes[s + 5]) - 32)
            return (mouse(code: code, column: column, row: row, released: code & 3 == 3), 6)
        }
        // Parameters 0x30–0x3F, intermediates 0x20–0x2F, one final byte 0x40–0x7E.
        var i = s + 2
        while i < bytes.endIndex, (0x20...0x3F).contains(bytes[i]) { i += 1 }
        guard i < bytes.endIndex else { return nil }
        let final = bytes[i]
        let used = i - s + 1
        guard (0x40...0x7E).contains(final) else { return (nil, used - 1) } // malformed: skip up to it
        let body = String(decoding: bytes[(s + 2)..<i], as: UTF8.self)
        if body.hasPrefix("<"), final == UInt8(ascii: "M") || final == UInt8(ascii: "m") {
            let n = body.dropFirst().split(separator: ";").compactMap { Int($0) }
            guard n.count == 3 else { return (nil, used) }
            return (mouse(code: n[0], column: n[1], row: n[2], released: final == UInt8(ascii: "m")), used)
        }
        guard let key = arrow(final) else { return (nil, used) }
        // `1;2` is Shift; other modifiers move like plain arrows.
        let modifier = body.split(separator: ";").dropFirst().first.flatMap { Int($0) } ?? 1
        return (.key(key, shift: (modifier - 1) & 1 == 1), used)
    }

    static func arrow(_ final: UInt8) -> DrawEvent.Key? {
        switch final {
        case UInt8(ascii: "A"): .up
        case UInt8(ascii: "B"): .down
        case UInt8(ascii: "C"): .right
        case UInt8(ascii: "D"): .left
        default: nil
        }
    }

    /// A mouse report's button code: bits 0–1 the button (3: none/release in the old
    /// form), bit 5 motion, bit 6 the wheel (ignored), bits 2–4 Shift, Meta, Ctrl.
    static func mouse(code: Int, column: Int, row: Int, released: Bool) -> DrawEvent? {
        guard code & 64 == 0, column >= 1, row >= 1 else { return nil }
        if released { return .release(column: column, row: row) }
        let button: DrawEvent.Button
        switch code & 3 {
        case 0: button = .left
        case 1: button = .middle
        case 2: button = .right
        default: return nil // motion with no button held (?1003), which we do not ask for
        }
        return code & 32 != 0 ? .drag(button, column: column, row: row) : .press(button, column: column, row: row)
    }
}
