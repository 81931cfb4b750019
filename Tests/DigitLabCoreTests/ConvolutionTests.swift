import Testing
@testable import DigitLabCore

/// Conv2D (forward, fused ReLU, ∂x, ∂W, ∂b) against the convolution computed from its
/// definition, over strides, paddings, odd sizes and batch sizes that make one chunk,
/// several chunks, and groups of several images within a chunk.
@Suite struct ConvolutionTests {
    struct Case: CustomStringConvertible, Sendable {
        let batch, channels, height, width, filters, kernel, stride: Int
        let padding: LayerSpec.Padding
        var description: String { "n\(batch) c\(channels) \(height)x\(width) f\(filters) k\(kernel) s\(stride) \(padding)" }
    }

    static let cases: [Case] = [
        Case(batch: 1, channels: 1, height: 28, width: 28, filters: 6, kernel: 5, stride: 1, padding: .fixed(2)),
        Case(batch: 3, channels: 6, height: 14, width: 14, filters: 16, kernel: 5, stride: 1, padding: .fixed(0)),
        Case(batch: 40, channels: 1, height: 9, width: 7, filters: 4, kernel: 3, stride: 2, padding: .fixed(1)),
        Case(batch: 17, channels: 3, height: 11, width: 13, filters: 7, kernel: 3, stride: 3, padding: .fixed(2)),
        Case(batch: 2, channels: 32, height: 12, width: 12, filters: 20, kernel: 3, stride: 1, padding: .same),
        Case(batch: 5, channels: 2, height: 8, width: 8, filters: 3, kernel: 4, stride: 2, padding: .fixed(1)),
        Case(batch: 33, channels: 4, height: 5, width: 6, filters: 5, kernel: 1, stride: 1, padding: .fixed(0)),
        Case(batch: 9, channels: 3, height: 7, width: 7, filters: 2, kernel: 7, stride: 1, padding: .same),
        Case(batch: 40, channels: 1, height: 28, width: 28, filters: 32, kernel: 3, stride: 1, padding: .fixed(0)),
        // 3x3, stride 1, 8+ channels and filters: Winograd (whole and partial tiles, padding).
        Case(batch: 3, channels: 8, height: 7, width: 9, filters: 9, kernel: 3, stride: 1, padding: .fixed(1)),
        Case(batch: 18, channels: 32, height: 26, width: 26, filters: 64, kernel: 3, stride: 1, padding: .fixed(0)),
        Case(batch: 2, channels: 10, height: 5, width: 4, filters: 16, kernel: 3, stride: 1, padding: .fixed(2)),
        // One channel, stride 1: the direct kernels (filter groups of 12, 8 and 4; odd widths).
        Case(batch: 3, channels: 1, height: 11, width: 9, filters: 13, kernel: 5, stride: 1, padding: .fixed(1)),
        Case(batch: 2, channels: 1, height: 6, width: 17, filters: 7, kernel: 2, stride: 1, padding: .fixed(0)),
    ]

    static func close(_ a: [Float], _ b: [Float], tolerance: Float, _ what: String) {
        #expect(a.count == b.count, "\(what): \(a.count) vs \(b.count) values")
        for (i, (x, y)) in zip(a, b).enumerated() where abs(x - y) > tolerance * (1 + abs(y)) {
            Issue.record("\(what)[\(i)]: \(x) vs reference \(y)"); return
        }
    }

    @Test(arguments: cases)
    func matchesTheDefinition(_ c: Case) throws {
        var rng = SeededRNG(seed: 3)
        let spec = LayerSpec.conv(filters: c.filters, kernel: c.kernel, stride: c.stride, padding: c.padding)
        let layer = try #require(try spec.makeLayer(input: [c.channels, c.height, c.width], initializer: .pytorch,
                                                    using: &rng) as? Conv2D)
        let pad = layer.geometry.padding
        let x = (0..<(c.batch * c.channels * c.height * c.width)).map { _ in rng.uniform(-1, 1) }
        let (w, b) = (layer.weight.value, layer.bias.value)
        let expected = Kernels.Reference.conv(x, batch: c.batch, channels: c.channels, height: c.height, width: c.width,
                                              weight: w, bias: b, filters: c.filters, kernel: c.kernel,
                                              stride: c.stride, padding: pad)
        let input = Tensor(shape: [c.batch, c.channels, c.height, c.width], data: x)
        // Fused ReLU: the same numbers as the convolution followed by max(0, ·).
        let fused = layer.forward(input, mode: .inference, relu: true)
        Self.close(fused.data, expected.map { max(0, $0) }, tolerance: 1e-5, "\(c) fused relu")
        let y = layer.forward(input, mode: .training, rng: &rng)
        Self.close(y.data, expected, tolerance: 1e-5, "\(c) forward")

        let dy = (0..<y.count).map { _ in rng.uniform(-1, 1) }
        let dx = try #require(layer.backward(Tensor(shape: y.shape, data: dy), needInputGradient: true))
        let ref = Kernels.Reference.convBackward(x, dy: dy, batch: c.batch, channels: c.channels, height: c.height,
                                                 width: c.width, weight: w, filters: c.filters, kernel: c.kernel,
                                                 stride: c.stride, padding: pad)
        Self.close(dx.data, ref.dx, tolerance: 1e-4, "\(c) ∂x")
        Self.close(layer.weight.grad, ref.dw, tolerance: 1e-4, "\(c) ∂W")
        Self.close(layer.bias.grad, ref.db, tolerance: 1e-4, "\(c) ∂b")
    }

    @Test(arguments: cases)
    func im2colAndCol2imMatchTheReference(_ c: Case) throws {
        var rng = SeededRNG(seed: 9)
        let pad: Int
        switch c.padding { case .fixed(let p): pad = p; case .same: pad = c.kernel / 2 }
        let g = ConvGeometry(channels: c.channels, height: c.height, width: c.width, kernel: c.kernel,
                             stride: c.stride, padding: pad)
        let images = min(c.batch, 3)
        let x = (0..<(images * c.channels * c.height * c.width)).map { _ in rng.uniform(-1, 1) }
        let count = g.patchSize * images * g.outPixels
        var fast = [Float](repeating: .nan, count: count), plain = [Float](repeating: .nan, count: count)
        x.withUnsafeBufferPointer { xp in
            fast.withUnsafeMutableBufferPointer { Kernels.im2col(xp.baseAddress!, images: images, geometry: g, into: $0.baseAddress!) }
            plain.withUnsafeMutableBufferPointer { g.im2col(xp.baseAddress!, batch: images, into: $0.baseAddress!) }
        }
        #expect(fast == plain, "im2col \(c)")
        var dxFast = [Float](repeating: 0, count: x.count), dxPlain = dxFast
        plain.withUnsafeBufferPointer { cp in
            dxFast.withUnsafeMutableBufferPointer { Kernels.col2im(cp.baseAddress!, images: images, geometry: g, into: $0.baseAddress!) }
            dxPlain.withUnsafeMutableBufferPointer { g.col2im(cp.baseAddress!, batch: images, into: $0.baseAddress!) }
        }
        #expect(dxFast == dxPlain, "col2im \(c)")
    }
}
