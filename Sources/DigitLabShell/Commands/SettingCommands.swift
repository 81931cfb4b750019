import DigitLabCore
import DigitLabIO

extension CommandTable {
    static let settingNames = ["lr", "batch", "optimizer", "momentum", "weight-decay", "schedule",
                               "seed", "threads", "epochs", "loss", "init"]

    static let settingCommands: [Command] = [
        Command("set", step: .training,
                usage: "set lr|batch|optimizer|momentum|weight-decay|schedule|seed|threads|epochs|loss|init VALUE",
                summary: "Change a training setting. optimizer: sgd, momentum, nesterov, adam. schedule: constant, step EVERY GAMMA, cosine EPOCHS, onecycle EPOCHS. loss: crossentropy, mse. init: pytorch, he, glorot (for layers added next). With no argument, lists the settings.",
                example: "set lr 0.05", words: settingNames + OptimizerKind.allCases.map(\.rawValue),
                action: { s, a in try s.set(a) }),
    ]
}

extension Session {
    func set(_ args: Arguments) throws(CommandError) -> String {
        var a = args
        guard !a.isEmpty else { return describeSettings() }
        let name = try a.next("a setting name")
        switch name {
        case "lr":
            let v = try a.nextFloat("the learning rate")
            guard v > 0 else { throw CommandError("set lr: the learning rate must be positive, got \(v)") }
            settings.learningRate = v
        case "batch": settings.batchSize = try a.nextInt("the batch size")
        case "optimizer":
            let w = try a.next("sgd, momentum, nesterov or adam")
            guard let k = OptimizerKind(rawValue: w) else { throw CommandError("set optimizer: unknown '\(w)' — sgd, momentum, nesterov or adam") }
            settings.optimizer.kind = k
        case "momentum":
            let v = try a.nextFloat("the momentum")
            guard v >= 0, v < 1 else { throw CommandError("set momentum: must be in [0, 1), got \(v)") }
            settings.optimizer.momentum = v
        case "weight-decay":
            let v = try a.nextFloat("the weight decay")
            guard v >= 0 else { throw CommandError("set weight-decay: must be 0 or more, got \(v)") }
            settings.optimizer.weightDecay = v
        case "schedule": settings.schedule = try parseSchedule(&a)
        case "seed":
            let w = try a.next("a seed")
            guard let v = UInt64(w) else { throw CommandError("set seed: must be a whole number ≥ 0, got '\(w)'") }
            seed = v
        case "threads": threads = try a.nextInt("the thread count")
        case "epochs": epochs = try a.nextInt("the number of epochs")
        case "loss":
            let w = try a.next("crossentropy or mse")
            guard let l = Loss(rawValue: w) else { throw CommandError("set loss: unknown '\(w)' — crossentropy or mse") }
            settings.loss = l
        case "init":
            let w = try a.next("pytorch, he or glorot")
            guard let i = Initializer(rawValue: w) else { throw CommandError("set init: unknown '\(w)' — pytorch, he or glorot") }
            let net = network ?? Network()
            net.initializer = i
            network = net
        default:
            let hint = CommandTable.settingNames.min { CommandTable.editDistance($0, name) < CommandTable.editDistance($1, name) }
            throw CommandError("set: unknown setting '\(name)'" + (hint.map { " — did you mean \($0)?" } ?? ""))
        }
        try a.done()
        trainer?.settings = settings
        return describeSettings()
    }

    func parseSchedule(_ a: inout Arguments) throws(CommandError) -> Schedule {
        switch try a.next("constant, step, cosine or onecycle") {
        case "constant": return .constant
        case "step": return .step(every: try a.nextInt("epochs between drops"), gamma: try a.nextFloat("the factor"))
        case "cosine": return .cosine(epochs: try a.nextInt("the epochs to decay over"))
        case "onecycle": return .oneCycle(epochs: try a.nextInt("the epochs of the cycle"))
        case let w: throw CommandError("set schedule: unknown '\(w)' — constant, step EVERY GAMMA, cosine EPOCHS or onecycle EPOCHS")
        }
    }

    func describeSettings() -> String {
        let o = settings.optimizer
        var opt = o.kind.rawValue
        if o.kind == .momentum || o.kind == .nesterov { opt += " \(o.momentum)" }
        return "lr \(settings.learningRate), batch \(settings.batchSize), optimizer \(opt), weight-decay \(o.weightDecay), schedule \(settings.schedule.description), loss \(settings.loss.rawValue), seed \(seed), threads \(threads), epochs \(epochs)"
    }
}
