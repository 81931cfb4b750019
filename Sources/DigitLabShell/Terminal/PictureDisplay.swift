import DigitLabIO
import DigitLabViz
import Foundation

/// The terminal front end's one door to inline pictures: holds the learner's choice
/// (`set pictures …`, first from `DIGITLAB_PICTURES`), resolves `auto` once (asking the
/// terminal at most once per choice), and turns each picture's PNG bytes into the
/// sequence to print — or nil for `files`, when only the path is printed.
///
///     let pictures = PictureDisplay()                 // choice from DIGITLAB_PICTURES
///     if let warning = pictures.warning { printError(warning) }
///     print(path)                                     // the file is written either way
///     if let seq = try pictures.sequence(png: bytes) { print(seq, terminator: "") }
public final class PictureDisplay {
    /// What the learner asked for. Changing it forgets the resolved decision.
    public var choice: PictureProtocol {
        didSet { if choice != oldValue { decided = nil } }
    }
    /// The one line to show when `DIGITLAB_PICTURES` held something unknown.
    public let warning: String?

    let environment: [String: String]
    let stdoutIsTTY: Bool
    let terminal: TerminalQuery?
    let output: Int32
    private var decided: PictureSupport.Decision?
    private var cellSize: (width: Int, height: Int)?

    /// `terminal` defaults to the real one when stdin and stdout are both terminals.
    public init(choice: PictureProtocol? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                stdoutIsTTY: Bool = Terminal.stdoutIsTTY, terminal: TerminalQuery? = TTYQuery(),
                output: Int32 = STDOUT_FILENO) {
        let fromEnvironment = PictureSupport.choice(environment: environment)
        self.choice = choice ?? fromEnvironment.choice
        self.warning = choice == nil ? fromEnvironment.warning : nil
        self.environment = environment
        self.stdoutIsTTY = stdoutIsTTY
        self.terminal = terminal
        self.output = output
    }

    /// The protocol in use and why (for `show settings`: "pictures: auto → sixel (…)").
    public var decision: PictureSupport.Decision {
        if let decided { return decided }
        var d = PictureSupport.detect(choice: choice, environment: environment, stdoutIsTTY: stdoutIsTTY,
                                      terminal: terminal,
                                      tmuxPassthrough: PictureSupport.tmuxAllowsPassthrough(environment: environment))
        if warning != nil, choice == .files { d.reason = "files (\(PictureSupport.environmentVariable) holds no protocol)" }
        decided = d
        return d
    }

    /// The bytes that show `png` inline (ending in a newline), or nil when pictures are
    /// `files`. The terminal's size is read each time (windows get resized); its cell
    /// size in pixels is asked once.
    public func sequence(png: [UInt8], name: String = "picture") throws(IOError) -> String? {
        let d = decision
        guard d.kind != .files, d.kind != .auto else { return nil }
        return try InlinePicture.encode(png: png, as: d.kind, fit: geometry(), passthrough: d.passthrough, name: name)
    }

    func geometry() -> TerminalGeometry {
        var g = PictureSupport.geometry(output: output, terminal: nil)
        if g.cellSizeKnown { return g }
        if cellSize == nil { cellSize = terminal?.cellSize() ?? (g.cellWidth, g.cellHeight) }
        if let c = cellSize { (g.cellWidth, g.cellHeight) = (c.width, c.height) }
        return g
    }
}
