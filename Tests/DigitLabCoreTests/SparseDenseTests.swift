import Testing
@testable import DigitLabCore

/// A dense layer on inputs that are mostly one value (blank paper) takes the sparse path;
/// its output and gradients must be those of the plain product.
@Suite struct SparseDenseTests {
    /// 9 rows of 300 inputs, about 15% of them different from the background −0.42.
    func digits(seed: UInt64) -> Tensor {
        var rng = SeededRNG(seed: seed)
        let values = (0..<(9 * 300)).map { _ in rng.nextFloat() < 0.15 ? rng.uniform(-1, 3) : Float(-0.42) }
        return Tensor(shape: [9, 300], data: values)
    }

    @Test(arguments: [10, 70, 128])
    func sparseInputGivesThePlainProduct(units: Int) throws {
        var rng = SeededRNG(seed: 4)
        let layer = try #require(try LayerSpec.dense(units: units).makeLayer(input: [300], initializer: .pytorch, using: &rng) as? Dense)
        let x = digits(seed: 5)
        #expect(x.data.withUnsafeBufferPointer { SparseBatch.background($0.baseAddress!, count: $0.count)?.value } == -0.42)
        let y = layer.forward(x, mode: .training, relu: false)
        var expected = [Float](repeating: 0, count: 9 * units)
        Kernels.Reference.gemm(transB: true, m: 9, n: units, k: 300, a: x.data, lda: 300, b: layer.weight.value, ldb: 300,
                               c: &expected, ldc: units, columnBias: layer.bias.value)
        ConvolutionTests.close(y.data, expected, tolerance: 1e-5, "y")
        let dy = (0..<(9 * units)).map { _ in rng.uniform(-1, 1) }
        _ = layer.backward(Tensor(shape: [9, units], data: dy), needInputGradient: false)
        var dw = [Float](repeating: 0, count: units * 300)
        Kernels.Reference.gemm(transA: true, m: units, n: 300, k: 9, a: dy, lda: units, b: x.data, ldb: 300, c: &dw, ldc: 300)
        ConvolutionTests.close(layer.weight.grad, dw, tolerance: 1e-5, "∂W")
        // The fused ReLU: max(0, ·) of the same numbers.
        let fused = layer.forward(x, mode: .inference, relu: true)
        #expect(fused.data == y.data.map { $0 < 0 ? 0 : $0 })
    }

    @Test func finiteDifferencesOnSparseInputs() throws {
        var rng = SeededRNG(seed: 6)
        let layer = try LayerSpec.dense(units: 12).makeLayer(input: [300], initializer: .pytorch, using: &rng)
        // GradientCheck perturbs inputs too: a perturbed row is still mostly background.
        let bad = GradientCheck.check(layer, batch: 1, input: digits(seed: 7).data.prefix(300).map { $0 })
        #expect(bad.isEmpty, "\(bad)")
    }
}
