import Foundation

/// iTerm2's inline images (iTerm2, WezTerm, VS Code with `terminal.integrated.enableImages`,
/// mintty): the whole file, base64-encoded, in one OSC 1337 sequence ended by BEL.
///
///     ESC]1337;File=inline=1;size=12345;width=78;preserveAspectRatio=1:iVBORw0KGgo…BEL
///
/// `size` is the file's length in bytes (iTerm2 uses it for its progress bar), `width`
/// is in cells and only given when the picture is shrunk (`auto` keeps its pixel size).
extension InlinePicture {
    static func iterm(png: [UInt8], placement: Placement, passthrough: Bool) -> String {
        var args = "inline=1;size=\(png.count)"
        if passthrough {
            // tmux does not see the picture move the cursor: fix its size in cells and step
            // over it with newlines tmux does see.
            args += ";width=\(placement.columns);height=\(placement.rows);preserveAspectRatio=1"
        } else if placement.scaled {
            args += placement.widthLimited ? ";width=\(placement.columns)" : ";height=\(placement.rows)"
            args += ";preserveAspectRatio=1"
        }
        let sequence = "\u{1B}]1337;File=\(args):" + Data(png).base64EncodedString() + "\u{07}"
        return passthrough ? tmuxPassthrough(sequence) + String(repeating: "\n", count: placement.rows)
                           : sequence + "\n"
    }
}
