/// How dense and conv weights start out. Biases always start at zero except under
/// `.pytorch`, which draws them like the weights (as PyTorch does).
public enum Initializer: String, CaseIterable, Codable, Sendable {
    /// U(-1/√fan_in, 1/√fan_in) for weights and biases: PyTorch's default, used by the
    /// presets so that benchmarks match the reference script.
    case pytorch
    /// He (Kaiming) normal: N(0, 2/fan_in), suited to ReLU.
    case he
    /// Glorot (Xavier) uniform: U(-√(6/(fan_in+fan_out)), +…), suited to tanh/sigmoid.
    case glorot

    /// Makes the weight and bias of a layer with the given fan-in and fan-out.
    func make(weightShape: [Int], biasCount: Int, fanIn: Int, fanOut: Int,
              using rng: inout SeededRNG) -> (weight: Parameter, bias: Parameter) {
        let n = weightShape.reduce(1, *)
        var w = [Float](repeating: 0, count: n)
        var b = [Float](repeating: 0, count: biasCount)
        switch self {
        case .pytorch:
            let bound = 1 / Float(fanIn).squareRoot()
            for i in 0..<n { w[i] = rng.uniform(-bound, bound) }
            for i in 0..<biasCount { b[i] = rng.uniform(-bound, bound) }
        case .he:
            let std = (2 / Float(fanIn)).squareRoot()
            for i in 0..<n { w[i] = std * rng.normal() }
        case .glorot:
            let bound = (6 / Float(fanIn + fanOut)).squareRoot()
            for i in 0..<n { w[i] = rng.uniform(-bound, bound) }
        }
        return (Parameter(name: "weight", shape: weightShape, value: w),
                Parameter(name: "bias", shape: [biasCount], value: b))
    }
}
