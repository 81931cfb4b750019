import DigitLabCore

/// The runs `runs` lists and `render compare` draws: the finished ones and the current one.
enum Runs {
    static func all(_ state: SessionState) -> [Run] {
        var runs = state.runs.runs
        if var current = state.model.finishedRun(settings: state.settings, data: state.data) {
            current.name = current.name ?? state.runs.uniqueName("run \(runs.count + 1)") + " (current)"
            runs.append(current)
        }
        return runs
    }

    /// Each run's settings as words, keyed by setting name.
    static func words(_ r: Run) -> [(String, String)] {
        let s = r.settings, t = s.training
        return [("lr", Format.number(t.learningRate)), ("batch", String(t.batchSize)),
                ("optimizer", SetCommand.describe(t.optimizer)), ("weight-decay", Format.number(t.optimizer.weightDecay)),
                ("schedule", t.schedule.description), ("loss", t.loss.rawValue), ("init", s.initializer.rawValue),
                ("seed", String(s.seed)), ("preprocess", r.inputs), ("augment", r.augmentation), ("network", r.network)]
    }

    /// What sets each run apart: the settings whose value is not the same in every run.
    static func differences(_ runs: [Run]) -> [String] {
        let all = runs.map(words)
        guard let first = all.first else { return [] }
        let varying = first.indices.filter { i in Set(all.map { $0[i].1 }).count > 1 }
        return all.map { w in varying.map { "\(w[$0].0) \(w[$0].1)" }.joined(separator: ", ") }
    }

    static func table(_ runs: [Run]) -> Table {
        // The network is long: it gets its own row under the run when it differs.
        let networksDiffer = Set(runs.map(\.network)).count > 1
        let diffs = differences(runs).map { d in d.components(separatedBy: ", ").filter { !$0.hasPrefix("network ") }.joined(separator: ", ") }
        var rows = [[String]]()
        for (r, d) in zip(runs, diffs) {
            rows.append([r.name ?? "", String(r.metrics.epochs.count), r.bestValidationAccuracy.map { Format.percent($0) } ?? "—",
                         r.lastTrainLoss.map { Format.fixed($0, 4) } ?? "—", Format.fixed(r.seconds, 1) + " s",
                         d.isEmpty ? (networksDiffer ? "" : "(same settings)") : d])
            if networksDiffer { rows.append(["", "", "", "", "", "network: " + r.network]) }
        }
        return Table([.init("run"), .init("epochs", .right), .init("best val.", .right), .init("train loss", .right),
                      .init("time", .right), .init("settings that differ")], rows: rows)
    }
}
