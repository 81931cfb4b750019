import Glibc
import Testing
@testable import DigitLabCore

/// One memory budget (issue 12, class 5): the estimate, the refusal lines, and the
/// estimate against the resident memory real training steps take.
@Suite struct MemoryEstimateTests {
    func network(_ specs: [LayerSpec]) throws -> Network {
        var rng = SeededRNG(seed: 0)
        let net = Network()
        for s in specs { try net.append(s, using: &rng) }
        return net
    }

    /// mlp at batch 64 with SGD, part by part, by hand (101,770 parameters).
    @Test func theMLPByHand() throws {
        let net = try network(Preset.mlp.layers)
        let e = net.memoryEstimate(batchSize: 64, optimizer: .sgd)
        let p = 4 * 101_770
        #expect(e.weights == p && e.gradients == p && e.optimizerState == 0)
        #expect(e.weightCopies == 2 * p)                              // NaN fallback + its candidate
        #expect(e.activations == 4 * 64 * (128 + 10))                 // dense outputs (relu works in place)
        #expect(e.backward == 4 * 64 * (784 + 128))                   // the first dense layer's ∂x and ∂y
        #expect(e.workspace == 0)
        #expect(e.batch == 4 * 64 * 784 + 8 * 64)
        #expect(e.total == 2_098_336)
        #expect(e.description == "NaN-recovery copies 795 KB, weights 398 KB, gradients 398 KB, backward 228 KB, the batch 197 KB, activations 35 KB")
        let adam = net.memoryEstimate(batchSize: 64, optimizer: .adam)
        #expect(adam.optimizerState == 2 * p && adam.parts[2].name == "Adam state")
        #expect(net.memoryEstimate(batchSize: 64, optimizer: .momentum).optimizerState == p)
        // Inference: the weights, one layer's input and output, the batch.
        let inference = net.memoryEstimate(batchSize: 1, optimizer: nil)
        #expect(inference.total == p + 4 * (784 + 128) + 4 * 784 + 8)
        // Before building: the same numbers from the specs alone.
        #expect(try MemoryEstimate(input: [1, 28, 28], specs: Preset.mlp.layers, batchSize: 64, optimizer: .sgd) == e)
    }

    @Test func sizesReadAsPeopleReadThem() {
        #expect(MemoryEstimate.format(512) == "512 bytes")
        #expect(MemoryEstimate.format(2048) == "2.0 KB")
        #expect(MemoryEstimate.format(35_328) == "35 KB")
        #expect(MemoryEstimate.format(1 << 30) == "1.0 GB")
        #expect(MemoryEstimate.format(2_576_980_378) == "2.4 GB")
        #expect(MemoryEstimate.format(Int.max) == "more than 8 EB")
    }

    /// Six `net add dense 10000` reached 4 GB: the second is now refused before it is built.
    @Test func sixDenseLayersOfTenThousandAreRefusedInTime() throws {
        let budget = MemoryBudget(limit: 1 << 30)
        var rng = SeededRNG(seed: 0)
        let net = Network()
        var refusal: String?
        for _ in 0..<6 {
            do {
                try budget.checkAppending(.dense(units: 10_000), to: net, batchSize: 64, optimizer: .sgd)
                try net.append(.dense(units: 10_000), using: &rng)
            } catch let e as LimitError { refusal = e.message; break }
        }
        #expect(net.layers.count == 2, "flatten and the first dense layer; the second was refused")
        #expect(refusal == "the network would need about 1.6 GB at batch 64 (NaN-recovery copies 823 MB, weights 411 MB, gradients 411 MB, activations 4.9 MB, backward 4.9 MB, the batch 197 KB); the limit is 1.0 GB — use fewer units, or `set memory-limit 2GB`")
    }

