import DigitLabCore
import DigitLabViz

/// `set NAME VALUE`: one form per setting, so `help set lr` explains that one.
enum SetCommand: ShellCommand, Equatable {
    case show
    case lr(Float), batch(Int), optimizer(OptimizerKind), momentum(Float), weightDecay(Float)
    case schedule(Schedule), seed(UInt64), threads(Int), epochs(Int), loss(Loss), initializer(Initializer)
    case pictures(PictureProtocol), memoryLimit(Int)

    static let names = ["lr", "batch", "optimizer", "momentum", "weight-decay", "schedule", "seed", "threads", "epochs",
                        "loss", "init", "pictures", "memory-limit"]

    static let declaration = CommandDeclaration("set", step: .training,
        summary: "Change a setting; `set` alone lists them all with the learning rate in force right now.",
        forms: [
            form([], summary: "Every setting, and the learning rate the next step will use.", example: "set") { _ in .show },
            form(["lr"], [Argument("RATE", .number(1e-9...1000), help: "the learning rate")],
                 summary: "The learning rate: how far each step moves the weights against the gradient. Too high and the loss explodes; too low and nothing moves. Presets set their own.",
                 example: "set lr 0.05") { a in .lr(Float(try a.number("RATE"))) },
            form(["batch"], [Argument("N", .int(1...65_536), help: "images per step")],
                 summary: "Images per training step: more gives a smoother gradient and fewer steps per epoch.",
                 example: "set batch 64") { a in .batch(try a.int("N")) },
            form(["optimizer"], [Argument("NAME", .choice(OptimizerKind.allCases.map(\.rawValue)), help: "sgd, momentum, nesterov or adam")],
                 summary: "How the weights move: plain SGD, SGD with momentum (a running average of steps), Nesterov momentum, or Adam (a step size per weight).",
                 example: "set optimizer adam") { a in .optimizer(OptimizerKind(rawValue: try a.word("NAME")) ?? .sgd) },
            form(["momentum"], [Argument("M", .number(0...0.999), help: "the momentum, in [0, 1)")],
                 summary: "How much of the previous step each momentum step keeps (0.9 is usual).",
                 example: "set momentum 0.9") { a in .momentum(Float(try a.number("M"))) },
            form(["weight-decay"], [Argument("LAMBDA", .number(0...1), help: "the decay per step, times the learning rate")],
                 summary: "Decoupled weight decay (AdamW style): every step shrinks each weight by lr·λ before the update.",
                 example: "set weight-decay 0.0005") { a in .weightDecay(Float(try a.number("LAMBDA"))) },
            form(["schedule", "constant"], summary: "Keep the learning rate as it is.", example: "set schedule constant") { _ in .schedule(.constant) },
            form(["schedule", "step"], [Argument("EVERY", .int(1...10_000), help: "epochs between drops"), Argument("GAMMA", .number(0.0001...1), help: "the factor at each drop")],
                 summary: "Multiply the learning rate by GAMMA every EVERY epochs, counted from now.",
                 example: "set schedule step 5 0.5") { a in .schedule(.step(every: try a.int("EVERY"), gamma: Float(try a.number("GAMMA")))) },
            form(["schedule", "cosine"], [Argument("EPOCHS", .int(1...10_000), help: "epochs to decay over")],
                 summary: "Half a cosine from the learning rate down to 0 over EPOCHS epochs, counted from now; after that the rate stays 0 (set another schedule to go on).",
                 example: "set schedule cosine 10") { a in .schedule(.cosine(epochs: try a.int("EPOCHS"))) },
            form(["schedule", "onecycle"], [Argument("EPOCHS", .int(1...10_000), help: "epochs of the cycle")],
                 summary: "Smith's one-cycle over EPOCHS epochs from now: up from lr/25 to lr in the first 30%, then down to lr/10⁴.",
                 example: "set schedule onecycle 5") { a in .schedule(.oneCycle(epochs: try a.int("EPOCHS"))) },
            form(["seed"], [Argument("SEED", .seed, help: "a whole number")],
                 summary: "Start the random generator again from SEED. Everything random draws from it in order: a network's first weights (`net preset`, `net add`, `net reset`), then the trainer's shuffling, dropout and augmentation. So `set seed 1` then `net preset mlp` always gives the same network, but `net preset mlp` then `set seed 1` gives weights from the old seed.",
                 example: "set seed 42") { a in .seed(try a.seed("SEED")) },
            form(["threads"], [Argument("N", .int(1...1024), help: "parts the work is split into")],
                 summary: "How many cores train and evaluate (at most the cores there are). Results are the same bits whatever the number.",
                 example: "set threads 2") { a in .threads(try a.int("N")) },
            form(["epochs"], [Argument("N", .int(1...10_000), help: "epochs per `train epoch`")],
                 summary: "How many epochs `train epoch` runs when given no number.", example: "set epochs 3") { a in .epochs(try a.int("N")) },
            form(["loss"], [Argument("NAME", .choice(Loss.allCases.map(\.rawValue)), help: "crossentropy or mse")],
                 summary: "What training minimises: cross-entropy of the softmax (the usual), or the squared error against one-hot targets.",
                 example: "set loss crossentropy") { a in .loss(Loss(rawValue: try a.word("NAME")) ?? .crossEntropy) },
            form(["init"], [Argument("NAME", .choice(Initializer.allCases.map(\.rawValue)), help: "pytorch, he or glorot")],
                 summary: "How dense and conv layers added from now on start: PyTorch's default uniform, He (for ReLU) or Glorot (for tanh/sigmoid). `net reset` re-draws the current layers with it.",
                 example: "set init he") { a in .initializer(Initializer(rawValue: try a.word("NAME")) ?? .pytorch) },
            form(["pictures"], [Argument("MODE", .choice(PictureProtocol.allCases.map(\.rawValue)), help: "auto, kitty, iterm, sixel or files")],
                 summary: "How pictures show in the terminal: inline with the kitty, iTerm2 or sixel protocol, `auto` (what the terminal supports), or `files` (only the path). The file is written either way. DIGITLAB_PICTURES sets it at start.",
                 example: "set pictures files") { a in .pictures(PictureProtocol(rawValue: try a.word("MODE")) ?? .auto) },
            form(["memory-limit"], [Argument("SIZE", .bytes, help: "such as 512MB or 2GB")],
                 summary: "The most memory a network may need at the current batch size (weights, gradients, optimiser state, activations); layers, models and batch sizes beyond it are refused with the estimate.",
                 example: "set memory-limit 2GB") { a in .memoryLimit(try a.bytes("SIZE")) },
        ])

