import DigitLabCore
import Foundation

/// `render compare [NAMES…]`: the loss and accuracy curves of several named runs on one
/// pair of axes, so one change (a learning rate, an optimiser, augmentation) can be seen
/// with its effect. Each run has one colour; training is a solid line (the running mean
/// of its steps, or its epochs' means when it has no steps), validation a dashed line
/// with rings at the epochs. Dotted
/// grey lines mark chance: a network that guesses has loss ln(classes) and accuracy
/// 1/classes.
public enum CompareFigure {
    /// One training run: its name, the settings in which it differs from the others
    /// ("lr 0.1"), and what training measured.
    public struct Run: Sendable {
        public var name: String
        public var settings: String
        public var log: MetricsLog
        public init(name: String, settings: String, log: MetricsLog) {
            self.name = name; self.settings = settings; self.log = log
        }

        /// The best validation accuracy, else the last epoch's training accuracy.
        var best: (value: Double, what: String)? {
            if let v = log.epochs.compactMap(\.validationAccuracy).max() { return (v, "best validation") }
            if let t = log.epochs.last?.trainAccuracy { return (t, "train") }
            return nil
        }
    }

    public static func draw(_ runs: [Run], classes: Int = 10) -> Canvas {
        let legendRows = Double(max(1, runs.count))
        let c = Canvas(width: 960, height: Int(Style.header + 380 + legendRows * 17 + 30))
        let summary = runs.compactMap { r in r.best.map { "\(r.name) \(String(format: "%.1f%%", $0.value * 100))" } }
        let bestKind = runs.contains { !$0.log.epochs.compactMap(\.validationAccuracy).isEmpty } ? "best validation accuracy" : "accuracy after the last epoch"
        c.title("Comparing \(runs.count) run\(runs.count == 1 ? "" : "s")",
                subtitle: summary.isEmpty ? "no finished epoch yet: curves of the training steps"
                    : "\(bestKind): " + summary.joined(separator: ", "))
        let span = max(1, runs.map { max($0.log.steps.last?.epochs ?? 0, Double($0.log.epochs.last?.epoch ?? 0)) }.max() ?? 1)
        let chanceLoss = log(Double(max(2, classes)))

        // Loss: linear up to a little above chance (where diverging runs leave the plot).
        let finiteLosses = runs.flatMap { r in r.log.steps.map { Double($0.loss) } + r.log.epochs.flatMap { e in [Double(e.trainLoss)] + (e.validationLoss.map { [Double($0)] } ?? []) } }
            .filter(\.isFinite)
        let lossTop = niceCeiling(min(max(chanceLoss * 1.15, 0.1), max(0.1, finiteLosses.max() ?? 1)))
        let accuracies = runs.flatMap { r in r.log.steps.map(\.accuracy) + r.log.epochs.flatMap { [$0.trainAccuracy] + ($0.validationAccuracy.map { [$0] } ?? []) } }
        let accuracyLow = (accuracies.sorted().dropFirst(accuracies.count / 50).first ?? 0)
        let accuracyRange = (accuracyLow < 0.5 ? 0 : max(0, min(0.9, (accuracyLow * 5).rounded(.down) / 5)))...1.0

        let panels: [(title: String, label: String, range: ClosedRange<Double>, chance: Double, isLoss: Bool)] = [
            ("Loss", "loss", 0...lossTop, chanceLoss, true),
            ("Accuracy", "accuracy", accuracyRange, 1 / Double(max(2, classes)), false),
        ]
        var clipped = Set<Int>()
        for (p, panel) in panels.enumerated() {
            let x0 = 90.0 + Double(p) * 450
            let plot = c.axes(x: x0, y: Style.header + 30, width: 360, height: 270, xRange: 0...span, yRange: panel.range,
                              xLabel: "epochs", yLabel: panel.label, title: panel.title, xTicks: epochTicks(span),
                              yFormat: panel.isLoss ? { formatTick(Float($0)) } : { String(format: "%.0f%%", $0 * 100) })
            if panel.range.contains(panel.chance) {
                let y = plot.y(panel.chance)
                var x = x0
                while x < x0 + 360 { c.line(x, y, min(x + 3, x0 + 360), y, .muted); x += 7 }
                // Outside the plot, on the right: curves often run along chance.
                c.text("chance", x0 + 364, y + 3, size: Style.captionSize - 2, color: .muted)
                c.text(panel.isLoss ? "ln \(classes) = \(String(format: "%.2f", panel.chance))" : String(format: "%.0f%%", panel.chance * 100),
                       x0 + 364, y + 14, size: Style.captionSize - 2, color: .muted)
            }
            for (i, run) in runs.enumerated() {
                let color = ColorMap.classes[i % ColorMap.classes.count]
                let inside = { (v: Double) -> Double? in
                    guard v.isFinite else { return nil }
                    if v > panel.range.upperBound { clipped.insert(i) }
                    return min(max(v, panel.range.lowerBound), panel.range.upperBound)
                }
                // Training: the running mean of the steps (noisy one by one), else the epoch means.
                let stepValues = run.log.steps.map { panel.isLoss ? Double($0.loss) : $0.accuracy }
                if !stepValues.isEmpty {
                    let smooth = runningMean(stepValues, window: max(1, stepValues.count / 50))
                    for piece in pieces(zip(run.log.steps, smooth).map { (plot.x($0.epochs), inside($1).map(plot.y)) }) {
                        c.path(piece, color, width: 1.6)
                    }
                } else {
                    for piece in pieces(run.log.epochs.map { e in (plot.x(Double(e.epoch)), inside(panel.isLoss ? Double(e.trainLoss) : e.trainAccuracy).map(plot.y)) }) {
                        c.path(piece, color, width: 1.6)
                    }
                }
                if stepValues.isEmpty {
                    for e in run.log.epochs {
                        if let v = inside(panel.isLoss ? Double(e.trainLoss) : e.trainAccuracy) {
                            c.dot(plot.x(Double(e.epoch)), plot.y(v), radius: 3.5, color)
                        }
                    }
                }
                // Validation: dashed, rings at the epochs.
                let validation = run.log.epochs.map { e -> (Double, Double?) in
                    let v = panel.isLoss ? e.validationLoss.map(Double.init) : e.validationAccuracy
                    return (plot.x(Double(e.epoch)), v.flatMap(inside).map(plot.y))
                }
                for piece in pieces(validation) { c.dashedPath(piece, color, width: 1.6) }
                for case let (x, y?) in validation { c.dot(x, y, radius: 4.5, .white); c.ring(x, y, radius: 4, color, width: 1.6) }
            }
        }
        // Legend: one line per run, then what the line styles mean.
        var y = Style.header + 30 + 270 + 62
        for (i, run) in runs.enumerated() {
            let color = ColorMap.classes[i % ColorMap.classes.count]
            c.rect(90, y - 9, 22, 10, color)
            // Name, result and warning first; the settings that differ last, cut with "…"
            // where they would run off the picture (a whole network can be long).
            var text = run.name
            if let b = run.best { text += String(format: " · %@ %.2f%%", b.what, b.value * 100) }
            if clipped.contains(i), let top = run.log.steps.map({ Double($0.loss) }).filter(\.isFinite).max() {
                text += " · loss reached \(formatValue(Float(top))): off the scale"
            }
            if !run.settings.isEmpty {
                let room = Double(c.width) - 120 - 16
                var words = run.settings.split(separator: " ").map(String.init)
                var settings = " — " + run.settings
                while !words.isEmpty, c.textWidth(text + settings, size: Style.captionSize) > room {
                    words.removeLast()
                    settings = words.isEmpty ? "" : " — " + words.joined(separator: " ") + " …"
                }
                text += settings
            }
            c.text(text, 120, y, size: Style.captionSize)
            y += 17
        }
        c.line(90, y + 1, 112, y + 1, .text, width: 1.6)
        c.text("training (running mean of its steps)", 120, y + 5, size: Style.captionSize - 1, color: .muted)
        c.dashedPath([(470, y + 1), (492, y + 1)], .text, width: 1.6)
        c.ring(481, y + 1, radius: 4, .text, width: 1.6)
        c.text("validation, after each epoch", 500, y + 5, size: Style.captionSize - 1, color: .muted)
        return c
    }

