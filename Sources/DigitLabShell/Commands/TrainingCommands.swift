import DigitLabCore
import DigitLabIO

/// `train step|epoch|until`: the one training loop, watched.
enum TrainCommand: ShellCommand, Equatable {
    case steps(Int)
    case epochs(Int?)
    case until(EarlyStopping.Metric, EarlyStopping.Comparison, Double, max: Int, patience: Int?)

    static let declaration = CommandDeclaration("train", step: .training,
        summary: "Train the network on the training images. Ctrl-C stops after the current batch; the network stays usable.",
        forms: [
            form(["step"], [Argument("N", .int(1...1_000_000), optional: true, help: "minibatches")],
                 summary: "N minibatches (1 by default), each with its loss, batch accuracy, and per layer the size of the gradient and of the update relative to the weights.",
                 example: "train step 3") { a in .steps(a.int("N", default: 1)) },
            form(["epoch"], [Argument("N", .int(1...10_000), optional: true, help: "epochs")],
                 summary: "N passes over the training images (`set epochs` by default), each ending with train and validation loss and accuracy, the learning rate and the time.",
                 example: "train epoch 3") { a in .epochs(a.optionalInt("N")) },
            form(["until"], [
                Argument("METRIC", .choice(EarlyStopping.Metric.allCases.map(\.rawValue)), help: "what to watch"),
                Argument("OP", .choice(EarlyStopping.Comparison.allCases.map(\.rawValue)), help: ">=, >, <= or <"),
                Argument("VALUE", .number(-1e9...1e9), help: "the target"),
                Argument("N", .int(1...10_000), keyword: "max", optional: true, help: "the most epochs (20)"),
                Argument("P", .int(1...10_000), keyword: "patience", optional: true, help: "epochs without improvement before stopping"),
            ], summary: "Early stopping: train epoch after epoch until METRIC reaches the target, or has not improved for P epochs, or N epochs have run; the best weights seen are kept.",
                 example: "train until validation.accuracy >= 0.98 max 10 patience 2") { a in
                .until(EarlyStopping.Metric(rawValue: try a.word("METRIC")) ?? .validationAccuracy,
                       EarlyStopping.Comparison(rawValue: try a.word("OP")) ?? .atLeast,
                       try a.number("VALUE"), max: a.int("max", default: 20), patience: a.optionalInt("patience"))
            },
        ])

    func run(_ context: inout CommandContext) throws(CommandError) -> Output {
        switch self {
        case .steps(let n):
            return try Training.run(.steps(n), stopping: nil, layerStats: true, &context)
        case .epochs(let n):
            return try Training.run(.epochs(n ?? context.state.settings.epochs), stopping: nil, layerStats: false, &context)
        case let .until(metric, op, target, maxEpochs, patience):
            if metric.needsValidation, try context.requireData().validation == nil {
                throw CommandError("train until \(metric.rawValue): there is no validation set — `split validation 5000` first")
            }
            let stopper = EarlyStopping(metric: metric, comparison: op, target: target, patience: patience)
            return try Training.run(.epochs(maxEpochs), stopping: stopper, layerStats: false, &context)
        }
    }
}

