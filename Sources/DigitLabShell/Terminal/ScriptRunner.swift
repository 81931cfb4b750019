import DigitLabViz
import Glibc

/// Runs lines without a prompt — a script file or piped stdin — printing each output as
/// plain text (no escape codes). Epoch lines print as they happen. The first failing
/// line stops the run with `SOURCE:LINE: message` on stderr.
public enum ScriptRunner {
    /// - Returns: the process exit status: 0, or 1 after a failing line.
    public static func run(lines: some Sequence<String>, source: String, session: Session,
                           write: @escaping (String) -> Void = { print($0) },
                           writeError: (String) -> Void = { printError($0) }) -> Int32 {
        let renderer = TextRenderer(useColor: false, width: 100, includeLive: false, includeHints: true)
        let previous = session.live
        session.live = LineOutput(write: write)
        defer { session.live = previous }
        // Never an escape code into a pipe, unless a protocol was asked for by name.
        let pictures = PictureDisplay(stdoutIsTTY: false, terminal: nil)
        for (number, line) in zip(1..., lines) {
            do {
                let output = try session.run(line)
                pictures.choice = session.state.settings.pictures
                for block in output.blocks {
                    if let text = renderer.render(block) { write(text) }
                    if case .picture(let p) = block, let sequence = try? pictures.sequence(png: p.png, name: p.path ?? "picture") {
                        write(String(sequence.dropLast()))
                    }
                }
                if session.quitRequested { break }
            } catch {
                writeError("\(source):\(number): \(Sanitize.line(error.message))")
                return 1
            }
        }
        return 0
    }
}

/// Live output without a terminal: lines that stay (epoch results) print as they come;
/// the progress bar is left out.
final class LineOutput: LiveOutput {
    let write: (String) -> Void
    init(write: @escaping (String) -> Void) { self.write = write }
    func transient(_ text: String) {}
    func permanent(_ text: String) { write(Sanitize.visible(text)) }
    func clear() {}
}

/// Lines of standard input, read as they arrive (so piped sessions stream).
public struct StandardInputLines: Sequence, IteratorProtocol {
    public init() {}
    public mutating func next() -> String? { readLine(strippingNewline: true) }
}

/// Writes one line to standard error, after flushing what standard output holds, so
/// a log of both (`digitlab run x > log 2>&1`) keeps the order things happened in.
public func printError(_ message: String) {
    fflush(nil) // nil: every output stream (naming `stdout` is not concurrency-safe in Swift 6)
    // One line, whatever it quotes: a file name or a model's metadata may hold escape
    // sequences or newlines (the one place for it, not each caller).
    let bytes = Array((Sanitize.line(message) + "\n").utf8)
    _ = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
}