    func run(_ context: inout CommandContext) throws(CommandError) -> Output {
        var s = context.state.settings
        var notes = [String]()
        switch self {
        case .show: return Output([.table(Self.table(context.state, pictures: context.session.pictureReason?()))])
        case .lr(let v): s.training.learningRate = v
        case .batch(let v): s.training.batchSize = v
        case .optimizer(let k): s.training.optimizer.kind = k
        case .momentum(let v): s.training.optimizer.momentum = v
        case .weightDecay(let v): s.training.optimizer.weightDecay = v
        case .schedule(let schedule):
            s.training.schedule = schedule
            let position = Self.position(context.state)
            s.training.scheduleStart = position
            if schedule != .constant {
                notes.append("the schedule starts now, at epoch \(Format.fixed(position, 2)) of this network's training")
            }
        case .seed(let v):
            context.state.reseed(v)
            return .text("seed \(v): the generator starts again — the next network made (`net preset`, `net add`, `net reset`) and the next trainer draw from it")
        case .threads(let n):
            let cores = Settings.cores
            s.threads = min(n, cores)
            if n > cores { notes.append("this machine has \(Format.plural(cores, "core")): using \(cores) (more threads than cores only wait for each other)") }
        case .epochs(let n): s.epochs = n
        case .loss(let l): s.training.loss = l
        case .initializer(let i): s.initializer = i
        case .pictures(let p): s.pictures = p
        case .memoryLimit(let bytes):
            guard bytes >= MemoryBudget.minimumLimit else {
                throw CommandError("set memory-limit: at least \(MemoryEstimate.format(MemoryBudget.minimumLimit)) — even a small network and the data need that much")
            }
            s.memoryLimit = bytes
        }
        // A batch size, an optimiser, thread workspaces or a lower limit the network no
        // longer fits: refused with the estimate, before anything changes.
        if let net = context.state.model.network { try MemoryCheck.network(net, s, what: "set") }
        context.state.settings = s
        var out = Output(notes.map { .text($0) })
        if let warning = Self.rateWarning(s.training) { out.append(.warning(warning)) }
        out.text(Self.line(context.state))
        return out
    }

