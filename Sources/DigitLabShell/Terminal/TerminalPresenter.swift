import DigitLabViz
import Foundation
import Glibc

/// Draws command outputs on a terminal: text with colour (unless NO_COLOR), digits as
/// grey half blocks, pictures inline when the terminal can show them (the path is
/// printed either way). Lines already shown live (epoch results) are not repeated.
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
            if let text = r.render(block) { print(text) }
            if case .picture(let p) = block { showInline(p) }
        }
        fflush(nil)
    }

    func showError(_ message: String) {
        live.clear()
        print(renderer.colour("error: " + Sanitize.line(message), code: "31"))
        fflush(nil)
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

    func transient(_ text: String) {
        guard Terminal.allowsEscapes else { return }
        print("\r\u{1B}[2K" + Sanitize.line(text), terminator: "")
        fflush(nil)
        showing = true
    }

    func permanent(_ text: String) {
        clear()
        print(Sanitize.visible(text))
        fflush(nil)
    }

    func clear() {
        guard showing else { return }
        print("\r\u{1B}[2K", terminator: "")
        fflush(nil)
        showing = false
    }
}
