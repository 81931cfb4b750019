import DigitLabCore
import DigitLabIO

extension CommandTable {
    static let trainingCommands: [Command] = [
        Command("train", step: .training,
                usage: "train step [N] | train epoch [N] | train until METRIC OP VALUE [max N] [patience P]",
                summary: "Train. step: N minibatches with loss, batch accuracy and per-layer |grad| and |update|/|weight|. epoch: N epochs with train and validation loss/accuracy. until: early stopping on validation.accuracy, validation.loss, train.accuracy or train.loss (>=, >, <=, <); the best weights are restored. Ctrl-C stops after the current batch.",
                example: "train until validation.accuracy >= 0.98 max 10 patience 2",
                words: ["step", "epoch", "until"] + EarlyStopping.Metric.allCases.map(\.rawValue),
                action: { s, a in try s.train(a) }),
    ]
}

extension Session {
    /// The network and data, checked to fit each other. No side effects: evaluating,
    /// predicting and rendering use this, so looking never changes what training does.
    func requireCompatibleNetwork() throws(CommandError) -> (Network, Dataset) {
        let data = try requireData()
        let net = try requireNetwork()
        guard net.inputShape == [1, data.test.rows, data.test.columns] else {
            throw CommandError("the network takes \(describeShape(net.inputShape)) images but the data is \(data.test.rows)x\(data.test.columns)")
        }
        guard net.outputShape == [data.classNames.count] else {
            throw CommandError("the network ends with \(describeShape(net.outputShape)) outputs but there are \(data.classNames.count) classes — end with `net add dense \(data.classNames.count)`")
        }
        return (net, data)
    }

    /// The trainer for the current network and settings, made (drawing its seed from the
    /// session RNG) the first time training needs it. Only training calls this.
    func requireTrainer() throws(CommandError) -> (Trainer, Dataset) {
        let (net, data) = try requireCompatibleNetwork()
        let t: Trainer
        if let existing = trainer, existing.network === net {
            t = existing
        } else {
            t = Trainer(network: net, settings: settings, rng: SeededRNG(seed: rng.next()))
            trainer = t
            metrics = MetricsLog() // a new network starts a new log
        }
        // Read at each batch, so `augment` and `load` take effect on the next one.
        let (augmentation, background) = (augmentation, normalization.table[0])
        t.augment = augmentation.isIdentity ? nil : { batch, rng in
            augmentation.apply(to: &batch, background: background, using: &rng)
        }
        return (t, data)
    }