/// What the training commands share: making the trainer, watching events, describing them.
enum Training {
    static func run(_ amount: TrainingAmount, stopping: EarlyStopping?, layerStats: Bool,
                    _ context: inout CommandContext) throws(CommandError) -> Output {
        let (t, data) = try context.requireTrainer()
        guard !data.train.isEmpty else {
            throw CommandError("there are no training images to learn from — `load mnist`, or `load folder DIR` with a train/ folder")
        }
        try MemoryCheck.network(t.network, context.state.settings)
        var out = Output()
        if case .epochs = amount, t.positionInEpoch > 0 {
            // An epoch stopped part-way (Ctrl-C, `train step`) finishes first: say so, or
            // the next line's "epoch 1" reads as a restart.
            let note = "epoch \(t.epochsCompleted + 1) goes on from image \(Format.count(t.positionInEpoch)) of \(Format.count(data.train.count)), where it stopped"
            // Live, like the epoch lines it comes before: the terminal shows it now, in order.
            out.append(.live(note))
            context.live?.permanent(note)
        }
        var bar = ProgressBar()
        var watch = DivergenceWatch()
        let live = context.live
        let total: Int? = if case .epochs(let n) = amount { n } else { nil }
        let firstEpoch = t.epochsCompleted + 1
        let stepsBefore = t.stepsTaken
        let normalization = context.state.data.normalization
        t.collectLayerStats = layerStats
        defer { t.collectLayerStats = false }
        var metrics = context.state.model.metrics
        var seconds = 0.0
        let interrupted = context.interrupted
        let outcome = t.train(data.train, normalization: normalization, validation: data.validation, amount: amount) { event in
            metrics.record(event)
            switch event {
            case .batchEnd(let r):
                seconds += r.seconds
                if layerStats { out.append(contentsOf: describe(r, network: t.network)) }
                if let warning = watch.observe(r) {
                    // In order with what it is about: among the step lines (shown at the end),
                    // or live among the epoch lines. Once either way.
                    if layerStats { out.append(.warning(warning)) } else { out.append(.live("warning: " + warning)); live?.permanent("warning: " + warning) }
                }
                if !layerStats, let live, let text = bar.update(r, totalEpochs: total, firstEpoch: firstEpoch) { live.transient(text) }
            case .epochEnd(let r):
                let line = describe(r, rate: t.currentLearningRate(over: data.train.count))
                // Among the step lines when there are step lines (shown at the end, in
                // order); live otherwise, as each epoch ends.
                if layerStats { out.text(line) } else { out.append(.live(line)); live?.permanent(line) }
            }
            if interrupted() { return .stop(reason: "interrupted") }
            return stopping?.observe(event, network: t.network) ?? .proceed
        }
        live?.clear()
        context.state.model.metrics = metrics
        context.state.model.trainingSeconds += seconds
        context.state.model.unsavedSteps += t.stepsTaken - stepsBefore
        if let line = describe(outcome, trainer: t, data: data, settings: context.state.settings) { out.text(line) }
        if let s = stopping, let best = s.best {
            let kept = s.restoreBest(into: t.network) ?? best.epoch
            let why: String = if case .stopped(let reason) = outcome.ending, reason != "interrupted" { reason } else { "after \(Format.plural(outcome.epochsCompleted, "epoch"))" }
            out.text("early stopping: \(why); kept the weights of epoch \(kept), the best \(s.metric.rawValue) (\(Format.fixed(best.value, 4)))")
        }
        return out
    }

    /// A step's line, and a table of each layer's gradient and update sizes.
    static func describe(_ r: BatchReport, network: Network) -> Output {
        var out = Output.text("step \(r.step) (epoch \(r.epoch), \(r.stepInEpoch)/\(r.stepsPerEpoch)): loss \(Format.fixed(r.loss, 4)), batch accuracy \(Format.percent(r.accuracy, 1)), lr \(Format.scientific(r.learningRate))")
        guard !r.layerStats.isEmpty else { return out }
        out.append(.table(Table([.init("layer", .right), .init(""), .init("|grad|", .right), .init("|update|/|weight|", .right)],
                                rows: r.layerStats.map { s in
            [String(s.layer), network.layers[s.layer].spec.description, Format.scientific(s.gradientNorm), Format.scientific(s.updateRatio)]
        }, indent: 4)))
        return out
    }

    static func describe(_ r: EpochReport, rate: Float) -> String {
        var line = "epoch \(r.epoch): train loss \(Format.fixed(r.trainLoss, 4)), accuracy \(Format.percent(r.trainAccuracy))"
        if let v = r.validation { line += " | validation loss \(Format.fixed(v.loss, 4)), accuracy \(Format.percent(v.accuracy))" }
        // A small epoch takes milliseconds: "0.0 s" read as if nothing had been timed.
        return line + " | lr \(Format.scientific(rate)) | \(Format.fixed(r.seconds, r.seconds < 0.1 ? 3 : 1)) s, \(Format.count(Int(r.imagesPerSecond))) images/s"
    }