    @Test func budgetsAndTheirLines() throws {
        #expect(MemoryBudget.defaultLimit(physicalMemory: 24 << 30) == 1 << 30)
        #expect(MemoryBudget.defaultLimit(physicalMemory: 2 << 30) == 512 << 20)
        #expect(MemoryBudget.defaultLimit(physicalMemory: 512 << 20) == 256 << 20)
        #expect(MemoryBudget.default.limit <= 1 << 30)
        #expect(try MemoryBudget.parse("3GB", physicalMemory: 8 << 30).limit == 3 << 30)
        #expect(try MemoryBudget.parse("1.5g", physicalMemory: 8 << 30).limit == 3 << 29)
        #expect(try MemoryBudget.parse("512MB", physicalMemory: 8 << 30).limit == 512 << 20)
        #expect(throws: LimitError("memory-limit: write a size with its unit, such as 3GB or 512MB, got '3'")) { try MemoryBudget.parse("3") }
        #expect(throws: LimitError("memory-limit: write a size with its unit, such as 3GB or 512MB, got 'nanGB'")) { try MemoryBudget.parse("nanGB") }
        #expect(throws: LimitError("memory-limit: at least 64 MB, got 1MB")) { try MemoryBudget.parse("1MB") }
        #expect(throws: LimitError("memory-limit: this machine has 8.0 GB of memory, got 9223372036854775807GB")) {
            try MemoryBudget.parse("9223372036854775807GB", physicalMemory: 8 << 30)
        }
        // The batch: the largest that fits is named.
        let net = try network(Preset.mlp.layers)
        let small = MemoryBudget(limit: 8 << 20)
        let fits = try #require(small.largestBatch(for: net, optimizer: .sgd))
        #expect(net.memoryEstimate(batchSize: fits, optimizer: .sgd).total <= small.limit)
        #expect(net.memoryEstimate(batchSize: fits + 1, optimizer: .sgd).total > small.limit)
        #expect(throws: LimitError.self) { try small.checkBatchSize(fits + 1, for: net, optimizer: .sgd) }
        do { try small.checkBatchSize(65_536, for: net, optimizer: .sgd) } catch {
            #expect(error.message.hasSuffix("the limit is 8.0 MB — use a batch of at most \(fits), or `set memory-limit 1GB`"), "\(error.message)")
        }
        #expect((try? small.checkBatchSize(fits, for: net, optimizer: .sgd)) != nil)
        // Presets fit the default budget at their batch sizes, with room to spare.
        for preset in Preset.all {
            let e = try MemoryEstimate(input: [1, 28, 28], specs: preset.layers, batchSize: preset.batchSize, optimizer: preset.optimizer.kind)
            #expect(e.total < 100 << 20, "\(preset.name): \(e.total)")
        }
    }

    // MARK: - Against the resident memory of real training steps

    /// Resident peak growth while three training steps run (with per-layer statistics,
    /// as `train step` collects them), in a child process so that nothing else runs.
    /// The stated factor: the estimate is at least 90% of the measured growth (it may
    /// refuse a little early, never let a network far past the limit) and at most 1.5×.
    @Test(arguments: [0, 1, 2])
    func estimateAgainstMeasuredGrowth(net index: Int) async throws {
        let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) { [index] in
            let nets: [(specs: [LayerSpec], batch: Int, optimizer: OptimizerKind)] = [
                ([.flatten, .dense(units: 8000), .activation(.relu), .dense(units: 2000), .activation(.relu), .dense(units: 10)], 64, .sgd),
                ([.conv(filters: 32, kernel: 3, stride: 1, padding: .same), .activation(.relu),
                  .conv(filters: 64, kernel: 3, stride: 1, padding: .same), .activation(.relu), .maxpool(size: 2),
                  .dropout(rate: 0.25), .flatten, .dense(units: 10)], 256, .momentum),
                (Preset.cnn.layers, 512, .adam),
            ]
            let (specs, batch, optimizer) = nets[index]
            var rng = SeededRNG(seed: 1)
            let data = LabeledImages(pixels: (0..<(batch * 3 * 784)).map { _ in UInt8(truncatingIfNeeded: rng.next()) },
                                     labels: (0..<(batch * 3)).map { UInt8($0 % 10) }, rows: 28, columns: 28)
            let before = MemoryEstimateTests.resident()
            MemoryEstimateTests.resetPeak()
            let net = Network()
            for s in specs { try? net.append(s, using: &rng) }
            var settings = TrainingSettings()
            settings.batchSize = batch
            settings.optimizer = OptimizerSettings(kind: optimizer)
            let trainer = Trainer(network: net, settings: settings, rng: rng)
            trainer.collectLayerStats = true
            trainer.checkpointInterval = 1 // a candidate copy every step: the worst case counted
            _ = trainer.train(data, normalization: .mnist, amount: .steps(3))
            let growth = MemoryEstimateTests.peak() - before
            let estimate = net.memoryEstimate(batchSize: batch, optimizer: optimizer).total
            print("\(estimate) \(growth)")
            exit(0)
        }
        let numbers = String(decoding: result?.standardOutputContent ?? [], as: UTF8.self)
            .split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
        try #require(numbers.count == 2, "the child's report: \(numbers)")
        let ratio = numbers[0] / numbers[1]
        print("net \(index): estimate \(Int(numbers[0])), measured peak growth \(Int(numbers[1])), ratio \(ratio)")
        #expect(ratio >= 0.9 && ratio <= 1.5, "estimate \(Int(numbers[0])) vs measured \(Int(numbers[1]))")
    }

    static func statusValue(_ key: String) -> Int {
        guard let f = fopen("/proc/self/status", "r") else { return 0 }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, 256, f) != nil {
            let text = String(decoding: line.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix(key + ":") {
                return (Int(text.dropFirst(key.count + 1).split(whereSeparator: \.isWhitespace).first ?? "0") ?? 0) * 1024
            }
        }
        return 0
    }

    static func resident() -> Int { statusValue("VmRSS") }
    static func peak() -> Int { statusValue("VmHWM") }

    /// Resets VmHWM to the current resident size (Linux ≥ 4.0: write 5 to clear_refs).
    static func resetPeak() {
        guard let f = fopen("/proc/self/clear_refs", "w") else { return }
        fputs("5", f)
        fclose(f)
    }
}
