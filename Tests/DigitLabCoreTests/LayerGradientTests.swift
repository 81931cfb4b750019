import Testing
@testable import DigitLabCore

/// Every layer's backward pass against finite differences, over shapes, strides,
/// paddings and batch sizes (DESIGN: test against a reference, sweep shapes).
@Suite struct LayerGradientTests {
    func make(_ spec: LayerSpec, _ input: [Int], initializer: Initializer = .pytorch) -> any Layer {
        var rng = SeededRNG(seed: 7)
        return try! spec.makeLayer(input: input, initializer: initializer, using: &rng)
    }

    @Test(arguments: [1, 3])
    func dense(batch: Int) {
        let bad = GradientCheck.check(make(.dense(units: 5), [7]), batch: batch)
        #expect(bad.isEmpty, "\(bad)")
    }

    @Test(arguments: [
        (1, [1, 6, 6], 3, 1, LayerSpec.Padding.fixed(0)),
        (2, [2, 7, 5], 3, 2, .fixed(1)),
        (3, [3, 5, 5], 3, 1, .same),
        (2, [1, 9, 9], 5, 1, .fixed(2)),
        (1, [2, 8, 8], 2, 2, .fixed(0)),
        (2, [3, 7, 7], 3, 3, .fixed(1)),
    ])
    func conv(batch: Int, input: [Int], kernel: Int, stride: Int, padding: LayerSpec.Padding) {
        let layer = make(.conv(filters: 4, kernel: kernel, stride: stride, padding: padding), input)
        let bad = GradientCheck.check(layer, batch: batch)
        #expect(bad.isEmpty, "\(bad)")
    }

    @Test(arguments: [(1, [2, 4, 4], 2), (3, [3, 7, 7], 2), (2, [1, 6, 6], 3)])
    func pools(batch: Int, input: [Int], size: Int) {
        for spec in [LayerSpec.maxpool(size: size), .avgpool(size: size)] {
            let bad = GradientCheck.check(make(spec, input), batch: batch, h: 1e-3)
            #expect(bad.isEmpty, "\(spec): \(bad)")
        }
    }

    @Test(arguments: Activation.allCases)
    func activations(kind: Activation) {
        // Inputs in [-1, 1]: keep h small so ReLU's kink is rarely straddled.
        let bad = GradientCheck.check(make(.activation(kind), [6]), batch: 3, h: 1e-3)
        #expect(bad.isEmpty, "\(kind): \(bad)")
    }

    @Test func batchnormAfterDenseAndConv() {
        for (input, batch) in [([5], 4), ([3, 4, 4], 2)] {
            let training = GradientCheck.check(make(.batchnorm, input), batch: batch)
            #expect(training.isEmpty, "training \(input): \(training)")
            let inference = GradientCheck.check(make(.batchnorm, input), batch: batch, mode: .inferenceWithGradient)
            #expect(inference.isEmpty, "inference \(input): \(inference)")
        }
    }

    @Test func dropoutMaskIsItsOwnGradient() {
        let bad = GradientCheck.check(make(.dropout(rate: 0.5), [20]), batch: 2)
        #expect(bad.isEmpty, "\(bad)")
    }

    @Test func flattenKeepsOrder() {
        let layer = make(.flatten, [2, 3, 3])
        var rng = SeededRNG(seed: 0)
        let x = Tensor(shape: [1, 2, 3, 3], data: (0..<18).map(Float.init))
        let y = layer.forward(x, mode: .training, rng: &rng)
        #expect(y.shape == [1, 18])
        #expect(y.data == x.data)
        let back = layer.backward(y, needInputGradient: true)
        #expect(back?.shape == [1, 2, 3, 3])
    }
}
