import Testing
@testable import DigitLabCore

/// The network fuses neighbours (dense/conv/batchnorm + relu forward, relu + max pool
/// backward); the numbers must be exactly those of the layers run one by one.
@Suite struct FusionTests {
    @Test func fusedLayersGiveTheSameBitsAsLayerByLayer() throws {
        let specs: [LayerSpec] = [
            .conv(filters: 5, kernel: 3, stride: 1, padding: .same), .activation(.relu), .maxpool(size: 2),
            .conv(filters: 6, kernel: 3, stride: 1, padding: .fixed(0)), .batchnorm, .activation(.relu), .maxpool(size: 2),
            .flatten, .dense(units: 12), .activation(.relu), .dense(units: 10),
        ]
        func make() throws -> Network {
            var rng = SeededRNG(seed: 8)
            let net = Network(inputShape: [1, 12, 12])
            for spec in specs { try net.append(spec, using: &rng) }
            return net
        }
        var rng = SeededRNG(seed: 1)
        let x = Tensor(shape: [7, 1, 12, 12], data: (0..<(7 * 144)).map { _ in rng.uniform(-1, 1) })
        let dyValues = (0..<70).map { _ in rng.uniform(-1, 1) }

        let fused = try make()
        var r1 = SeededRNG(seed: 2)
        let y1 = fused.forward(x, mode: .training, rng: &r1)
        let dx1 = fused.backward(Tensor(shape: [7, 10], data: dyValues), needInputGradient: true)

        let plain = try make()
        var r2 = SeededRNG(seed: 2)
        var y2 = x
        for layer in plain.layers { y2 = layer.forward(y2, mode: .training, rng: &r2) }
        var g = Tensor(shape: [7, 10], data: dyValues)
        for layer in plain.layers.reversed() { g = layer.backward(g, needInputGradient: true)! }

        #expect(y1 == y2)
        #expect(dx1 == g)
        for (a, b) in zip(fused.parameters, plain.parameters) { #expect(a.grad == b.grad, "\(a.name) \(a.shape)") }
    }
}
