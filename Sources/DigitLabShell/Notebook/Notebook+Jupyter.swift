import DigitLabIO
import Foundation

extension Notebook {
    /// Jupyter nbformat 4.5: markdown cells for prose, code cells for commands with
    /// `stream` text, `display_data` pictures (`image/png`) and `error` outputs. Opens in
    /// Jupyter and VS Code; validates under the `nbformat` package. Handed out cell by
    /// cell (each cell is one JSON object made by JSONSerialization).
    static func jupyter(_ journal: NotebookJournal, _ emit: (String) throws(IOError) -> Void) throws(IOError) {
        func lines(_ s: String) -> [String] {
            let parts = s.components(separatedBy: "\n")
            return parts.enumerated().map { $0.offset == parts.count - 1 ? $0.element : $0.element + "\n" }
        }
        func json(_ object: Any) -> String {
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self)
        }
        try emit("{\"cells\": [\n")
        var count = 0, cellNumber = 0
        try forEachCell(journal) { (cell) throws(IOError) in
            cellNumber += 1
            let id = "cell-\(cellNumber)"
            let object: [String: Any]
            switch cell.kind {
            case .markdown(let text):
                object = ["cell_type": "markdown", "id": id, "metadata": [String: Any](), "source": lines(text)]
            case let .code(source, outputs, _):
                count += 1
                var outs = [[String: Any]]()
                for o in outputs {
                    switch o {
                    case .text(let t):
                        outs.append(["output_type": "stream", "name": "stdout", "text": lines(t + "\n")])
                    case .error(let e):
                        outs.append(["output_type": "error", "ename": "CommandError", "evalue": Sanitize.visible(e), "traceback": [String]()])
                    case .picture(let p):
                        outs.append(["output_type": "display_data", "metadata": ["image/png": ["width": p.width, "height": p.height]],
                                     "data": ["image/png": Data(p.png).base64EncodedString(), "text/plain": [TextRenderer.pictureLine(p)]]])
                    case .digits(let d):
                        if let (png, w, h) = digitsPNG(d) {
                            outs.append(["output_type": "display_data", "metadata": ["image/png": ["width": w, "height": h]],
                                         "data": ["image/png": Data(png).base64EncodedString(), "text/plain": lines(renderer.render(.digits(d)) ?? "")]])
                        }
                    }
                }
                object = ["cell_type": "code", "id": id, "execution_count": count, "metadata": [String: Any](),
                          "source": lines(Sanitize.visible(source)), "outputs": outs]
            }
            try emit((cellNumber > 1 ? ",\n" : "") + json(object))
        }
        let metadata: [String: Any] = ["kernelspec": ["name": "digitlab", "display_name": "DigitLab", "language": "digitlab"],
                                       "language_info": ["name": "digitlab", "file_extension": ".txt"]]
        try emit("\n], \"metadata\": \(json(metadata)), \"nbformat\": 4, \"nbformat_minor\": 5}\n")
    }
}
