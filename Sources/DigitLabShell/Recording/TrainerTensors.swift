import DigitLabCore
import DigitLabIO

/// A trainer's state and curves as safetensors: the arrays (optimiser moments, fallback
/// weights, the epoch's image order, the curves) become tensors, because in JSON they
/// would be megabytes of text in a header capped at 4 MB; the scalars stay in `Layout`,
/// which goes into the checkpoint's JSON metadata.
enum TrainerTensors {
    static let prefixes = ["trainer.", "curves."]

    /// The trainer's state without its arrays, and how many arrays of each kind there are.
    struct Layout: Codable {
        var state: TrainerState
        var optimizerBuffers: Int
        /// Buffers per stateful layer of the fallback weights (nil: no fallback yet).
        var fallbackBuffers: [Int]?
    }

    struct Damaged: Error { let message: String }

    /// Appends the arrays of `state` and `metrics` as tensors; returns the rest.
    static func append(_ state: TrainerState, metrics: MetricsLog,
                       to tensors: inout [(name: String, tensor: Safetensors.Tensor)]) -> Layout {
        func add(_ name: String, _ values: [Float]) { tensors.append((name, .init(floats: values, shape: [values.count]))) }
        for (b, buffer) in state.optimizer.buffers.enumerated() {
            for (p, values) in buffer.enumerated() { add("trainer.optimizer.\(b).\(p)", values) }
        }
        if let f = state.fallback {
            for (p, values) in f.parameters.enumerated() { add("trainer.fallback.\(p)", values) }
            for (l, layer) in f.buffers.enumerated() {
                for (k, values) in layer.enumerated() { add("trainer.fallback.buffer.\(l).\(k)", values) }
            }
        }
        tensors.append(("trainer.order", .init(int64s: state.order.map { Int64($0) })))
        let steps = metrics.steps.flatMap { [$0.epochs, Double($0.loss), $0.accuracy] }
        tensors.append(("curves.steps", .init(doubles: steps, shape: [metrics.steps.count, 3])))
        let epochs = metrics.epochs.flatMap {
            [Double($0.epoch), Double($0.trainLoss), $0.trainAccuracy, $0.validationLoss.map(Double.init) ?? .nan, $0.validationAccuracy ?? .nan]
        }
        tensors.append(("curves.epochs", .init(doubles: epochs, shape: [metrics.epochs.count, 5])))
        var bare = state
        bare.order = []
        bare.optimizer.buffers = []
        bare.fallback?.parameters = []
        bare.fallback?.buffers = []
        return Layout(state: bare, optimizerBuffers: state.optimizer.buffers.count,
                      fallbackBuffers: state.fallback.map { $0.buffers.map(\.count) })
    }

    /// The model file's tensors and the trainer's, apart.
    static func split(_ tensors: [String: Safetensors.Tensor]) -> (network: [String: Safetensors.Tensor], trainer: [String: Safetensors.Tensor]) {
        var network = [String: Safetensors.Tensor](), trainer = network
        for (name, t) in tensors {
            if prefixes.contains(where: name.hasPrefix) { trainer[name] = t } else { network[name] = t }
        }
        return (network, trainer)
    }

    /// The trainer state and curves from `layout` and the tensors; every array checked
    /// for its type and, where the state says, its length. (`Trainer.restore` checks the
    /// rest against the network.)
    static func read(_ layout: Layout, from tensors: [String: Safetensors.Tensor]) throws(Damaged) -> (state: TrainerState, metrics: MetricsLog) {
        var used = Set<String>()
        func floats(_ name: String) throws(Damaged) -> [Float] {
            guard let values = tensors[name]?.floats else { throw Damaged(message: "the training state's tensor '\(name)' is missing or not F32 — the file is damaged") }
            used.insert(name)
            return values
        }
        func rows(_ name: String, width: Int) throws(Damaged) -> [ArraySlice<Double>] {
            guard let t = tensors[name], let values = t.doubles, t.shape.count == 2, t.shape[1] == width else {
                throw Damaged(message: "the curves' tensor '\(name)' is missing or not F64 [n, \(width)] — the file is damaged")
            }
            used.insert(name)
            return stride(from: 0, to: values.count, by: width).map { values[$0..<($0 + width)] }
        }
        var state = layout.state
        let parameters = state.parameterCounts.count
        guard (0...2).contains(layout.optimizerBuffers) else { throw Damaged(message: "the optimiser state has \(layout.optimizerBuffers) buffers — the file is damaged") }
        state.optimizer.buffers = try (0..<layout.optimizerBuffers).map { b throws(Damaged) in
            try (0..<parameters).map { p throws(Damaged) in try floats("trainer.optimizer.\(b).\(p)") }
        }
        if let counts = layout.fallbackBuffers {
            guard state.fallback != nil, counts.allSatisfy({ (0...8).contains($0) }) else { throw Damaged(message: "the fallback weights are described wrongly — the file is damaged") }
            state.fallback!.parameters = try (0..<parameters).map { p throws(Damaged) in try floats("trainer.fallback.\(p)") }
            state.fallback!.buffers = try counts.enumerated().map { l, count throws(Damaged) in
                try (0..<count).map { k throws(Damaged) in try floats("trainer.fallback.buffer.\(l).\(k)") }
            }
        } else if state.fallback != nil {
            throw Damaged(message: "the fallback weights are missing — the file is damaged")
        }
        guard let order = tensors["trainer.order"]?.int64s, tensors["trainer.order"]?.shape.count == 1 else {
            throw Damaged(message: "the training state's image order is missing — the file is damaged")
        }
        used.insert("trainer.order")
        // Out-of-range values are caught by `Trainer.restore` (a permutation check).
        state.order = order.map { Int(clamping: $0) }
        let steps = try rows("curves.steps", width: 3).map { r in
            MetricsLog.Step(epochs: r[r.startIndex], loss: Float(r[r.startIndex + 1]), accuracy: r[r.startIndex + 2])
        }
        let epochs = try rows("curves.epochs", width: 5).map { r in
            let v = Array(r)
            return MetricsLog.Epoch(epoch: Int(exactly: v[0].rounded()) ?? 0, trainLoss: Float(v[1]), trainAccuracy: v[2],
                                    validationLoss: v[3].isNaN ? nil : Float(v[3]), validationAccuracy: v[4].isNaN ? nil : v[4])
        }
        if let extra = tensors.keys.filter({ !used.contains($0) }).sorted().first {
            throw Damaged(message: "the tensor '\(extra)' belongs to no part of the training state — the file is damaged")
        }
        return (state, MetricsLog(steps: steps, epochs: epochs))
    }
}
