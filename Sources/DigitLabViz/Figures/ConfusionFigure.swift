import DigitLabCore
import Foundation

/// `render confusion`: rows are the true class, columns the answer; counts in the cells,
/// colour on a log scale so the rare mistakes stand out next to the large diagonal.
public enum ConfusionFigure {
    public static func draw(_ m: ConfusionMatrix, classNames: [String], split: String) -> Canvas {
        let n = m.classes, cell = 46.0
        let left = Style.margin + 70, top = Style.header + 30
        let c = Canvas(width: Int(left + Double(n) * cell + 160), height: Int(top + Double(n) * cell + 40))
        c.title("Confusion matrix — \(split): accuracy \(String(format: "%.2f", m.accuracy * 100))%",
                subtitle: "\(grouped(m.total)) images; rows: true class, columns: the network's answer")
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
        // The bar uses the cells' log scale, so its ticks sit at 1, 10, 100, … not evenly.
        var ticks: [(Double, String)] = []
        var v = 1
        while v < maxCount {
            if scale(v) < 0.9 { ticks.append((Double(scale(v)), grouped(v))) } // leave room for the maximum
            v *= 10
        }
        ticks.append((1, grouped(maxCount)))
        c.colorBar(x: left + Double(n) * cell + 24, y: top, height: Double(n) * cell * 0.7, map: .viridis,
                   low: 0, high: Float(maxCount), label: "images (log scale)", ticks: ticks)
        return c
    }

    static func grouped(_ n: Int) -> String {
        let s = String(n)
        return s.count <= 3 ? s : String(s.dropLast(3)) + "," + String(s.suffix(3))
    }
}
