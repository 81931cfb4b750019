import Glibc

/// How the learning rate changes over training. `progress` is measured in epochs
/// (2.5 = halfway through the third epoch), so a schedule reads the same whatever the
/// batch size.
public enum Schedule: Equatable, Codable, Sendable {
    case constant
    /// Multiply by `gamma` every `every` epochs.
    case step(every: Int, gamma: Float)
    /// Half a cosine from the base rate down to 0 over `epochs`.
    case cosine(epochs: Int)
    /// Smith's one-cycle: up from base/25 to base over the first 30%, then cosine down
    /// to base/10⁴ by `epochs`.
    case oneCycle(epochs: Int)

    /// The learning rate at a point in training.
    public func rate(base: Float, progress: Double) -> Float {
        switch self {
        case .constant:
            return base
        case let .step(every, gamma):
            let drops = Int(progress) / max(1, every)
            return base * Float(Glibc.pow(Double(gamma), Double(drops)))
        case .cosine(let epochs):
            let t = min(1, progress / Double(max(1, epochs)))
            return base * Float(0.5 * (1 + cos(Double.pi * t)))
        case .oneCycle(let epochs):
            let t = min(1, progress / Double(max(1, epochs)))
            let warm = 0.3
            let (low, high, end) = (Double(base) / 25, Double(base), Double(base) / 1e4)
            if t < warm {
                return Float(low + (high - low) * 0.5 * (1 - cos(Double.pi * t / warm)))
            }
            let u = (t - warm) / (1 - warm)
            return Float(end + (high - end) * 0.5 * (1 + cos(Double.pi * u)))
        }
    }

    /// The words `set schedule` takes: `constant`, `step 5 0.5`, `cosine 10`, `onecycle 10`.
    public var description: String {
        switch self {
        case .constant: return "constant"
        case let .step(every, gamma): return "step \(every) \(gamma)"
        case .cosine(let e): return "cosine \(e)"
        case .oneCycle(let e): return "onecycle \(e)"
        }
    }
}
