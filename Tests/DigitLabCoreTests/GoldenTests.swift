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
        let golden = try decodeCase(Case.self, name, from: url)
        var rng = SeededRNG(seed: 0)
        let net = Network(inputShape: [1, 6, 6])
        for spec in Self.specs[name]! { try net.append(spec, using: &rng) }
        #expect(net.parameters.count == golden.parameters.count)
        for (p, v) in zip(net.parameters, golden.parameters) { p.value = v }

        let x = Tensor(shape: [4, 1, 6, 6], data: golden.input)
        let logits = net.forward(x, mode: .training, rng: &rng)
        Self.close(logits.data, golden.logits, "logits")
        let (loss, grad, _, _) = Loss.crossEntropy.evaluate(logits, labels: golden.labels)
        #expect(abs(loss - golden.loss) <= 1e-5 * golden.loss)
        let dx = net.backward(grad, needInputGradient: true)!
        for (i, (p, g)) in zip(net.parameters, golden.gradients).enumerated() {
            Self.close(p.grad, g, "gradient of parameter \(i) (\(p.name))")
        }
        Self.close(dx.data, golden.input_gradient, "input gradient")
    }
}

/// LeNet at full size (28x28, batch 13) against PyTorch: a forward bug that backward
/// mirrors would pass the finite-difference checks, but not this.
@Suite struct LeNetGoldenTests {
    struct Case: Decodable {
        let logits: [Float], loss: Float
        let gradient_sums: [Double], gradient_squares: [Double], gradient_heads: [[Float]]
    }

    @Test func lenetMatchesPyTorch() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/golden.json")
        let g = try decodeCase(Case.self, "lenet5_batch13", from: url)
        var rng = SeededRNG(seed: 0)
        let net = Preset.lenet5.makeNetwork(using: &rng)
        var k = 0
        for layer in net.layers where !layer.parameters.isEmpty {
            let fanIn = layer.inputShape.count == 1 ? layer.inputShape[0] : layer.parameters[0].count / layer.parameters[0].shape[0]
            for p in layer.parameters {
                for i in 0..<p.count { p.value[i] = Float(0.5 * sin(1.3 * Double(k) + 0.7) / Double(fanIn).squareRoot()); k += 1 }
            }
        }
        let n = 13
        let x = Tensor(shape: [n, 1, 28, 28], data: (0..<n).flatMap { b in (0..<784).map { i in Float(sin(0.05 * Double(i) + 0.3 * Double(b))) } })
        let logits = net.forward(x, mode: .training, rng: &rng)
        GoldenTests.close(logits.data, g.logits, "logits")
        let (loss, grad, _, _) = Loss.crossEntropy.evaluate(logits, labels: (0..<n).map { $0 % 10 })
        #expect(abs(loss - g.loss) <= 1e-5 * g.loss)
        net.backward(grad)
        for (i, p) in net.parameters.enumerated() {
            let sum = p.grad.reduce(0.0) { $0 + Double($1) }, squares = p.grad.reduce(0.0) { $0 + Double($1) * Double($1) }
            #expect(abs(sum - g.gradient_sums[i]) <= 1e-4 * max(1e-3, squares.squareRoot()), "parameter \(i) gradient sum \(sum) vs \(g.gradient_sums[i])")
            #expect(abs(squares - g.gradient_squares[i]) <= 1e-4 * g.gradient_squares[i], "parameter \(i) gradient norm²")
            GoldenTests.close(Array(p.grad.prefix(16)), g.gradient_heads[i], "parameter \(i) first gradients")
        }
    }
}

/// One case of the fixture file (cases have different fields).
func decodeCase<T: Decodable>(_ type: T.Type, _ name: String, from url: URL) throws -> T {
    let all = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    return try JSONDecoder().decode(T.self, from: JSONSerialization.data(withJSONObject: all[name]!))
}