    /// A learning rate far above what the optimiser usually takes on MNIST: said once
    /// when it is set (training says more if the loss then explodes).
    static func rateWarning(_ t: TrainingSettings) -> String? {
        let usual: (limit: Float, range: String) = t.optimizer.kind == .adam ? (0.01, "about 0.001") : (1, "0.01 to 0.1")
        guard t.learningRate > usual.limit else { return nil }
        return "lr \(Format.number(t.learningRate)) is far above what \(t.optimizer.kind.rawValue) usually takes on MNIST (\(usual.range)): expect the loss to jump or explode"
    }

    /// Epochs the current network has trained (where a schedule set now starts).
    static func position(_ state: SessionState) -> Double {
        guard let t = state.model.trainer else { return 0 }
        return t.progress(over: state.data.dataset?.train.count ?? 0)
    }

    static func describe(_ o: OptimizerSettings) -> String {
        o.kind == .momentum || o.kind == .nesterov ? "\(o.kind.rawValue) \(Format.number(o.momentum))" : o.kind.rawValue
    }

    /// The learning rate the next step uses, when a schedule makes it differ.
    static func rateNow(_ state: SessionState) -> String {
        let t = state.settings.training
        guard t.schedule != .constant else { return Format.number(t.learningRate) }
        let progress = max(0, position(state) - t.scheduleStart)
        let now = t.schedule.rate(base: t.learningRate, progress: progress)
        return "\(Format.number(t.learningRate)) (now \(Format.scientific(now)) under \(t.schedule.description))"
    }

    /// The settings in one line.
    static func line(_ state: SessionState) -> String {
        let s = state.settings, t = s.training
        return "lr \(rateNow(state)), batch \(t.batchSize), optimizer \(describe(t.optimizer)), weight-decay \(Format.number(t.optimizer.weightDecay)), schedule \(t.schedule.description), loss \(t.loss.rawValue), init \(s.initializer.rawValue), seed \(s.seed), threads \(s.threads), epochs \(s.epochs)"
    }

    static func table(_ state: SessionState, pictures: String? = nil) -> Table {
        let s = state.settings, t = s.training
        return Table([.init("setting"), .init("value"), .init("")], rows: [
            ["lr", rateNow(state), "learning rate"],
            ["batch", String(t.batchSize), "images per step"],
            ["optimizer", describe(t.optimizer), "how weights move"],
            ["momentum", Format.number(t.optimizer.momentum), "for momentum and nesterov"],
            ["weight-decay", Format.number(t.optimizer.weightDecay), "shrinks weights each step"],
            ["schedule", t.schedule.description, t.schedule == .constant ? "" : "from epoch \(Format.fixed(t.scheduleStart, 2))"],
            ["loss", t.loss.rawValue, ""],
            ["init", s.initializer.rawValue, "for layers added next"],
            ["seed", String(s.seed), ""],
            ["threads", String(s.threads), "of \(Settings.cores) cores"],
            ["epochs", String(s.epochs), "per `train epoch`"],
            ["pictures", s.pictures.rawValue, pictures ?? "in the terminal"],
            ["memory-limit", ByteSize.describe(s.memoryLimit), "for one network"],
        ])
    }
}
