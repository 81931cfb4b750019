/// Output shown while a command runs, before it returns.
public protocol LiveOutput: AnyObject {
    /// Replaces the current status line (a progress bar).
    func transient(_ text: String)
    /// Prints a line that stays (an epoch's results), clearing the status line first.
    func permanent(_ text: String)
    /// Removes the status line.
    func clear()
}

/// A progress bar with ETA and throughput for one epoch, drawn at most ten times a second.
struct ProgressBar {
    private let clock = ContinuousClock()
    private var lastDrawn: ContinuousClock.Instant?
    private var seconds = 0.0, images = 0
    private var epoch = 0

    /// The bar for a finished batch, or nil when it was drawn less than 0.1 s ago.
    mutating func update(_ r: BatchReport, totalEpochs: Int?, firstEpoch: Int) -> String? {
        if r.epoch != epoch { epoch = r.epoch; seconds = 0; images = 0 }
        seconds += r.seconds
        images += r.images
        let now = clock.now
        if let last = lastDrawn, now - last < .milliseconds(100), r.stepInEpoch < r.stepsPerEpoch { return nil }
        lastDrawn = now
        let fraction = Double(r.stepInEpoch) / Double(max(1, r.stepsPerEpoch))
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "━", count: filled) + String(repeating: "─", count: width - filled)
        let perStep = seconds / Double(max(1, r.stepInEpoch))
        let eta = Int((perStep * Double(r.stepsPerEpoch - r.stepInEpoch)).rounded(.up))
        let rate = seconds > 0 ? Int(Double(images) / seconds) : 0
        let epochs = totalEpochs.map { "/\(firstEpoch + $0 - 1)" } ?? ""
        // Most telling first: a narrow window drops parts from the end (TerminalText.fitStatus).
        return "epoch \(r.epoch)\(epochs) \(bar) \(r.stepInEpoch)/\(r.stepsPerEpoch) · loss \(Format.fixed(r.loss, 4)) · ETA \(eta) s · lr \(Format.scientific(r.learningRate)) · \(Format.count(rate)) img/s"
    }
}

import DigitLabCore
