import Foundation

/// The kitty graphics protocol (kitty, Ghostty, Konsole, WezTerm with
/// `enable_kitty_graphics`): the PNG file itself travels, base64-encoded, in APC
/// sequences `ESC _ G keys ; payload ESC \` of at most 4096 payload bytes each.
///
///     ESC_Ga=T,f=100,q=2,m=1;iVBORw0KGgo…ESC\     first chunk: the keys
///     ESC_Gm=1;…ESC\                              middle chunks
///     ESC_Gm=0;…ESC\                              last chunk
///
/// `a=T` transmits and displays at the cursor, `f=100` says "PNG", `q=2` asks kitty not to
/// answer (an "OK" reply would land in the learner's input line).
extension InlinePicture {
    /// The protocol's limit on one chunk's payload (a multiple of 4, so chunks split
    /// base64 between whole groups).
    public static let kittyChunkSize = 4096

    static func kitty(png: [UInt8], placement: Placement, passthrough: Bool) -> String {
        var keys = "a=T,f=100,q=2"
        if passthrough {
            // tmux does not know a picture was drawn: keep the cursor still (C=1), give the
            // cell size, and step over the picture with newlines tmux does see.
            keys += ",C=1,c=\(placement.columns),r=\(placement.rows)"
        } else if placement.scaled {
            // Both sides: kitty 0.26 keeps the natural height when given only c=, which
            // squeezes the picture (seen under Xvfb). Whole cells distort by at most half
            // a cell per side.
            keys += ",c=\(placement.columns),r=\(placement.rows)"
        }
        let payload = Array(Data(png).base64EncodedString().utf8)
        var out = ""
        var start = 0
        repeat {
            let end = min(payload.count, start + kittyChunkSize)
            let more = end < payload.count ? 1 : 0
            let control = start == 0 ? "\(keys),m=\(more)" : "m=\(more)"
            let chunk = "\u{1B}_G\(control);" + String(decoding: payload[start..<end], as: UTF8.self) + "\u{1B}\\"
            out += passthrough ? tmuxPassthrough(chunk) : chunk
            start = end
        } while start < payload.count
        return out + (passthrough ? String(repeating: "\n", count: placement.rows) : "\n")
    }
}