    static func describe(_ o: TrainingOutcome, trainer t: Trainer, data: Dataset, settings: Settings) -> String? {
        switch o.ending {
        case .finished: return nil
        case .stopped(let reason):
            let into = t.positionInEpoch
            let position = into == 0 ? "at the end of epoch \(t.epochsCompleted)"
                : "\(Format.count(into)) of \(Format.count(data.train.count)) images into epoch \(t.epochsCompleted + 1)"
            return "stopped (\(reason)) after step \(t.stepsTaken), \(position); the weights are those of the last finished step"
        case let .diverged(step, restored):
            return "the loss became NaN or infinite at step \(step): restored the weights of step \(restored) — the learning rate is too high; try `set lr \(Format.number(settings.training.learningRate / 10))`"
        }
    }
}

/// Notices a loss that grows tenfold within a few steps — the mark of a learning rate
/// that is too high — and says so once per command.
struct DivergenceWatch {
    private var recent: [(step: Int, loss: Float)] = []
    private var warned = false
    static let window = 50

    mutating func observe(_ r: BatchReport) -> String? {
        guard !warned, r.loss.isFinite else { return nil }
        recent.append((r.step, r.loss))
        if recent.count > Self.window { recent.removeFirst() }
        guard let low = recent.min(by: { $0.loss < $1.loss }), low.loss > 0, r.loss > 10 * low.loss, r.loss > 1 else { return nil }
        warned = true
        return "the loss grew from \(Format.fixed(low.loss, 3)) to \(Format.fixed(r.loss, 3)) within \(Format.plural(r.step - low.step, "step")): the learning rate (\(Format.scientific(r.learningRate))) is probably too high — try `set lr \(Format.number(r.learningRate / 10))`"
    }
}

extension CommandContext {
    /// The trainer for the current network, made (drawing its seed from the session's
    /// generator) the first time training needs it. Only training calls this.
    mutating func requireTrainer() throws(CommandError) -> (Trainer, Dataset) {
        let (net, data) = try requireCompatibleNetwork()
        let t: Trainer
        if let existing = state.model.trainer, existing.network === net {
            t = existing
        } else {
            t = Trainer(network: net, settings: state.settings.training, rng: SeededRNG(seed: state.rng.next()))
            state.model.trainer = t
            state.model.runSettings = state.settings
            state.model.runAugmentation = state.data.augmentation.description
            state.model.runInputs = state.data.scaling.rawValue
        }
        t.settings = state.settings.training
        // Read at each batch, so `augment` and `load` take effect on the next one.
        let (augmentation, background) = (state.data.augmentation, state.data.normalization.table[0])
        t.augment = augmentation.isIdentity ? nil : { batch, labels, rng in
            augmentation.apply(to: &batch, labels: &labels, background: background, using: &rng)
        }
        return (t, data)
    }
}

/// `run name NAME`, `runs`: training runs kept for comparison.
enum RunCommand: ShellCommand, Equatable {
    case name(String)
    case list

    static let declaration = CommandDeclaration("run", step: .validation,
        summary: "Name the current training run, so `runs` and `render compare` can find it.",
        forms: [form(["name"], [Argument("NAME", .word, help: "a name for this run")],
                     summary: "Name the current run (the training of the current network); runs not named get `run 1`, `run 2`, … when a new network replaces them.",
                     example: "run name high-lr") { a in .name(try a.word("NAME")) }])

    static let listDeclaration = CommandDeclaration("runs", step: .validation,
        summary: "The training runs of this session: settings that differ, best validation accuracy, time.",
        forms: [form([], summary: "Every run of this session (each network trained, up to now), with the settings that differ between them, the best validation accuracy and the training time.",
                     example: "runs") { _ in RunCommand.list }])

    func run(_ context: inout CommandContext) throws(CommandError) -> Output {
        switch self {
        case .name(let n):
            guard context.state.model.network != nil else { throw CommandError("run name: no network yet — make one first") }
            guard context.state.runs.named(n) == nil else { throw CommandError("run name: '\(n)' names a finished run already — pick another") }
            context.state.model.runName = n
            return .text("this run is '\(n)'; it is filed when another network replaces this one (`runs` lists them)")
        case .list:
            let runs = Runs.all(context.state)
            guard !runs.isEmpty else { return .text("no runs yet: train a network (`train epoch`) and it becomes one") }
            return Output([.table(Runs.table(runs))])
        }
    }
}
