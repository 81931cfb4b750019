import Foundation
import Testing
@testable import DigitLabCore

/// Forward outputs, loss and every gradient against values PyTorch computed once
/// (Fixtures/make_golden.py), to 1e-5 relative.
@Suite struct GoldenTests {
    struct Case: Decodable {
        let input: [Float], labels: [Int], parameters: [[Float]], logits: [Float]
        let loss: Float, gradients: [[Float]]
        let input_gradient: [Float]
    }

    static let specs: [String: [LayerSpec]] = [
        "conv_relu_maxpool_dense": [.conv(filters: 3, kernel: 3, stride: 1, padding: .fixed(1)), .activation(.relu),
                                    .maxpool(size: 2), .flatten, .dense(units: 4), .activation(.leakyrelu), .dense(units: 3)],
        "stride_batchnorm_tanh_avgpool_sigmoid": [.conv(filters: 2, kernel: 3, stride: 2, padding: .fixed(1)), .batchnorm,
                                                  .activation(.tanh), .avgpool(size: 3), .flatten, .dense(units: 5),
                                                  .batchnorm, .activation(.sigmoid), .dense(units: 3)],
    ]

    static func close(_ a: [Float], _ b: [Float], _ what: String) {
        #expect(a.count == b.count, "\(what): \(a.count) vs \(b.count) values")
        for (i, (x, y)) in zip(a, b).enumerated() {
            // 1e-5 relative, plus 1e-6 absolute for values that are zero in exact
            // arithmetic (a dense bias before batchnorm: Float32 leaves ~1e-7 there).
            let ok = abs(x - y) <= 1e-5 * abs(y) + 1e-6
            #expect(ok, "\(what)[\(i)]: \(x) vs PyTorch \(y)")
            if !ok { return }
        }
    }

    @Test(arguments: Array(specs.keys).sorted())
    func matchesPyTorch(name: String) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/golden.json")
        let golden = try JSONDecoder().decode([String: Case].self, from: Data(contentsOf: url))[name]!
        var rng = SeededRNG(seed: 0)
        let net = Network(inputShape: [1, 6, 6])
        for spec in Self.specs[name]! { try net.append(spec, using: &rng) }
        #expect(net.parameters.count == golden.parameters.count)
        for (p, v) in zip(net.parameters, golden.parameters) { p.value = v }

        let x = Tensor(shape: [4, 1, 6, 6], data: golden.input)
        let logits = net.forward(x, mode: .training, rng: &rng)
        Self.close(logits.data, golden.logits, "logits")
        let (loss, grad, _) = Loss.crossEntropy.evaluate(logits, labels: golden.labels)
        #expect(abs(loss - golden.loss) <= 1e-5 * golden.loss)
        let dx = net.backward(grad, needInputGradient: true)!
        for (i, (p, g)) in zip(net.parameters, golden.gradients).enumerated() {
            Self.close(p.grad, g, "gradient of parameter \(i) (\(p.name))")
        }
        Self.close(dx.data, golden.input_gradient, "input gradient")
    }
}
