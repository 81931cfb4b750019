import DigitLabIO
import Foundation

extension Notebook {
    /// Markdown: pictures linked where they were written — when the file there still
    /// holds the bytes the command made; otherwise (overwritten since, or never written)
    /// those bytes go to `NAME_files/` beside the notebook, so every link shows what the
    /// cell showed. Returns the text and the extra files to write.
    static func markdown(_ journal: NotebookJournal, path: String, _ emit: (String) throws(IOError) -> Void,
                         keep: ([UInt8], String) throws(IOError) -> Void) throws(IOError) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        try emit("# DigitLab notebook\n\n")
        var number = 0
        try forEachCell(journal) { (cell) throws(IOError) in
            var out = [String]()
            switch cell.kind {
            case .markdown(let text): out += [text, ""]
            case let .code(source, outputs, _):
                number += 1
                out += ["```", "> \(Sanitize.visible(source))"]
                var pictures = [String]()
                for o in outputs {
                    switch o {
                    case .text(let t): out.append(t)
                    case .error(let e): out.append("error: " + Sanitize.visible(e))
                    case .digits(let d): out.append(renderer.render(.digits(d)) ?? "")
                    case .picture(let p):
                        let link: String
                        if let written = p.path, let data = FileManager.default.contents(atPath: written), [UInt8](data) == p.png {
                            link = relative(written, from: folder)
                        } else {
                            let name = "\(stem)_files/\(number)-\(URL(fileURLWithPath: p.path ?? "picture.png").lastPathComponent)"
                            try keep(p.png, folder.appendingPathComponent(name).path)
                            link = name
                        }
                        pictures.append("![\(p.caption.isEmpty ? "picture" : p.caption)](\(link.replacingOccurrences(of: " ", with: "%20")))")
                    }
                }
                out += ["```", ""]
                for p in pictures { out += [p, ""] }
            }
            try emit(out.joined(separator: "\n") + "\n")
        }
    }

    static func relative(_ path: String, from folder: URL) -> String {
        let target = URL(fileURLWithPath: path).standardized.path
        let base = folder.standardized.path
        if target.hasPrefix(base + "/") { return String(target.dropFirst(base.count + 1)) }
        return target
    }
}
