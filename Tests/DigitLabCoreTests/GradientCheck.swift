@testable import DigitLabCore

/// Finite-difference checks: the loss is L = Σ y·r for a fixed random r, so ∂L/∂y = r
/// and backward(r) must match (L(θ+h) − L(θ−h)) / 2h for inputs and parameters.
enum GradientCheck {
    struct Mismatch: CustomStringConvertible {
        let what: String, index: Int, analytic: Float, numeric: Float
        var description: String { "\(what)[\(index)]: analytic \(analytic) vs numeric \(numeric)" }
    }

    /// Returns the worst relative errors for the input gradient and each parameter.
    static func check(_ layer: any Layer, batch: Int, seed: UInt64 = 1, mode: PassMode = .training,
                      h: Float = 1e-2, samples: Int = 40, input: [Float]? = nil) -> [Mismatch] {
        var rng = SeededRNG(seed: seed)
        let inputCount = batch * layer.inputShape.reduce(1, *)
        var x = Tensor(shape: [batch] + layer.inputShape, data: input ?? (0..<inputCount).map { _ in rng.uniform(-1, 1) })
        let outCount = batch * layer.outputShape.reduce(1, *)
        let r = Tensor(shape: [batch] + layer.outputShape, data: (0..<outCount).map { _ in rng.uniform(-1, 1) })

        func loss() -> Double {
            var local = SeededRNG(seed: 99) // the same dropout mask every time
            let y = layer.forward(x, mode: mode, rng: &local)
            return zip(y.data, r.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        _ = loss()
        let dx = layer.backward(r, needInputGradient: true)!
        let analyticParams = layer.parameters.map(\.grad)

        var bad = [Mismatch]()
        func compare(_ what: String, _ i: Int, _ analytic: Float, _ numeric: Double) {
            let err = abs(Double(analytic) - numeric) / max(1e-2, abs(numeric) + abs(Double(analytic)))
            if err > 2e-2 { bad.append(Mismatch(what: what, index: i, analytic: analytic, numeric: Float(numeric))) }
        }
        for k in 0..<min(samples, inputCount) {
            let i = (k * 7919) % inputCount
            let old = x.data[i]
            x.data[i] = old + h; let up = loss()
            x.data[i] = old - h; let down = loss()
            x.data[i] = old
            compare("input", i, dx.data[i], (up - down) / Double(2 * h))
        }
        for (pi, p) in layer.parameters.enumerated() {
            for k in 0..<min(samples, p.count) {
                let i = (k * 7919) % p.count
                let old = p.value[i]
                p.value[i] = old + h; let up = loss()
                p.value[i] = old - h; let down = loss()
                p.value[i] = old
                compare(p.name, i, analyticParams[pi][i], (up - down) / Double(2 * h))
            }
        }
        return bad
    }
}