    func train(_ args: Arguments) throws(CommandError) -> String {
        var a = args
        let mode = try a.next("step, epoch or until")
        switch mode {
        case "step":
            let n = a.isEmpty ? 1 : try a.nextInt("the number of steps")
            try a.done()
            let (t, data) = try requireTrainer()
            try requireTrainingImages(data)
            t.collectLayerStats = true
            defer { t.collectLayerStats = false }
            var lines = [String]()
            let outcome = t.train(data.train, normalization: normalization, validation: data.validation,
                                  amount: TrainingAmount.steps(n)) { (event: TrainingEvent) -> TrainingDecision in
                self.metrics.record(event)
                if case .batchEnd(let r) = event { lines.append(self.describe(r)) }
                return self.interruptRequested() ? .stop(reason: "interrupted") : .proceed
            }
            return (lines + [describe(outcome, trainer: t)]).filter { !$0.isEmpty }.joined(separator: "\n")
        case "epoch":
            let n = a.isEmpty ? epochs : try a.nextInt("the number of epochs")
            try a.done()
            return try runEpochs(.epochs(n), stopping: nil)
        case "until":
            let metricWord = try a.next("a metric (validation.accuracy, validation.loss, train.accuracy, train.loss)")
            guard let metric = EarlyStopping.Metric(rawValue: metricWord) else {
                throw CommandError("train until: unknown metric '\(metricWord)' — \(EarlyStopping.Metric.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let opWord = try a.next("a comparison (>=, >, <=, <)")
            guard let op = EarlyStopping.Comparison(rawValue: opWord) else {
                throw CommandError("train until: unknown comparison '\(opWord)' — >=, >, <= or <")
            }
            let target = Double(try a.nextFloat("the target value"))
            var maxEpochs = 20, patience: Int?
            while let w = a.first {
                _ = try a.next(w)
                switch w {
                case "max": maxEpochs = try a.nextInt("the most epochs")
                case "patience": patience = try a.nextInt("the patience in epochs")
                default: throw CommandError("train until: unexpected '\(w)' — max N or patience P")
                }
            }
            if metric.needsValidation, try requireData().validation == nil {
                throw CommandError("train until \(metric.rawValue): there is no validation set — `split validation 5000` first")
            }
            let stopper = EarlyStopping(metric: metric, comparison: op, target: target, patience: patience)
            return try runEpochs(.epochs(maxEpochs), stopping: stopper)
        default:
            throw CommandError("train: unknown mode '\(mode)' — step, epoch or until")
        }
    }

    private func runEpochs(_ amount: TrainingAmount, stopping: EarlyStopping?) throws(CommandError) -> String {
        let (t, data) = try requireTrainer()
        try requireTrainingImages(data)
        var lines = [String]()
        var bar = ProgressBar()
        let total: Int? = if case .epochs(let n) = amount { n } else { nil }
        let firstEpoch = t.epochsCompleted + 1
        let outcome = t.train(data.train, normalization: normalization, validation: data.validation,
                              amount: amount) { event in
            self.metrics.record(event)
            switch event {
            case .batchEnd(let r):
                if let live = self.live, let text = bar.update(r, totalEpochs: total, firstEpoch: firstEpoch) {
                    live.transient(text)
                }
            case .epochEnd(let r):
                // On a terminal each epoch's line appears as it finishes; otherwise with the output.
                if let live = self.live { live.permanent(self.describe(r)) } else { lines.append(self.describe(r)) }
            }
            if self.interruptRequested() { return .stop(reason: "interrupted") }
            return stopping?.observe(event, network: t.network) ?? .proceed
        }
        live?.clear()
        lines.append(describe(outcome, trainer: t))
        if let s = stopping, let epoch = s.restoreBest(into: t.network), let best = s.best {
            lines.append("restored the best weights: epoch \(epoch), \(s.metric.rawValue) \(Format.fixed(best.value, 4))")
        }
        return lines.filter { !$0.isEmpty }.joined(separator: "\n")
    }

    func requireTrainingImages(_ data: Dataset) throws(CommandError) {
        guard !data.train.isEmpty else {
            throw CommandError("there are no training images to learn from — `load mnist`, or `load folder DIR` with a train/ folder")
        }
    }

    func describe(_ r: BatchReport) -> String {
        var line = "step \(r.step) (epoch \(r.epoch), \(r.stepInEpoch)/\(r.stepsPerEpoch)): loss \(Format.fixed(r.loss, 4)), batch accuracy \(Format.percent(r.accuracy, 1))"
        for s in r.layerStats {
            line += "\n    layer \(s.layer) \(Format.pad(network?.layers[s.layer].spec.description ?? "", 16)) |grad| \(Format.scientific(s.gradientNorm))  |update|/|weight| \(Format.scientific(s.updateRatio))"
        }
        return line
    }

    func describe(_ r: EpochReport) -> String {
        var line = "epoch \(r.epoch): train loss \(Format.fixed(r.trainLoss, 4)), accuracy \(Format.percent(r.trainAccuracy))"
        if let v = r.validation { line += " | validation loss \(Format.fixed(v.loss, 4)), accuracy \(Format.percent(v.accuracy))" }
        return line + " | \(Format.fixed(r.seconds, 1)) s, \(Format.count(Int(r.imagesPerSecond))) images/s"
    }

    func describe(_ o: TrainingOutcome, trainer t: Trainer) -> String {
        switch o.ending {
        case .finished: return ""
        case .stopped(let reason):
            return "stopped (\(reason)) after step \(t.stepsTaken), \(Format.count(t.positionInEpoch)) images into epoch \(t.epochsCompleted + 1); the weights are those of the last finished step"
        case let .diverged(step, restored):
            return "the loss became NaN or infinite at step \(step): restored the weights of step \(restored) — try a smaller learning rate (`set lr \(settings.learningRate / 10)`)"
        }
    }
}
