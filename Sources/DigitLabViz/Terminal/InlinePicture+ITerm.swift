import Foundation

/// iTerm2's inline images (iTerm2, WezTerm, VS Code with `terminal.integrated.enableImages`,
/// mintty): the whole file, base64-encoded, in one OSC 1337 sequence ended by BEL.
///
///     ESC]1337;File=inline=1;size=12345;width=78;preserveAspectRatio=1:iVBORw0KGgo…BEL
///
/// `size` is the file's length in bytes (iTerm2 uses it for its progress bar); `width`
/// and `height` are in cells and only given when the picture is shrunk (otherwise
/// iTerm2 keeps its pixel size).
extension InlinePicture {
    static func iterm(png: [UInt8], placement: Placement, passthrough: Bool) -> String {
        var args = "inline=1;size=\(png.count)"
        if passthrough || placement.scaled {
            // Both sides with preserveAspectRatio=1: iTerm2 fills the box without stretching.
            // In tmux the fixed size also tells how many newlines step over the picture.
            args += ";width=\(placement.columns);height=\(placement.rows);preserveAspectRatio=1"
        }
        let sequence = "\u{1B}]1337;File=\(args):" + Data(png).base64EncodedString() + "\u{07}"
        return passthrough ? tmuxPassthrough(sequence) + String(repeating: "\n", count: placement.rows)
                           : sequence + "\n"
    }
}
