/// One buffer per parameter (momentum's velocity, Adam's moments), as raw memory so the
/// update loops index it directly; zeros until the first step fills it.
final class StateBuffers {
    private var buffers: [UnsafeMutablePointer<Float>] = []
    private var counts: [Int] = []

    deinit { for b in buffers { b.deallocate() } }

    var isEmpty: Bool { buffers.isEmpty }

    subscript(index: Int) -> UnsafeMutablePointer<Float> { buffers[index] }

    /// Zeroed buffers shaped like `parameters`, unless they already are.
    func match(_ parameters: [Parameter]) {
        let wanted = parameters.map(\.count)
        guard wanted != counts else { return }
        load(wanted.map { [Float](repeating: 0, count: $0) })
    }

    /// The buffers' values, by parameter index.
    var arrays: [[Float]] {
        zip(buffers, counts).map { Array(UnsafeBufferPointer(start: $0, count: $1)) }
    }

    /// Replaces the buffers with copies of `arrays` (none: no state yet).
    func load(_ arrays: [[Float]]?) {
        for b in buffers { b.deallocate() }
        buffers = []; counts = []
        for a in arrays ?? [] {
            let b = UnsafeMutablePointer<Float>.allocate(capacity: max(1, a.count))
            b.initialize(from: a, count: a.count)
            buffers.append(b); counts.append(a.count)
        }
    }
}

extension OptimizerState {
    /// Throws unless this state belongs to an optimiser of `kind` over `parameters`.
    func check(kind expected: OptimizerKind, buffers count: Int, parameters: [Parameter]) throws(TrainerStateError) {
        guard kind == expected else {
            throw TrainerStateError("the saved optimiser is \(kind.rawValue) but the trainer uses \(expected.rawValue) — set optimizer \(kind.rawValue) first")
        }
        guard steps >= 0 else { throw TrainerStateError("the saved optimiser has a negative step count (\(steps))") }
        guard buffers.isEmpty || buffers.count == count else {
            throw TrainerStateError("the saved \(kind.rawValue) state has \(buffers.count) buffers per parameter, expected \(count)")
        }
        for buffer in buffers {
            guard buffer.count == parameters.count else {
                throw TrainerStateError("the saved optimiser state covers \(buffer.count) parameters but the network has \(parameters.count)")
            }
            for (index, (values, p)) in zip(buffer, parameters).enumerated() where values.count != p.count {
                throw TrainerStateError("the saved optimiser state for parameter \(index) has \(values.count) values but the network's has \(p.count)")
            }
        }
    }
}
