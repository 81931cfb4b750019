import Foundation
import Testing
@testable import DigitLabCore

/// A trace keeps what the forward pass computed; the worked numbers, computed by hand
/// from the inputs and weights, give the same values as the network.
@Suite struct TraceTests {
    /// A seeded image-like input: a blob of ink on paper, standardised like MNIST.
    static func image(channels: Int = 1, size: Int = 28, seed: UInt64) -> Tensor {
        var rng = SeededRNG(seed: seed)
        let data = (0..<(channels * size * size)).map { i -> Float in
            let (r, c) = ((i % (size * size)) / size, i % size)
            let ink: Float = abs(r - size / 2) < size / 4 && abs(c - size / 3) < 3 ? 1 : 0
            return (ink + 0.1 * rng.uniform(-1, 1) - 0.13) / 0.31
        }
        return Tensor(shape: [1, channels, size, size], data: data)
    }

    static func network(_ specs: [LayerSpec], input: [Int] = [1, 28, 28], seed: UInt64 = 1) throws -> Network {
        var rng = SeededRNG(seed: seed)
        let net = Network(inputShape: input)
        for s in specs { try net.append(s, using: &rng) }
        return net
    }

    @Test func traceKeepsEveryLayerAsTheForwardPassComputedIt() throws {
        var rng = SeededRNG(seed: 0)
        let net = Preset.lenet5.makeNetwork(using: &rng)
        let x = Self.image(seed: 2)
        let trace = net.trace(x)
        #expect(trace.count == net.layers.count)
        for (i, t) in trace.enumerated() {
            #expect(t.index == i && t.spec == net.layers[i].spec && t.shape == net.layers[i].outputShape)
            #expect(t.values == net.activations(x, layer: i).data, "layer \(i)")
        }
        #expect(trace.logits?.layer == net.layers.count - 1)
    }

    /// Every position of every filter, for paddings and strides, one and several channels.
    @Test(arguments: [
        [LayerSpec.conv(filters: 3, kernel: 5, stride: 1, padding: .fixed(2))],
        [.conv(filters: 2, kernel: 3, stride: 2, padding: .fixed(1))],
        [.conv(filters: 2, kernel: 5, stride: 1, padding: .same)],
        [.conv(filters: 2, kernel: 4, stride: 3, padding: .fixed(0))],
        [.conv(filters: 3, kernel: 3, stride: 1, padding: .fixed(0)), .activation(.relu),
         .conv(filters: 2, kernel: 3, stride: 1, padding: .fixed(1))],
    ])
    func workedConvolutionEqualsTheMapEverywhere(_ specs: [LayerSpec]) throws {
        let net = try Self.network(specs, input: [1, 12, 12])
        let x = Self.image(size: 12, seed: 3)
        let trace = net.trace(x)
        let i = specs.count - 1 // the last conv: several input channels in the two-conv case
        guard case let .conv(_, k, stride, padding) = specs[i] else { return }
        let pad: Int = if case .fixed(let p) = padding { p } else { k / 2 }
        let (f, h, w) = (trace[i].shape[0], trace[i].shape[1], trace[i].shape[2])
        var worst: Float = 0
        for filter in 0..<f {
            for row in 0..<h {
                for column in 0..<w {
                    let map = trace[i].values[(filter * h + row) * w + column]
                    let worked = WorkedConvolution(
                        layer: i, input: i == 0 ? x.data : trace[i - 1].values, inputShape: trace[i].inputShape,
                        weights: net.layers[i].parameters[0].value, biases: net.layers[i].parameters[1].value,
                        kernel: k, stride: stride, padding: pad, filter: filter, row: row, column: column, networkValue: map)
                    worst = max(worst, abs(Float(worked.value) - map))
                    #expect(worked.patch.count == trace[i].inputShape[0] * k * k)
                    #expect(zip(worked.patch, worked.isPadding).allSatisfy { !$1 || $0 == 0 }, "padding reads 0")
                }
            }
        }
        #expect(worst < 1e-5, "largest difference between the hand arithmetic and the map: \(worst)")
    }