    /// Whole epochs from two epochs on ("2", not "2.00"); shorter spans keep the axis's
    /// own fractions.
    static func epochTicks(_ span: Double) -> [(Double, String)]? {
        guard span >= 2 else { return nil }
        let step = max(1, Int(niceStep(span).rounded(.up)))
        return stride(from: 0, through: Int(span.rounded(.down)), by: step).map { (Double($0), String($0)) }
    }

    static func runningMean(_ v: [Double], window: Int) -> [Double] {
        var out = [Double](), sum = 0.0, count = 0
        for (i, x) in v.enumerated() {
            // Non-finite steps (a diverged run) neither enter nor leave the sum.
            if x.isFinite { sum += x; count += 1 }
            if i >= window, v[i - window].isFinite { sum -= v[i - window]; count -= 1 }
            out.append(count > 0 && x.isFinite ? sum / Double(count) : .nan)
        }
        return out
    }

    /// Splits a polyline where values are missing, so a gap is not bridged.
    static func pieces(_ points: [(Double, Double?)]) -> [[(Double, Double)]] {
        var out = [[(Double, Double)]](), current = [(Double, Double)]()
        for (x, y) in points {
            if let y, y.isFinite { current.append((x, y)) } else if !current.isEmpty { out.append(current); current = [] }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
