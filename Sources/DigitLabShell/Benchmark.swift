import DigitLabCore
import DigitLabIO
import Foundation

/// `digitlab bench`: one training epoch on the full 60,000 images and inference over the
/// 10,000 test images, with the nets, batch sizes, optimisers, learning rates,
/// normalisation (0.1307, 0.3081) and initialisation of the PyTorch reference script
/// (`shared/bench/torch_reference.py`), so the two can be compared in one run.
public struct Benchmark {
    public var preset: Preset
    public var threads = 2
    public var seed: UInt64 = 0
    public var locator = DataLocator()
    /// Time only this many steps and extrapolate to the epoch (0 = the whole epoch), like
    /// the reference script's --max-steps.
    public var maxSteps = 0
    /// More than one epoch: a soak run that reports time and memory after each (the
    /// timed result is still the first epoch's).
    public var epochs = 1
    public var onEpoch: (Int, Double, Double) -> Void = { _, _, _ in }

    public init(preset: Preset) { self.preset = preset }

    public struct Result: Sendable {
        public let net: String
        public let threads: Int
        public let loadSeconds: Double
        public let epochSeconds: Double
        public let meanTrainLoss: Double
        public let inferSeconds: Double
        public let testAccuracy: Double
        public let peakRSSMegabytes: Double

        /// One line with the reference script's keys.
        public var json: String {
            func r(_ v: Double, _ d: Int) -> String { String(format: "%.\(d)f", v) }
            return "{\"bench\": \"digitlab\", \"net\": \"\(net)\", \"threads\": \(threads), \"epoch_s\": \(r(epochSeconds, 4)), \"train_img_per_s\": \(r(60000 / epochSeconds, 1)), \"mean_train_loss\": \(r(meanTrainLoss, 5)), \"infer_s\": \(r(inferSeconds, 4)), \"infer_img_per_s\": \(r(10000 / inferSeconds, 1)), \"test_acc\": \(r(testAccuracy, 4)), \"load_s\": \(r(loadSeconds, 3)), \"peak_rss_mb\": \(r(peakRSSMegabytes, 1))}"
        }

        public var text: String {
            "\(net): train epoch \(String(format: "%.2f", epochSeconds)) s (\(Int(60000 / epochSeconds)) img/s), inference \(String(format: "%.3f", inferSeconds)) s (\(Int(10000 / inferSeconds)) img/s), test accuracy \(String(format: "%.2f", testAccuracy * 100))%, peak RSS \(Int(peakRSSMegabytes)) MB, load \(String(format: "%.2f", loadSeconds)) s"
        }
    }

    public func run() throws -> Result {
        Parallel.threads = threads
        let clock = ContinuousClock()
        var t0 = clock.now
        let data = try DatasetLoader.mnist(locator: locator)
        let loadSeconds = seconds(clock.now - t0)
        var rng = SeededRNG(seed: seed)
        let net = preset.makeNetwork(using: &rng)
        var settings = TrainingSettings()
        settings.batchSize = preset.batchSize
        settings.learningRate = preset.learningRate
        settings.optimizer = preset.optimizer
        let trainer = Trainer(network: net, settings: settings, rng: SeededRNG(seed: rng.next()))
        trainer.checkpointInterval = Int.max // the reference keeps no fallback copy either
        var lossSum = 0.0, steps = 0
        t0 = clock.now
        let amount: TrainingAmount = maxSteps > 0 ? .steps(maxSteps) : .epochs(1)
        _ = trainer.train(data.train, normalization: .mnist, amount: amount) { event in
            if case .batchEnd(let r) = event { lossSum += Double(r.loss); steps += 1 }
            return .proceed
        }
        let stepsPerEpoch = trainer.stepsPerEpoch(data.train.count)
        let epochSeconds = seconds(clock.now - t0) * Double(stepsPerEpoch) / Double(min(steps, stepsPerEpoch))
        onEpoch(1, epochSeconds, Self.currentRSS())
        for epoch in 2..<max(2, epochs + 1) {
            let start = clock.now
            _ = trainer.train(data.train, normalization: .mnist, amount: .epochs(1))
            onEpoch(epoch, seconds(clock.now - start), Self.currentRSS())
        }
        t0 = clock.now
        let eval = net.evaluate(data.test, normalization: .mnist, batchSize: 1000)
        let inferSeconds = seconds(clock.now - t0)
        return Result(net: preset.name, threads: threads, loadSeconds: loadSeconds, epochSeconds: epochSeconds,
                      meanTrainLoss: lossSum / Double(max(1, steps)), inferSeconds: inferSeconds,
                      testAccuracy: eval.accuracy, peakRSSMegabytes: Self.peakRSS())
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Resident memory now (VmRSS), in MB.
    static func currentRSS() -> Double { statusField("VmRSS:") }

    /// The high-water mark of resident memory (VmHWM), in MB.
    static func peakRSS() -> Double { statusField("VmHWM:") }

    private static func statusField(_ field: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .nan }
        for line in status.split(separator: "\n") where line.hasPrefix(field) {
            let kb = line.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? .nan
            return kb / 1024
        }
        return .nan
    }
}
