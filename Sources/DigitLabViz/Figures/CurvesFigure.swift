import DigitLabCore

/// `render curves`: loss and accuracy as training went, per step (thin) and per epoch
/// (dots), training against validation.
public enum CurvesFigure {
    static let train = RGB(31, 119, 180), validation = RGB(255, 127, 14)

    public static func draw(_ log: MetricsLog) -> Canvas {
        let c = Canvas(width: 900, height: 420)
        let last = log.epochs.last.map { e in
            "after epoch \(e.epoch): train accuracy \(pct(e.trainAccuracy))" + (e.validationAccuracy.map { ", validation \(pct($0))" } ?? "")
        } ?? "\(log.steps.count) steps, no full epoch yet"
        c.title("Training curves", subtitle: last)
        let span = max(1, log.steps.last?.epochs ?? 1)
        // Per-step values are noisy: show a running mean over ~1% of the steps as well.
        let window = max(1, log.steps.count / 100)
        func smooth(_ v: [Double]) -> [Double] {
            var out = [Double](), sum = 0.0
            for (i, x) in v.enumerated() {
                sum += x
                if i >= window { sum -= v[i - window] }
                out.append(sum / Double(min(i + 1, window)))
            }
            return out
        }
        let losses = log.steps.map { Double($0.loss) }
        let lossTop = niceCeiling(min(3, max(0.1, ([losses.max() ?? 1] + log.epochs.compactMap { $0.validationLoss.map(Double.init) }).max()!)))
        let panels: [(String, String, ClosedRange<Double>, [Double], (MetricsLog.Epoch) -> Double, (MetricsLog.Epoch) -> Double?)] = [
            ("Loss", "loss", 0...lossTop, losses, { Double($0.trainLoss) }, { $0.validationLoss.map(Double.init) }),
            ("Accuracy", "accuracy", accuracyRange(log), log.steps.map(\.accuracy), { $0.trainAccuracy }, { $0.validationAccuracy }),
        ]
        for (i, panel) in panels.enumerated() {
            let x = 90.0 + Double(i) * 430
            let plot = c.axes(x: x, y: Style.header + 30, width: 340, height: 250, xRange: 0...span, yRange: panel.2,
                              xLabel: "epochs", yLabel: panel.1, title: panel.0, xTicks: CompareFigure.epochTicks(span))
            let clamp = { (v: Double) in min(max(v, panel.2.lowerBound), panel.2.upperBound) }
            let raw = zip(log.steps, panel.3).map { (plot.x($0.epochs), plot.y(clamp($1))) }
            c.path(raw, RGB(174, 199, 232), width: 0.8)
            c.path(zip(log.steps, smooth(panel.3)).map { (plot.x($0.epochs), plot.y(clamp($1))) }, train, width: 1.8)
            let epochTrain = log.epochs.map { (plot.x(Double($0.epoch)), plot.y(clamp(panel.4($0)))) }
            for p in epochTrain { c.dot(p.0, p.1, radius: 4, train) }
            let epochVal = log.epochs.compactMap { e in panel.5(e).map { (plot.x(Double(e.epoch)), plot.y(clamp($0))) } }
            c.path(epochVal, validation, width: 1.8)
            for p in epochVal { c.dot(p.0, p.1, radius: 4, validation) }
        }
        c.legend([("train, per step", RGB(174, 199, 232)), ("train (running mean; dots: per epoch)", train),
                  ("validation, per epoch", validation)], x: 90, y: Double(c.height) - 12)
        return c
    }

    static func accuracyRange(_ log: MetricsLog) -> ClosedRange<Double> {
        let values = log.steps.map(\.accuracy) + log.epochs.compactMap(\.validationAccuracy)
        // Start at a round value under the lowest 2% of points: early noise may clip.
        let low = values.sorted().dropFirst(values.count / 50).first ?? 0
        return (low < 0.5 ? 0 : max(0, min(0.9, (low * 5).rounded(.down) / 5)))...1
    }

    static func pct(_ v: Double) -> String { String(format: "%.2f%%", v * 100) }
}

import Foundation
