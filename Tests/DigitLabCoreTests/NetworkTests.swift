import Testing
@testable import DigitLabCore

@Suite struct NetworkTests {
    @Test func presetsMatchTheReferenceNets() {
        var rng = SeededRNG(seed: 0)
        let expected = ["mlp": 101_770, "mlp-l": 535_818, "lenet5": 61_706, "cnn": 1_199_882, "cnn-bn": 317_770]
        for preset in Preset.all {
            let net = preset.makeNetwork(using: &rng)
            #expect(net.parameterCount == expected[preset.name], "\(preset.name)")
            #expect(net.outputShape == [10])
        }
        // LeNet's shapes, as net summary shows them.
        let lenet = Preset.lenet5.makeNetwork(using: &rng)
        #expect(lenet.summary.map(\.outputShape) == [[6, 28, 28], [6, 28, 28], [6, 14, 14], [16, 10, 10], [16, 10, 10],
                                                     [16, 5, 5], [400], [120], [120], [84], [84], [10]])
        #expect(lenet.summary[0].flopsPerImage == 2 * 25 * 6 * 784)
    }

    @Test func refusesLayersThatCannotFollow() throws {
        var rng = SeededRNG(seed: 0)
        let net = Network()
        try net.append(.conv(filters: 16, kernel: 5, stride: 1, padding: .fixed(0)), using: &rng) // 24x24
        try net.append(.maxpool(size: 6), using: &rng) // 4x4
        #expect(throws: ShapeError("conv 5x5 needs an input of at least 5x5, this one is 4x4x16")) {
            try net.append(.conv(filters: 8, kernel: 5, stride: 1, padding: .fixed(0)), using: &rng)
        }
        #expect(throws: ShapeError("pad same needs an odd kernel and stride 1, got 4x4 stride 1")) {
            try net.append(.conv(filters: 8, kernel: 4, stride: 1, padding: .same), using: &rng)
        }
        #expect(net.layers.count == 2, "a refused layer leaves the network as it was")
        // Dense after a 3-D shape gets a flatten first.
        #expect(try net.append(.dense(units: 10), using: &rng) == [.flatten, .dense(units: 10)])
        #expect(throws: ShapeError("conv needs a CxHxW input, this one is 10 (it was flattened)")) {
            try net.append(.conv(filters: 1, kernel: 1, stride: 1, padding: .fixed(0)), using: &rng)
        }
    }

    @Test func softmaxAtTheEndIsFoldedIntoTheLoss() throws {
        var rng = SeededRNG(seed: 0)
        let net = Network(inputShape: [4])
        try net.append(.dense(units: 3), using: &rng)
        try net.append(.activation(.softmax), using: &rng)
        #expect(net.logitLayerCount == 1)
        let p = net.probabilities(Tensor(shape: [2, 4], data: [1, 2, 3, 4, -1, 0, 1, 0]))
        #expect(abs(p.data[0..<3].reduce(0, +) - 1) < 1e-6)
    }
}

@Suite struct InspectionTests {
    @Test func inputGradientMatchesFiniteDifferences() throws {
        var rng = SeededRNG(seed: 4)
        let net = Network(inputShape: [1, 6, 6])
        for spec: LayerSpec in [.conv(filters: 2, kernel: 3, stride: 1, padding: .same), .activation(.tanh), .flatten, .dense(units: 3)] {
            try net.append(spec, using: &rng)
        }
        var x = Tensor(shape: [1, 1, 6, 6], data: (0..<36).map { _ in rng.uniform(-1, 1) })
        let g = net.inputGradient(x, class: 2)
        for i in [0, 7, 20, 35] {
            let h: Float = 1e-2
            x.data[i] += h; let up = net.activations(x, layer: 3).data[2]
            x.data[i] -= 2 * h; let down = net.activations(x, layer: 3).data[2]
            x.data[i] += h
            #expect(abs((up - down) / (2 * h) - g[i]) < 1e-3)
        }
    }

    @Test func pcaFindsTheMainDirection() {
        // Points along (1, 2, 0) with a little spread along (0, 0, 1).
        var rows = [Float]()
        for i in 0..<50 { let t = Float(i - 25); rows += [t, 2 * t, Float(i % 3) * 0.1] }
        let (points, explained) = PCA.project(rows, count: 50, dimension: 3)
        #expect(explained.0 > 0.99)
        // The first coordinate is ±√5·(t − mean t), and mean t = −0.5.
        #expect(abs(abs(points[0].0) - 24.5 * Float(5).squareRoot()) < 1e-2)
    }
}

@Suite struct LayerSizeTests {
    @Test func absurdLayersAreRefusedBeforeAllocating() throws {
        var rng = SeededRNG(seed: 0)
        let net = Network()
        #expect(throws: ShapeError("dense 999999999 would need 783999999216 weights and 999999999 outputs per image — far more than fits in memory; DigitLab allows 100000000 weights per layer")) {
            try net.append(.dense(units: 999_999_999), using: &rng)
        }
        #expect(throws: ShapeError.self) { try net.append(.conv(filters: Int.max / 2, kernel: 3, stride: 1, padding: .same), using: &rng) }
        #expect(net.layers.isEmpty)
    }
}
