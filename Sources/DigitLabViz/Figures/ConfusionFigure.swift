import DigitLabCore
import Foundation

/// `render confusion`: rows are the true class, columns the answer; counts in the cells,
/// colour on a log scale so the rare mistakes stand out next to the large diagonal.
public enum ConfusionFigure {
    public static func draw(_ m: ConfusionMatrix, classNames: [String], split: String) -> Canvas {
        let n = m.classes, cell = 46.0
        let left = Style.margin + 70, top = Style.header + 30
        let c = Canvas(width: Int(left + Double(n) * cell + 130), height: Int(top + Double(n) * cell + 70))
        c.title("Confusion matrix — \(split): accuracy \(String(format: "%.2f", m.accuracy * 100))%",
                subtitle: "\(m.total) images; rows: true class, columns: the network's answer")
        let maxCount = max(1, m.counts.max() ?? 1)
        let scale = { (v: Int) -> Float in Float(log1p(Double(v)) / log1p(Double(maxCount))) }
        for t in 0..<n {
            for p in 0..<n {
                let v = m[t, p]
                let x = left + Double(p) * cell, y = top + Double(t) * cell
                c.rect(x, y, cell - 1, cell - 1, v == 0 ? .white : ColorMap.viridis.color(scale(v)))
                if v > 0 {
                    c.text("\(v)", x + cell / 2, y + cell / 2 + 4, size: v >= 1000 ? 10 : 11, align: .center,
                           color: scale(v) > 0.6 ? .text : .white)
                }
            }
            c.text(classNames[t], left - 8, top + Double(t) * cell + cell / 2 + 4, size: Style.captionSize, align: .right)
            c.text(classNames[t], left + Double(t) * cell + cell / 2, top - 8, size: Style.captionSize, align: .center)
        }
        c.frame(left, top, Double(n) * cell, Double(n) * cell, .muted)
        c.text("predicted", left + Double(n) * cell / 2, top - 24, size: Style.labelSize, bold: true, align: .center)
        c.text("true class", left - 52, top + Double(n) * cell / 2, size: Style.labelSize, bold: true, align: .center, vertical: true)
        c.colorBar(x: left + Double(n) * cell + 24, y: top, height: Double(n) * cell * 0.7, map: .viridis,
                   low: 0, high: Float(maxCount), label: "images (log)") { v in
            // The bar is drawn on the same log scale as the cells.
            v == 0 ? "0" : formatTick(v)
        }
        return c
    }
}
