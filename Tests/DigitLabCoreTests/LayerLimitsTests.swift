import Testing
@testable import DigitLabCore

/// Checked arithmetic in layer geometry and training numbers (issue 12, class 2): what a
/// line or a file supplies is validated before it is used to allocate.
@Suite struct LayerLimitsTests {
    func refusal(_ specs: [LayerSpec], input: [Int] = [1, 28, 28]) -> String {
        var rng = SeededRNG(seed: 0)
        let net = Network(inputShape: input)
        do {
            for s in specs { try net.append(s, using: &rng) }
            return "added"
        } catch { return error.message }
    }

    @Test func hugePaddingIsARefusalNotATrap() {
        // `net add conv 4 3x3 pad 9223372036854775807` overflowed in 28 + 2·pad.
        #expect(refusal([.conv(filters: 4, kernel: 3, stride: 1, padding: .fixed(Int.max))])
                == "padding 9223372036854775807 is more than a 3x3 kernel can use: at most 2 (wider padding only adds outputs that see nothing but zeros)")
        #expect(refusal([.conv(filters: 4, kernel: 3, stride: 1, padding: .fixed(Int.max / 2))]).hasPrefix("padding 4611686018427387903 is more"))
        #expect(refusal([.conv(filters: 4, kernel: 3, stride: 1, padding: .fixed(-1))]) == "padding must be 0 or more, got -1")
        // Kernel and stride at the extremes: no overflow either.
        #expect(refusal([.conv(filters: 4, kernel: Int.max, stride: 1, padding: .fixed(Int.max - 1))])
                == "conv 9223372036854775807x9223372036854775807 needs an input of at least 9223372036854775807x9223372036854775807, this one is 28x28x1")
        #expect(refusal([.conv(filters: 4, kernel: 3, stride: Int.max, padding: .fixed(1))]) == "added")
        #expect(refusal([.conv(filters: Int.max, kernel: 3, stride: 1, padding: .fixed(1))]).hasPrefix("conv 9223372036854775807 3x3 pad 1 would need too many weights"))
        #expect(refusal([.maxpool(size: Int.max)]).hasPrefix("maxpool 9223372036854775807 needs an input of at least"))
        #expect(refusal([.dropout(rate: .nan)]) == "dropout rate must be in [0, 1), got nan")
    }

    /// The per-layer size cap ignored padding: `conv 1 3x3 pad 3000` + maxpool + dense
    /// made 36 million outputs per image and a training step asked for 37 GB. With padding
    /// at most K−1, the cap now sees the real output size.
    @Test func theSizeCapSeesPaddingAndStride() throws {
        #expect(refusal([.conv(filters: 1, kernel: 3, stride: 1, padding: .fixed(3000)), .maxpool(size: 2), .dense(units: 10)])
                == "padding 3000 is more than a 3x3 kernel can use: at most 2 (wider padding only adds outputs that see nothing but zeros)")
        // A wide kernel with the padding it may use: the output is counted with it.
        let wide = LayerSpec.conv(filters: 20, kernel: 1001, stride: 1, padding: .fixed(1000))
        #expect(throws: ShapeError("conv 20 1001x1001 pad 1000 would need 20040020 weights and 21135680 outputs per image — far more than fits in memory; DigitLab allows 10000000 outputs per image per layer")) {
            try wide.outputShape(input: [1, 28, 28])
        }
        // Small weights and outputs, but im2col scratch of 2.7 G floats per image.
        #expect(refusal([.conv(filters: 16, kernel: 3, stride: 1, padding: .same), .conv(filters: 1, kernel: 101, stride: 1, padding: .fixed(100))])
                .hasPrefix("conv 1 101x101 pad 100 would need 2674130944 scratch values per image"))
        // Cheap in memory, ruinous in time: 2·C·K²·F·pixels operations.
        #expect(refusal([.conv(filters: 64, kernel: 3, stride: 1, padding: .same), .conv(filters: 2000, kernel: 9, stride: 1, padding: .same)])
                .hasPrefix("conv 2000 9x9 pad same would cost 16257024000 operations per image"))
        #expect(try LayerSpec.conv(filters: 6, kernel: 5, stride: 2, padding: .fixed(2)).outputShape(input: [1, 28, 28]) == [6, 14, 14])
    }

    /// 300 convolutions fit in 150 MB but would take minutes per picture: the network's
    /// total work per image is capped, for `net add` and for model files alike.
    @Test func totalWorkPerImageIsCapped() throws {
        var rng = SeededRNG(seed: 0)
        let net = Network()
        let conv = LayerSpec.conv(filters: 64, kernel: 3, stride: 1, padding: .same)
        try net.append(conv, using: &rng)
        var refusal: ShapeError?
        for _ in 0..<100 {
            do { try net.append(conv, using: &rng) } catch { refusal = error; break }
        }
        #expect(net.layers.count == 35, "0.9 MFLOP + 34 × 57.8 MFLOP fit under 2 GFLOP")
        #expect(refusal?.message == "the network would cost 2023999488 operations per image — classifying one picture would take seconds, training days; DigitLab allows 2000000000")
        #expect(throws: ShapeError("the network would cost 17283926016 operations per image — classifying one picture would take seconds, training days; DigitLab allows 2000000000")) {
            try LayerSpec.shapes(input: [1, 28, 28], specs: Array(repeating: conv, count: 300))
        }
        #expect(net.flopsPerImage == 2 * 1 * 9 * 64 * 784 + 34 * (2 * 64 * 9 * 64 * 784))
    }

    @Test func layerCountIsCapped() throws {
        var rng = SeededRNG(seed: 0)
        let net = Network(inputShape: [4])
        for _ in 0..<LayerSpec.maxLayers { try net.append(.activation(.relu), using: &rng) }
        #expect(throws: ShapeError("the network already has 1000 layers, the most DigitLab allows is 1000")) {
            try net.append(.activation(.relu), using: &rng)
        }
        #expect(throws: ShapeError("1001 layers is more than DigitLab allows (1000)")) {
            try LayerSpec.shapes(input: [4], specs: Array(repeating: .flatten, count: 1001))
        }
    }

    @Test func inputShapesAreChecked() {
        for bad in [[-1, 28, 28], [0, 28, 28], [], [1, 2, 3, 4], [Int.max, Int.max, 2]] {
            #expect(throws: ShapeError.self, "\(bad)") { try LayerSpec.flatten.outputShape(input: bad) }
        }
        #expect(throws: ShapeError.self) { try MemoryEstimate(input: [-1, 28, 28], specs: [.flatten], batchSize: 1, optimizer: nil) }
    }

    /// `set batch 9223372036854775807` then `train step` overflowed in the trainer.
    @Test func batchSizesAreBounded() {
        #expect(throws: LimitError("the batch size must be between 1 and 65536 images, got 9223372036854775807")) {
            try TrainingSettings.checkBatchSize(Int.max)
        }
        #expect(throws: LimitError("the batch size must be between 1 and 65536 images, got 0")) { try TrainingSettings.checkBatchSize(0) }
        #expect(throws: LimitError("the batch size must be between 1 and 65536 images, got -5")) { try TrainingSettings.checkBatchSize(-5) }
        #expect((try? TrainingSettings.checkBatchSize(65_536)) != nil)
        var rng = SeededRNG(seed: 0)
        let net = Preset.mlp.makeNetwork(using: &rng)
        #expect(throws: LimitError("the batch size must be between 1 and 65536 images, got 9223372036854775807")) {
            try MemoryBudget.default.checkBatchSize(Int.max, for: net, optimizer: .sgd)
        }
    }
}
