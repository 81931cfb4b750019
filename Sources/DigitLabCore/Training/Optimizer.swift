import Glibc

/// How parameters move against their gradients. PyTorch's formulas, so that a preset
/// trained here follows the same path as the reference script.
public enum OptimizerKind: String, CaseIterable, Codable, Sendable {
    case sgd, momentum, nesterov, adam
}

/// Hyper-parameters of an optimiser; the optimiser object holds its moving state.
public struct OptimizerSettings: Equatable, Codable, Sendable {
    public var kind: OptimizerKind = .sgd
    public var momentum: Float = 0.9
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    /// Decoupled weight decay (AdamW style): w ← w − lr·λ·w, before the step.
    public var weightDecay: Float = 0
    public init(kind: OptimizerKind = .sgd) { self.kind = kind }

    /// A fresh optimiser of this kind, with no state yet.
    public func makeOptimizer() -> any Optimizer {
        switch kind {
        case .sgd: return SGD(self)
        case .momentum: return Momentum(self)
        case .nesterov: return Nesterov(self)
        case .adam: return Adam(self)
        }
    }
}

/// An optimiser: one small type per rule (`SGD`, `Momentum`, `Nesterov`, `Adam`), each
/// owning its state, lined up with the network's parameters by index (tinygrad's
/// `optim.py` in Swift).
public protocol Optimizer: AnyObject {
    var settings: OptimizerSettings { get }
    /// Updates taken so far (Adam's bias correction counts them).
    var steps: Int { get }
    /// One update of every parameter from its `grad`, at learning rate `lr`.
    func step(_ parameters: [Parameter], lr: Float)
    /// Everything the optimiser remembers, to put back with `restore`.
    func exportState() -> OptimizerState
    /// Puts back exported state; throws when it does not fit these parameters.
    func restore(_ state: OptimizerState, parameters: [Parameter]) throws(TrainerStateError)
}

/// An optimiser's memory, by parameter index: what a checkpoint saves so that training
/// resumes exactly.
public struct OptimizerState: Codable, Equatable, Sendable {
    public var kind: OptimizerKind
    public var steps: Int
    /// `buffers[b][p]`: buffer b of parameter p — momentum's velocity; Adam's first,
    /// then second moment. Empty before the first step.
    public var buffers: [[[Float]]]
}

extension Optimizer {
    /// Runs `update(values, w, g, parameterIndex)` over every parameter in fixed slices,
    /// after applying decoupled weight decay: the loop every optimiser shares.
    func forEachSlice(of parameters: [Parameter], lr: Float,
                      _ update: (Range<Int>, UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int) -> Void) {
        let decay = 1 - lr * settings.weightDecay
        let decays = settings.weightDecay != 0
        for (index, p) in parameters.enumerated() {
            let count = p.count
            withPointers(p.grad, writing: &p.value) { g, w in
                Parallel.forEachSlice(count: count, grain: 16_384) { values in
                    if decays { for i in values { w[i] *= decay } }
                    update(values, w, g, index)
                }
            }
        }
    }
}

/// Plain gradient descent: w ← w − lr·g.
public final class SGD: Optimizer {
    public let settings: OptimizerSettings
    public private(set) var steps = 0
    public init(_ settings: OptimizerSettings) { self.settings = settings }

    public func step(_ parameters: [Parameter], lr: Float) {
        steps += 1
        forEachSlice(of: parameters, lr: lr) { values, w, g, _ in
            for i in values { w[i] -= lr * g[i] }
        }
    }

    public func exportState() -> OptimizerState { OptimizerState(kind: .sgd, steps: steps, buffers: []) }

    public func restore(_ state: OptimizerState, parameters: [Parameter]) throws(TrainerStateError) {
        try state.check(kind: .sgd, buffers: 0, parameters: parameters)
        steps = state.steps
    }
}

