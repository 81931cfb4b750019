import DigitLabCore
import Foundation

/// `render probabilities INDEX`: the digit and the network's ten probabilities.
public enum ProbabilitiesFigure {
    public static func draw(pixels: ArraySlice<UInt8>, probabilities: [Float], truth: Int, classNames: [String],
                            caption: String) -> Canvas {
        let c = Canvas(width: 640, height: 340)
        let answer = classesByProbability(probabilities).first ?? 0
        c.title("The network says \(classNames[answer]) (\(String(format: "%.1f", probabilities[answer] * 100))%)",
                subtitle: "\(caption); true label \(classNames[truth])")
        c.digit(pixels, x: Style.margin, y: Style.header + 20, cell: 5)
        c.frame(Style.margin, Style.header + 20, 140, 140, .grid)
        let plot = c.axes(x: 240, y: Style.header + 14, width: 370, height: 200, xRange: -0.5...Double(probabilities.count) - 0.5,
                          yRange: 0...1, xLabel: "class", yLabel: "probability",
                          xTicks: classNames.enumerated().map { (Double($0.offset), $0.element) })
        for (k, p) in probabilities.enumerated() {
            let x0 = plot.x(Double(k) - 0.35), x1 = plot.x(Double(k) + 0.35)
            let color: RGB = k == answer ? (k == truth ? .good : .bad) : ColorMap.viridis.color(0.35)
            c.rect(x0, plot.y(Double(p)), x1 - x0, plot.y(0) - plot.y(Double(p)), color)
            var label = p >= 0.005 ? String(format: "%.0f%%", p * 100) : ""
            if k == truth { label = label.isEmpty ? "true" : "true · " + label }
            if !label.isEmpty {
                c.text(label, (x0 + x1) / 2, plot.y(Double(p)) - 5, size: Style.captionSize - 1, align: .center,
                       color: k == truth ? .good : .text)
            }
        }
        c.legend([("answer, right", .good), ("answer, wrong", .bad), ("other classes", ColorMap.viridis.color(0.35))],
                 x: 240, y: Double(c.height) - 14)
        return c
    }
}
