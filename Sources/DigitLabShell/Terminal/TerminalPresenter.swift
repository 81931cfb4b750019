import DigitLabViz
import Foundation
import Glibc

/// Draws command outputs on a terminal: text with colour (unless NO_COLOR), digits as
/// grey half blocks, pictures inline when the terminal can show them (the path is
/// printed either way). Lines already shown live (epoch results) are not repeated.
/// Text wider than the window is broken at blanks, not wherever the last column falls
/// (tables, digits and bars are laid out to fit already).
final class TerminalPresenter {
    let session: Session
    let live = TerminalOutput()
    let pictures = PictureDisplay()

    init(session: Session) { self.session = session }

    var renderer: TextRenderer {
        TextRenderer(useColor: Terminal.allowsEscapes, width: Terminal.columns, includeLive: false, includeHints: true)
    }

    func show(_ output: Output) {
        live.clear()
        let r = renderer
        pictures.choice = session.state.settings.pictures
        for block in output.blocks {
            if let text = r.render(block) { print(fitted(text, block)) }
            if case .picture(let p) = block { showInline(p) }
        }
        fflush(nil)
    }

    func showError(_ message: String) {
        live.clear()
        print(TerminalText.wrap(renderer.colour("error: " + Sanitize.line(message), code: "31"), width: Terminal.columns))
        fflush(nil)
    }

    /// The block's text broken at blanks to the window's width, unless it is laid out in
    /// columns of its own.
    func fitted(_ text: String, _ block: Block) -> String {
        switch block {
        case .table, .digits, .bars: return text
        default: return TerminalText.wrap(text, width: Terminal.columns)
        }
    }

    /// Draws the picture in the terminal when it can (its path is printed either way).
    func showInline(_ p: Picture) {
        do {
            if let sequence = try pictures.sequence(png: p.png, name: p.path ?? "picture") { print(sequence, terminator: "") }
        } catch {
            print(renderer.colour("the picture cannot be shown here: \(Sanitize.line(error.description)) — it is in the file", code: "33"))
        }
    }
}

/// Live output on a terminal: the status line is redrawn in place with a carriage
/// return and "erase line"; without escape codes (NO_COLOR) only permanent lines show.
final class TerminalOutput: LiveOutput {
    private var showing = false

    /// Fitted to the window (less a column, where some terminals wrap already): a line the
    /// terminal wraps cannot be erased by "erase line", and every redraw would leave one.
    func transient(_ text: String) {
        guard Terminal.allowsEscapes else { return }
        print("\r\u{1B}[2K" + TerminalText.fitStatus(Sanitize.line(text), width: Terminal.columns - 1), terminator: "")
        fflush(nil)
        showing = true
    }

    func permanent(_ text: String) {
        clear()
        print(TerminalText.wrap(Sanitize.visible(text), width: Terminal.columns))
        fflush(nil)
    }

    func clear() {
        guard showing else { return }
        print("\r\u{1B}[2K", terminator: "")
        fflush(nil)
        showing = false
    }
}
