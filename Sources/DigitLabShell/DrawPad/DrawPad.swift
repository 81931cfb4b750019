import DigitLabCore
import DigitLabIO
import DigitLabVision
import Glibc
import Synchronization

/// What `draw` keeps: the digit as the network reads it, and the drawing itself.
public struct DrawResult: Sendable {
    /// 784 bytes, 255 = ink: the drawing through the same digit pipeline as a picture file.
    public let pixels28: [UInt8]
    /// The drawing as a PNG (dark ink on white paper, with a margin) — `draw save FILE.png`;
    /// `predict file` on it reads the same 28x28 digit.
    public let png: [UInt8]
}

/// Why the pad could not open.
public struct DrawPadError: Error, Equatable, CustomStringConvertible {
    public let description: String
}

/// A canvas in the terminal that the learner paints with the mouse or the keyboard while
/// the network's top 3 updates beside it (at most 20 times a second).
///
///     let pad = DrawPad(classify: DrawPad.classifier(network: net, normalization: norm, classNames: names))
///     if let kept = try pad.run() { … kept.pixels28 … }   // nil: left with Esc, q or Ctrl-C
///
/// The terminal goes into raw mode on the alternate screen with the cursor hidden and
/// mouse reporting on (press, drag and release, SGR coordinates — xterm, kitty, iTerm2,
/// WezTerm, GNOME Terminal, tmux with `mouse on`), and comes back on every way out:
/// Enter, Esc, Ctrl-C (a byte in raw mode), end of input, SIGINT/SIGTERM/SIGHUP from
/// elsewhere. A resized window is redrawn to fit. The rules live in `DrawPadState`;
/// this type is only the loop around them.
public struct DrawPad {
    public let classify: ([UInt8]) -> [(label: String, probability: Float)]
    /// Canvas pixels a side (two per character cell vertically).
    public var canvasSide = 56
    /// The fewest milliseconds between two readings of the drawing (20 per second).
    public var classifyInterval = 50

    /// `classify` gets 784 bytes (255 = ink, MNIST-style) and returns classes, most likely first.
    public init(classify: @escaping ([UInt8]) -> [(label: String, probability: Float)]) {
        self.classify = classify
    }

    /// A classifier for `init(classify:)` from a network and the normalization it was trained with.
    public static func classifier(network: Network, normalization: Normalization,
                                  classNames: [String]) -> ([UInt8]) -> [(label: String, probability: Float)] {
        { pixels in
            let images = LabeledImages(pixels: pixels, labels: [0], rows: 28, columns: 28)
            let p = network.probabilities(normalization.batch(images, indices: [0]).x).data
            return classesByProbability(p).map { (classNames[$0], p[$0]) }
        }
    }

    /// The drawing through the digit pipeline; nil while it is blank (or holds too
    /// little ink to be a digit).
    public static func reading(of canvas: DrawCanvas) -> (pixels28: [UInt8], picture: PNG.Grey)? {
        guard !canvas.isBlank else { return nil }
        let picture = canvas.paperPicture()
        guard let result = try? DigitPipeline.run(picture) else { return nil }
        return (result.pixels, picture)
    }

    /// Runs the pad until the learner keeps a drawing (returned) or leaves (nil).
    /// - Throws: `DrawPadError` when `input` or `output` is not a terminal.
    public func run(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) throws(DrawPadError) -> DrawResult? {
        guard isatty(input) == 1, isatty(output) == 1 else {
            throw DrawPadError(description: "draw needs a terminal: stdin and stdout must both be one (not a pipe or a file)")
        }
        guard let session = DrawPadTerminal(input: input, output: output) else {
            throw DrawPadError(description: "draw could not put the terminal in raw mode")
        }
        defer { session.leave() }
        var state = DrawPadState(canvas: DrawCanvas(width: canvasSide, height: canvasSide), layout: nil)
        var decoder = DrawInputDecoder()
        var size = session.size()
        state.layout = DrawPadLayout(columns: size.columns, rows: size.rows, canvasSide: canvasSide)
        var reading: DrawPadState.Reading?
        var shown: [String] = []
        var lastClassified = RawMode.milliseconds() - classifyInterval
        var buffer = [UInt8](repeating: 0, count: 4096)
        var outcome = DrawPadState.Outcome.continueDrawing
        while outcome == .continueDrawing {
            if DrawPadTerminal.resized.exchange(false, ordering: .relaxed) {
                size = session.size()
                state.layout = DrawPadLayout(columns: size.columns, rows: size.rows, canvasSide: canvasSide)
                shown = [] // redraw everything
                session.write("\u{1B}[0m\u{1B}[2J")
            }
            if DrawPadTerminal.stopSignal.load(ordering: .relaxed) != 0 { return nil }
            let now = RawMode.milliseconds()
            if state.needsClassifying, now - lastClassified >= classifyInterval {
                state.needsClassifying = false
                lastClassified = now
                reading = Self.reading(of: state.canvas).map { .init(ranked: classify($0.pixels28), pixels28: $0.pixels28) }
            }
            let frame = state.screen(reading: reading, columns: size.columns, rows: size.rows)
            session.draw(frame, over: shown)
            shown = frame
            // Wait for input; wake in time for a pending reading, or to decide a lone ESC.
            let wait = !decoder.pending.isEmpty ? 30
                : state.needsClassifying ? max(1, classifyInterval - (RawMode.milliseconds() - lastClassified)) : 1000
            var pfd = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(wait))
            if ready < 0 { if errno == EINTR { continue } else { return nil } }
            if ready == 0 {
                for event in decoder.flush() where outcome == .continueDrawing { outcome = state.handle(event) }
                continue
            }
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR || errno == EAGAIN { continue }
            guard n > 0 else { return nil } // end of input: the terminal went away
            for event in decoder.feed(Array(buffer[0..<n])) where outcome == .continueDrawing {
                outcome = state.handle(event)
            }
            if outcome == .keep, Self.reading(of: state.canvas) == nil {
                state.message = "Too little ink to read as a digit: draw it larger (Esc leaves)."
                outcome = .continueDrawing
            }
        }
        guard outcome == .keep, let kept = Self.reading(of: state.canvas) else { return nil }
        let png = (try? PNG.encode(width: kept.picture.width, height: kept.picture.height,
                                   pixels: kept.picture.pixels, channels: 1)) ?? []
        return DrawResult(pixels28: kept.pixels28, png: png)
    }
}