    @Test func theStrongestResponseIsWorkedOut() throws {
        var rng = SeededRNG(seed: 5)
        let net = Preset.lenet5.makeNetwork(using: &rng)
        let x = Self.image(seed: 6)
        let trace = net.trace(x)
        let w = try #require(net.workedConvolution(trace, input: x.data))
        #expect(w.layer == 0 && w.kernel == 5 && w.channels == 1)
        #expect(w.networkValue == trace[0].values.max(), "the largest value of the first conv layer's maps")
        #expect(abs(Float(w.value) - w.networkValue) < 1e-5)
        #expect(trace[0].values[(w.filter * 28 + w.row) * 28 + w.column] == w.networkValue)
        #expect(w.activation?.kind == .relu && w.activation?.value == max(0, w.networkValue))
        #expect(w.inputRow == w.row - 2 && w.inputColumn == w.column - 2, "pad 2 shifts the patch up and left")
        // A network without a conv layer has no such number.
        #expect(try Self.network([.flatten, .dense(units: 4)]).workedConvolution([], input: x.data) == nil)
    }

    @Test func workedDenseEqualsTheUnitAndItsTermsAddUp() throws {
        var rng = SeededRNG(seed: 7)
        let net = Preset.mlp.makeNetwork(using: &rng)
        let x = Self.image(seed: 8)
        let trace = net.trace(x)
        let w = try #require(net.workedDense(trace, input: x.data))
        #expect(w.layer == 1 && w.terms.count == 784)
        #expect(w.networkValue == trace[1].values.max(), "default: the first dense layer's largest output")
        #expect(abs(Float(w.value) - w.networkValue) < 1e-5)
        let (shown, rest, restCount) = w.largest(8)
        #expect(shown.count == 8 && restCount == 776)
        let total = shown.reduce(0.0) { $0 + Double($1.value) * Double($1.weight) } + rest + Double(w.bias)
        #expect(abs(total - w.value) < 1e-9)
        #expect(zip(w.terms, w.terms.dropFirst()).allSatisfy { abs($0.product) >= abs($1.product) }, "largest |term| first")
        #expect(w.activation?.value == max(0, w.networkValue))
        // The last layer: a chosen unit is that class's score.
        let last = try #require(net.workedDense(trace, input: x.data, layer: 3, unit: 4))
        #expect(abs(Float(last.value) - trace[3].values[4]) < 1e-5 && last.activation == nil)
        #expect(net.workedDense(trace, input: x.data, layer: 2) == nil, "layer 2 is a ReLU")
        #expect(net.workedDense(trace, input: x.data, layer: 3, unit: 10) == nil)
    }

    @Test func workedSoftmaxGivesTheNetworksProbabilities() throws {
        var rng = SeededRNG(seed: 9)
        let net = Preset.mlp.makeNetwork(using: &rng)
        let x = Self.image(seed: 10)
        let w = try #require(net.workedSoftmax(net.trace(x)))
        let p = net.probabilities(x).data
        #expect(zip(w.probabilities, p).allSatisfy { abs(Float($0) - $1) < 1e-6 })
        #expect(abs(w.probabilities.reduce(0, +) - 1) < 1e-12)
        // Huge scores: exp(z) overflows a Double, the shifted form does not.
        let big = WorkedSoftmax(logits: [1000, 999, 0], layer: 0)
        #expect(big.exponentials == nil)
        #expect(abs(big.probabilities[0] - 1 / (1 + exp(-1.0))) < 1e-12 && big.probabilities[2] == 0)
    }

    @Test func signedOutputsFollowTheLayerKinds() throws {
        let net = try Self.network([.conv(filters: 2, kernel: 3, stride: 1, padding: .fixed(1)), .activation(.relu), .maxpool(size: 2),
                                    .batchnorm, .maxpool(size: 2), .flatten, .dense(units: 4), .activation(.tanh), .dropout(rate: 0.5)])
        #expect((0..<9).map { net.outputIsSigned(layer: $0) } == [true, false, false, true, true, true, true, true, true])
        let pooledInput = try Self.network([.maxpool(size: 2)])
        #expect(pooledInput.outputIsSigned(layer: 0) == nil, "only the input's values can tell")
    }
}
