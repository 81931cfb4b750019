import DigitLabCore
import Testing
@testable import DigitLabShell

/// `explain` prints the real arithmetic: its last line of numbers is the network's value,
/// and networks that lack the layer get one clear line.
@Suite struct ExplainTests {
    static let names = (0...9).map(String.init)

    static func image(seed: UInt64) -> Tensor {
        var rng = SeededRNG(seed: seed)
        return Tensor(shape: [1, 1, 28, 28], data: (0..<784).map { i in
            (abs(i / 28 - 14) < 8 && abs(i % 28 - 12) < 3 ? 2.8 : -0.42) + 0.05 * rng.uniform(-1, 1)
        })
    }

    /// The number after `label` on the first line that contains it.
    static func number(after label: String, in lines: [String]) -> String? {
        guard let line = lines.first(where: { $0.contains(label) }), let range = line.range(of: label) else { return nil }
        return line[range.upperBound...].split(separator: " ").first.map { String($0).trimmingCharacters(in: .init(charactersIn: "(),.")) }
    }

    @Test func convShowsThePatchTheKernelAndTheValueTheMapHolds() throws {
        var rng = SeededRNG(seed: 1)
        let net = Preset.lenet5.makeNetwork(using: &rng)
        let x = Self.image(seed: 2)
        let lines = try Explain.lines(.conv, network: net, x: x, classNames: Self.names, truth: 1, caption: "test image #3")
        let w = try #require(net.workedConvolution(net.trace(x), input: x.data))
        #expect(lines[0] == "explain conv — test image #3 (true label 1): layer 0 (conv 6 5x5 pad 2), filter \(w.filter), map row \(w.row), column \(w.column).")
        let value = try #require(lines.first { $0.hasPrefix("  = value") })
        #expect(value.contains(Format.fixed(w.value, 4)) && value.hasSuffix("(the network's map holds \(Format.fixed(Double(w.networkValue), 4)))"))
        #expect(Format.fixed(w.value, 4) == Format.fixed(Double(w.networkValue), 4), "the same to the printed digits")
        // Three 5x5 grids: patch, weights, products.
        #expect(lines.filter { $0.hasPrefix("  ") && $0.split(separator: " ").count == 5 }.count == 15)
        #expect(lines.contains { $0.hasPrefix("ReLU: ") })
    }

    @Test func convAtTheEdgeMarksThePadding() {
        var rng = SeededRNG(seed: 3)
        let input = (0..<36).map { _ in rng.uniform(-1, 1) }
        let w = WorkedConvolution(layer: 0, input: input, inputShape: [1, 6, 6], weights: (0..<9).map { Float($0) }, biases: [0.5],
                                  kernel: 3, stride: 1, padding: 1, filter: 0, row: 0, column: 0, networkValue: 0)
        let lines = Explain.convolution(w, spec: .conv(filters: 1, kernel: 3, stride: 1, padding: .fixed(1)), about: "test image #0")
        let patch = lines.drop { !$0.hasPrefix("The 3x3 patch") }.dropFirst().prefix(3).map { $0.split(separator: " ").map(String.init) }
        #expect(patch[0] == ["pad", "pad", "pad"])
        #expect(patch[1][0] == "pad" && patch[1][1] == Format.fixed(Double(input[0]), 3))
        #expect(lines.contains { $0.contains("rows -1–1, columns -1–1") && $0.contains("`pad` marks the zero padding") })
    }

    @Test func denseListsTheLargestTermsTheRestAndTheBias() throws {
        var rng = SeededRNG(seed: 4)
        let net = Preset.mlp.makeNetwork(using: &rng)
        let x = Self.image(seed: 5)
        let lines = try Explain.lines(.dense, network: net, x: x, classNames: Self.names, truth: nil, caption: "test image #0")
        let w = try #require(net.workedDense(net.trace(x), input: x.data))
        #expect(lines[0] == "explain dense — test image #0: layer 1 (dense 128), unit \(w.unit) (its largest output for this image).")
        #expect(lines.filter { $0.hasPrefix("  pixel (") }.count == 8, "input pixels named by row and column")
        #expect(lines.contains { $0.hasPrefix("  the other 776") })
        let value = try #require(lines.first { $0.hasPrefix("  = value") })
        #expect(value.hasSuffix("(the network computed \(Format.fixed(Double(w.networkValue), 4)))"))
        // The score of a class in the last layer.
        let last = try Explain.lines(.dense, network: net, x: x, classNames: Self.names, truth: nil, caption: "c", layer: 3, unit: 7)
        #expect(last[0].hasPrefix("explain dense — c: layer 3 (dense 10), the score of class 7."))
        #expect(last.contains { $0.hasPrefix("  #") }, "hidden units are numbered, not pixels")
        #expect(throws: CommandError("explain dense: layer 2 is not a dense layer (see `net summary`)")) {
            try Explain.lines(.dense, network: net, x: x, classNames: Self.names, truth: nil, caption: "c", layer: 2)
        }
    }

    @Test func softmaxShowsEveryClassAndTheAnswer() throws {
        var rng = SeededRNG(seed: 6)
        let net = Preset.mlp.makeNetwork(using: &rng)
        let x = Self.image(seed: 7)
        let lines = try Explain.lines(.softmax, network: net, x: x, classNames: Self.names, truth: 2, caption: "test image #9")
        let rows = lines.filter { $0.count > 2 && $0.hasPrefix("  ") && $0.dropFirst(2).first?.isNumber == true }
        #expect(rows.count == 10)
        #expect(rows.filter { $0.hasSuffix("← the answer") }.count == 1)
        let p = net.probabilities(x).data
        let answer = classesByProbability(p).first!
        #expect(rows[answer].hasSuffix("← the answer"))
        #expect(rows[answer].contains(Format.percent(Double(p[answer]), 2)))
        #expect(lines.contains { $0.hasPrefix("  sum") && $0.hasSuffix("100%") })
    }

    @Test func networksWithoutTheLayerSaySoInOneLine() throws {
        var rng = SeededRNG(seed: 8)
        let mlp = Preset.mlp.makeNetwork(using: &rng)
        #expect(throws: CommandError("explain conv: this network has no conv layer — `explain dense` works through one unit of a dense layer instead")) {
            try Explain.lines(.conv, network: mlp, x: Self.image(seed: 1), classNames: Self.names, truth: nil, caption: "c")
        }
        #expect(throws: CommandError("explain: there is no network yet — `net preset lenet5` or `load model FILE`")) {
            try Explain.lines(.softmax, network: Network(), x: Self.image(seed: 1), classNames: Self.names, truth: nil, caption: "c")
        }
    }
}
