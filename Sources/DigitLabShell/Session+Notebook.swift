import DigitLabIO
import Foundation

extension Session {
    /// Paths of pictures a command's output says it wrote (`wrote outputs/x.png (…)`).
    static func pictures(in output: String) -> [String] {
        output.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("wrote ") else { return nil }
            let path = line.dropFirst(6).prefix { $0 != " " }
            return path.hasSuffix(".png") ? String(path) : nil
        }
    }

    /// `export notebook FILE.html|FILE.md`: the session as a linear notebook.
    func exportNotebook(_ path: String) throws(CommandError) -> String {
        let entries = transcript.filter { !$0.line.hasPrefix("export") }
        let text: String
        if path.hasSuffix(".html") {
            text = html(entries)
        } else if path.hasSuffix(".md") {
            text = markdown(entries, relativeTo: URL(fileURLWithPath: path).deletingLastPathComponent())
        } else {
            throw CommandError("export notebook: the file must end in .html or .md, got '\(path)'")
        }
        do { try AtomicFile.write(Array(text.utf8), to: path, policy: .anywhere.creating(outputFolder)) } catch { throw CommandError(error.description) }
        // Not a manifest artifact: a notebook records training times, which differ run to run.
        return "wrote \(path): \(entries.count) commands, \(entries.flatMap { Self.pictures(in: $0.output) }.count) pictures"
    }

    private func markdown(_ entries: [(line: String, output: String, failed: Bool)], relativeTo folder: URL) -> String {
        var out = ["# DigitLab notebook", ""]
        for e in entries {
            out += ["```", "> \(e.line)"]
            if !e.output.isEmpty { out.append(e.failed ? "error: \(e.output)" : e.output) }
            out += ["```", ""]
            for picture in Self.pictures(in: e.output) {
                out += ["![\(picture)](\(relativePath(picture, from: folder)))", ""]
            }
        }
        return out.joined(separator: "\n")
    }

    private func relativePath(_ path: String, from folder: URL) -> String {
        let target = URL(fileURLWithPath: path).standardized.path
        let base = folder.standardized.path
        if target.hasPrefix(base + "/") { return String(target.dropFirst(base.count + 1)) }
        return target
    }

    private func html(_ entries: [(line: String, output: String, failed: Bool)]) -> String {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        var body = [String]()
        for e in entries {
            body.append("<div class=\"cell\"><pre class=\"in\">&gt; \(escape(e.line))</pre>")
            if !e.output.isEmpty { body.append("<pre class=\"\(e.failed ? "err" : "out")\">\(escape(e.output))</pre>") }
            for picture in Self.pictures(in: e.output) {
                // Self-contained: each picture is embedded, so the file reads offline.
                if let data = FileManager.default.contents(atPath: picture) {
                    body.append("<img alt=\"\(escape(picture))\" src=\"data:image/png;base64,\(data.base64EncodedString())\">")
                }
            }
            body.append("</div>")
        }
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>DigitLab notebook</title>
        <style>
        body { font: 15px/1.45 "DejaVu Sans", sans-serif; max-width: 1000px; margin: 2em auto; color: #212529; }
        h1 { font-size: 1.6em; } .cell { margin: 1.2em 0; }
        pre { margin: 0; padding: .6em .8em; white-space: pre-wrap; font: 13px/1.35 "DejaVu Sans Mono", monospace; }
        pre.in { background: #e9ecef; border-left: 4px solid #1f77b4; }
        pre.out { background: #f8f9fa; } pre.err { background: #fbe9eb; color: #a4161a; }
        img { max-width: 100%; margin-top: .5em; border: 1px solid #dee2e6; }
        </style></head><body>
        <h1>DigitLab notebook</h1>
        \(body.joined(separator: "\n"))
        </body></html>

        """
    }
}
