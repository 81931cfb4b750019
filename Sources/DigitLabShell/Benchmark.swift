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

    /// This machine's FMA peak per core: 2 FMA units x 8 lanes x 2 FLOPs x ~3.6 GHz
    /// (AMD EPYC, AVX2; measured: about 115 GFLOP/s). `peak_fraction` divides by
    /// this times the cores in use.
    public static let peakGflopsPerCore = 115.0

    public struct Result: Sendable, Encodable {
        public let net: String
        public let threads: Int
        public let loadSeconds: Double
        public let epochSeconds: Double
        /// CPU time the process used during the timed epoch (all threads).
        public let epochCPUSeconds: Double
        public let meanTrainLoss: Double
        public let inferSeconds: Double
        public let testAccuracy: Double
        public let peakRSSMegabytes: Double
        /// Training FLOPs of one epoch (`Network.trainingFlopsPerImage` x 60,000).
        public let trainingFlops: Double
        /// Inference FLOPs over the test set (forward only).
        public let inferenceFlops: Double
        public let kernels: String

        public var gflops: Double { trainingFlops / epochSeconds / 1e9 }
        public var inferGflops: Double { inferenceFlops / inferSeconds / 1e9 }
        /// The FMA peak of the cores in use.
        public var peakGflops: Double {
            Benchmark.peakGflopsPerCore * Double(min(threads, max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
        }

        enum CodingKeys: String, CodingKey {
            case bench, net, threads, kernels
            case epochSeconds = "epoch_s", epochCPUSeconds = "epoch_cpu_s", trainImagesPerSecond = "train_img_per_s"
            case meanTrainLoss = "mean_train_loss", inferSeconds = "infer_s", inferImagesPerSecond = "infer_img_per_s"
            case testAccuracy = "test_acc", loadSeconds = "load_s", peakRSSMegabytes = "peak_rss_mb"
            case gflops, peakFraction = "peak_fraction", inferGflops = "infer_gflops", peakGflops = "peak_gflops"
            case trainingGflop = "train_gflop_per_epoch"
        }

        public func encode(to encoder: any Encoder) throws {
            func r(_ v: Double, _ digits: Int) -> Double { (v * pow(10, Double(digits))).rounded() / pow(10, Double(digits)) }
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode("digitlab", forKey: .bench)
            try c.encode(net, forKey: .net)
            try c.encode(threads, forKey: .threads)
            try c.encode(kernels, forKey: .kernels)
            try c.encode(r(epochSeconds, 4), forKey: .epochSeconds)
            try c.encode(r(epochCPUSeconds, 3), forKey: .epochCPUSeconds)
            try c.encode(r(60000 / epochSeconds, 1), forKey: .trainImagesPerSecond)
            try c.encode(r(meanTrainLoss, 5), forKey: .meanTrainLoss)
            try c.encode(r(inferSeconds, 4), forKey: .inferSeconds)
            try c.encode(r(10000 / inferSeconds, 1), forKey: .inferImagesPerSecond)
            try c.encode(r(testAccuracy, 4), forKey: .testAccuracy)
            try c.encode(r(loadSeconds, 3), forKey: .loadSeconds)
            try c.encode(r(peakRSSMegabytes, 1), forKey: .peakRSSMegabytes)
            try c.encode(r(trainingFlops / 1e9, 2), forKey: .trainingGflop)
            try c.encode(r(gflops, 1), forKey: .gflops)
            try c.encode(r(gflops / peakGflops, 3), forKey: .peakFraction)
            try c.encode(r(inferGflops, 1), forKey: .inferGflops)
            try c.encode(r(peakGflops, 0), forKey: .peakGflops)
        }

        /// One line of JSON with the reference script's keys (and DigitLab's own).
        public var json: String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return (try? encoder.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
        }

        public var text: String {
            "\(net): train epoch \(String(format: "%.2f", epochSeconds)) s (\(Int(60000 / epochSeconds)) img/s, \(String(format: "%.0f", gflops)) GFLOP/s = \(String(format: "%.0f", 100 * gflops / peakGflops))% of peak), inference \(String(format: "%.3f", inferSeconds)) s (\(Int(10000 / inferSeconds)) img/s), test accuracy \(String(format: "%.2f", testAccuracy * 100))%, peak RSS \(Int(peakRSSMegabytes)) MB, load \(String(format: "%.2f", loadSeconds)) s"
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
        let cpu0 = Self.cpuSeconds()
        t0 = clock.now
        let amount: TrainingAmount = maxSteps > 0 ? .steps(maxSteps) : .epochs(1)
        _ = trainer.train(data.train, normalization: .mnist, amount: amount) { event in
            if case .batchEnd(let r) = event { lossSum += Double(r.loss); steps += 1 }
            return .proceed
        }
        let stepsPerEpoch = trainer.stepsPerEpoch(data.train.count)
        let extrapolate = Double(stepsPerEpoch) / Double(min(steps, stepsPerEpoch))
        let epochSeconds = seconds(clock.now - t0) * extrapolate
        let epochCPUSeconds = (Self.cpuSeconds() - cpu0) * extrapolate
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
                      epochCPUSeconds: epochCPUSeconds, meanTrainLoss: lossSum / Double(max(1, steps)),
                      inferSeconds: inferSeconds, testAccuracy: eval.accuracy, peakRSSMegabytes: Self.peakRSS(),
                      trainingFlops: Double(net.trainingFlopsPerImage) * Double(data.train.count),
                      inferenceFlops: Double(net.flopsPerImage) * Double(data.test.count), kernels: Kernels.name)
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// CPU time of the whole process so far (user + system, all threads).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return s(usage.ru_utime) + s(usage.ru_stime)
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
