import DigitLabIO
import Foundation

extension Notebook {
    /// One self-contained page: every picture embedded, readable offline. Handed out in
    /// pieces (`emit`), cell by cell.
    static func html(_ journal: NotebookJournal, _ emit: (String) throws(IOError) -> Void) throws(IOError) {
        try emit("""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>DigitLab notebook</title>
        <style>
        body { font: 15px/1.45 "DejaVu Sans", sans-serif; max-width: 1000px; margin: 2em auto; color: #212529; }
        h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.6em; } .cell { margin: 1.2em 0; } .md p { margin: .6em 0; }
        pre { margin: 0; padding: .6em .8em; white-space: pre-wrap; font: 13px/1.35 "DejaVu Sans Mono", monospace; }
        pre.in { background: #e9ecef; border-left: 4px solid #1f77b4; } .n { color: #6c757d; }
        pre.out { background: #f8f9fa; } pre.err { background: #fbe9eb; color: #a4161a; }
        figure { margin: .5em 0; } figcaption { font-size: 12px; color: #6c757d; }
        img { max-width: 100%; border: 1px solid #dee2e6; } .digits img { image-rendering: pixelated; }
        </style></head><body>
        <h1>DigitLab notebook</h1>

        """)
        var number = 0
        try forEachCell(journal) { (cell) throws(IOError) in
            switch cell.kind {
            case .markdown(let text):
                try emit("<div class=\"md\">" + text.components(separatedBy: "\n\n").map { paragraph in
                    paragraph.hasPrefix("## ") ? "<h2>\(escape(String(paragraph.dropFirst(3))))</h2>" : "<p>\(escape(paragraph))</p>"
                }.joined() + "</div>\n")
            case let .code(source, outputs, _):
                number += 1
                var html = "<div class=\"cell\"><pre class=\"in\"><span class=\"n\">[\(number)]</span> &gt; \(escape(Sanitize.visible(source)))</pre>"
                for o in outputs {
                    switch o {
                    case .text(let t): html += "<pre class=\"out\">\(escape(t))</pre>"
                    case .error(let e): html += "<pre class=\"err\">error: \(escape(Sanitize.visible(e)))</pre>"
                    case .picture(let p):
                        html += "<figure><img alt=\"\(escape(p.caption))\" width=\"\(p.width)\" src=\"data:image/png;base64,\(Data(p.png).base64EncodedString())\">"
                        html += "<figcaption>\(escape(Sanitize.line(p.path ?? "")))\(p.caption.isEmpty ? "" : " — " + escape(p.caption))</figcaption></figure>"
                    case .digits(let digits):
                        if let (png, w, _) = digitsPNG(digits) {
                            html += "<figure class=\"digits\"><img alt=\"digits\" width=\"\(w)\" src=\"data:image/png;base64,\(Data(png).base64EncodedString())\">"
                            html += "<figcaption>\(escape(digits.map { Sanitize.line($0.caption) }.joined(separator: " · ")))</figcaption></figure>"
                        }
                    }
                }
                try emit(html + "</div>\n")
            }
        }
        try emit("</body></html>\n")
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
