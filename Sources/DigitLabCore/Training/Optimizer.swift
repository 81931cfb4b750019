import Glibc

/// How parameters move against their gradients. PyTorch's formulas, so that a preset
/// trained here follows the same path as the reference script.
public enum OptimizerKind: String, CaseIterable, Codable, Sendable {
    case sgd, momentum, nesterov, adam
}

/// Hyper-parameters of an optimiser; `Optimizer` holds its moving state.
public struct OptimizerSettings: Equatable, Codable, Sendable {
    public var kind: OptimizerKind = .sgd
    public var momentum: Float = 0.9
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    /// Decoupled weight decay (AdamW style): w ← w − lr·λ·w, before the step.
    public var weightDecay: Float = 0
    public init(kind: OptimizerKind = .sgd) { self.kind = kind }
}

/// An optimiser bound to one network's parameters (its state lines up with them).
public final class Optimizer {
    public let settings: OptimizerSettings
    private var velocity: [[Float]] = []      // SGD momentum buffers, or Adam's first moment
    private var secondMoment: [[Float]] = []  // Adam's second moment
    public private(set) var steps = 0

    public init(_ settings: OptimizerSettings) { self.settings = settings }

    /// One update of every parameter from its `grad`, at learning rate `lr`.
    public func step(_ parameters: [Parameter], lr: Float) {
        if velocity.count != parameters.count {
            velocity = parameters.map { [Float](repeating: 0, count: $0.count) }
            secondMoment = settings.kind == .adam ? velocity : parameters.map { _ in [] }
        }
        steps += 1
        let s = settings
        let decay = 1 - lr * s.weightDecay
        // Adam's bias corrections (PyTorch: step = lr/bc1 · m / (√v/√bc2 + ε)).
        let bc1 = 1 - pow(s.beta1, Float(steps))
        let bc2Root = (1 - pow(s.beta2, Float(steps))).squareRoot()
        for (index, p) in parameters.enumerated() {
          p.value.withUnsafeMutableBufferPointer { wb in
          p.grad.withUnsafeBufferPointer { gb in
          velocity[index].withUnsafeMutableBufferPointer { vb in
          secondMoment[index].withUnsafeMutableBufferPointer { ub in
            let (w, g, v, u) = (wb.baseAddress!, gb.baseAddress!, vb.baseAddress!, ub.baseAddress)
            Parallel.forEachSlice(count: wb.count, minimumPerPart: 16_384) { r in
                if s.weightDecay != 0 { for i in r { w[i] *= decay } }
                switch s.kind {
                case .sgd:
                    for i in r { w[i] -= lr * g[i] }
                case .momentum:
                    for i in r { v[i] = s.momentum * v[i] + g[i]; w[i] -= lr * v[i] }
                case .nesterov:
                    for i in r {
                        v[i] = s.momentum * v[i] + g[i]
                        w[i] -= lr * (g[i] + s.momentum * v[i])
                    }
                case .adam:
                    let stepSize = lr / bc1
                    for i in r {
                        v[i] = s.beta1 * v[i] + (1 - s.beta1) * g[i]
                        u![i] = s.beta2 * u![i] + (1 - s.beta2) * g[i] * g[i]
                        w[i] -= stepSize * v[i] / (u![i].squareRoot() / bc2Root + s.epsilon)
                    }
                }
            }
          }
          }
          }
          }
        }
    }
}

@inline(__always) private func pow(_ x: Float, _ y: Float) -> Float { Float(Glibc.pow(Double(x), Double(y))) }