/// Heavy-ball momentum (PyTorch's SGD with momentum): v ← μ·v + g, w ← w − lr·v.
public final class Momentum: Optimizer {
    public let settings: OptimizerSettings
    public private(set) var steps = 0
    private let velocity = StateBuffers()
    public init(_ settings: OptimizerSettings) { self.settings = settings }

    public func step(_ parameters: [Parameter], lr: Float) {
        velocity.match(parameters)
        steps += 1
        let mu = settings.momentum
        forEachSlice(of: parameters, lr: lr) { values, w, g, index in
            let v = velocity[index]
            for i in values { v[i] = mu * v[i] + g[i]; w[i] -= lr * v[i] }
        }
    }

    public func exportState() -> OptimizerState {
        OptimizerState(kind: .momentum, steps: steps, buffers: velocity.isEmpty ? [] : [velocity.arrays])
    }

    public func restore(_ state: OptimizerState, parameters: [Parameter]) throws(TrainerStateError) {
        try state.check(kind: .momentum, buffers: 1, parameters: parameters)
        velocity.load(state.buffers.first)
        steps = state.steps
    }
}

/// Nesterov momentum (PyTorch's form): v ← μ·v + g, w ← w − lr·(g + μ·v).
public final class Nesterov: Optimizer {
    public let settings: OptimizerSettings
    public private(set) var steps = 0
    private let velocity = StateBuffers()
    public init(_ settings: OptimizerSettings) { self.settings = settings }

    public func step(_ parameters: [Parameter], lr: Float) {
        velocity.match(parameters)
        steps += 1
        let mu = settings.momentum
        forEachSlice(of: parameters, lr: lr) { values, w, g, index in
            let v = velocity[index]
            for i in values {
                v[i] = mu * v[i] + g[i]
                w[i] -= lr * (g[i] + mu * v[i])
            }
        }
    }

    public func exportState() -> OptimizerState {
        OptimizerState(kind: .nesterov, steps: steps, buffers: velocity.isEmpty ? [] : [velocity.arrays])
    }

    public func restore(_ state: OptimizerState, parameters: [Parameter]) throws(TrainerStateError) {
        try state.check(kind: .nesterov, buffers: 1, parameters: parameters)
        velocity.load(state.buffers.first)
        steps = state.steps
    }
}

/// Adam (Kingma & Ba), with PyTorch's bias corrections:
/// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε).
public final class Adam: Optimizer {
    public let settings: OptimizerSettings
    public private(set) var steps = 0
    private let first = StateBuffers(), second = StateBuffers()
    public init(_ settings: OptimizerSettings) { self.settings = settings }

    public func step(_ parameters: [Parameter], lr: Float) {
        first.match(parameters)
        second.match(parameters)
        steps += 1
        let (b1, b2, eps) = (settings.beta1, settings.beta2, settings.epsilon)
        let stepSize = lr / (1 - power(b1, steps))
        let bc2Root = (1 - power(b2, steps)).squareRoot()
        forEachSlice(of: parameters, lr: lr) { values, w, g, index in
            let (m, v) = (first[index], second[index])
            for i in values {
                m[i] = b1 * m[i] + (1 - b1) * g[i]
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                w[i] -= stepSize * m[i] / (v[i].squareRoot() / bc2Root + eps)
            }
        }
    }

    public func exportState() -> OptimizerState {
        OptimizerState(kind: .adam, steps: steps, buffers: first.isEmpty ? [] : [first.arrays, second.arrays])
    }

    public func restore(_ state: OptimizerState, parameters: [Parameter]) throws(TrainerStateError) {
        try state.check(kind: .adam, buffers: 2, parameters: parameters)
        first.load(state.buffers.first)
        second.load(state.buffers.last)
        steps = state.steps
    }
}

/// βᵗ in Double, as PyTorch computes the bias corrections.
@inline(__always) private func power(_ x: Float, _ t: Int) -> Float { Float(Glibc.pow(Double(x), Double(t))) }
