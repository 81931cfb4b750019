import Foundation
import Glibc

/// Draws command outputs on a terminal: text with colour (unless NO_COLOR), digits as
/// grey half blocks, pictures inline when the terminal can show them (the path is
/// printed either way). Lines already shown live (epoch results) are not repeated.
final class TerminalPresenter {
    let session: Session
    let live = TerminalOutput()

    init(session: Session) { self.session = session }

    var renderer: TextRenderer {
        TextRenderer(useColor: Terminal.allowsEscapes, width: Terminal.columns, includeLive: false, includeHints: true)
    }

    func show(_ output: Output) {
        live.clear()
        let r = renderer
        for block in output.blocks {
            if case .picture(let p) = block, let inline = inlinePicture(p) {
                print(inline)
            }
            if let text = r.render(block) { print(text) }
        }
        fflush(nil)
    }

    func showError(_ message: String) {
        live.clear()
        print(renderer.colour("error: " + Sanitize.line(message), code: "31"))
        fflush(nil)
    }

    /// The escape sequence that draws the picture in this terminal, if it can.
    func inlinePicture(_ p: Picture) -> String? {
        nil
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
