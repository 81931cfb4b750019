import DigitLabCore
import DigitLabIO
import Foundation

/// `save checkpoint FILE` / `load checkpoint FILE`: the network and everything that
/// decides what training does next — the trainer's state (optimiser moments, position in
/// the epoch, its generator, the weights it falls back on), the session's generator, the
/// standardisation, the curves and the picture counters — so training goes on exactly as
/// if it had never stopped. That includes the settings training reads at every step
/// (learning rate, batch, optimiser, schedule, loss, epochs) and the augmentation, kept
/// as the `set` and `augment` lines that put them in force and run through the same
/// parser on loading. The data is not inside: load the same data first (a recording's
/// preamble does). A safetensors file: the network's tensors as in a model
/// file, the trainer's arrays as tensors named `trainer.…` and `curves.…`, and JSON
/// metadata for the rest.
enum Checkpoint {
    static let format = "digitlab-checkpoint"

    struct Contents: Codable {
        var rng: [UInt64]
        var seed: UInt64
        var normalization: Normalization
        var normalizationFromModel: Bool
        var classNames: [String]?
        var origin: String
        var runName: String?
        var unsavedSteps: Int
        var trainingSeconds: Double
        var counters: [String: Int]
        /// Where the current schedule started, in epochs (`set schedule` starts it now).
        var scheduleStart: Double
        /// The trainer's scalars; its arrays are tensors (see `TrainerTensors`).
        var trainer: TrainerTensors.Layout?
        /// `set …` and `augment …` lines (`trainingLines`); nil in checkpoints saved
        /// before they were kept.
        var training: [String]?
    }

    /// The settings training reads (`set KEY …`); seed, threads and memory are the
    /// session's and the machine's, not the run's.
    static let trainingKeys = ["lr", "batch", "optimizer", "momentum", "weight-decay", "schedule", "loss", "epochs"]

    /// The settings training reads, as the lines that put them in force.
    static func trainingLines(_ state: SessionState) -> [String] {
        let sets = state.settings.commands.filter { line in trainingKeys.contains { line.hasPrefix("set \($0) ") } }
        let a = state.data.augmentation
        return sets + [a.isIdentity ? "augment off" : "augment \(a.description)"]
    }

    /// Puts saved training lines in force on `state`, through the commands themselves
    /// (their ranges and checks); anything but those lines means a damaged file.
    static func apply(_ lines: [String], to state: inout SessionState, _ context: CommandContext, path: String) throws(CommandError) {
        var scratch = context
        scratch.state = state
        for line in lines {
            let words = line.split(separator: " ").map(String.init)
            let expected = words.first == "augment" || words.first == "set" && words.count > 1 && trainingKeys.contains(words[1])
            guard expected, let parsed = try? Parser.parse(line), ["set", "augment"].contains(parsed.declaration.name) else {
                throw CommandError("\(path): a training setting is damaged ('\(Sanitize.line(String(line.prefix(60))))')")
            }
            do { _ = try parsed.command.run(&scratch) } catch {
                throw CommandError("\(path): a training setting cannot be put in force: \(error.message)")
            }
        }
        state = scratch.state
    }

    /// Non-finite numbers (a diverged epoch's loss) are written as strings, not refused.
    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }
    static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    static func save(to path: String, _ context: inout CommandContext) throws(CommandError) -> Output {
        let bytes = try encode(context.state)
        try context.write(bytes, to: path)
        let what = context.state.model.network.map { net in
            Format.plural(net.layers.count, "layer") + (context.state.model.trainer == nil ? " (not trained yet)" : ", the training state") + " and the generators"
        } ?? "the generators (no network yet)"
        return .text("saved a checkpoint to \(path): \(what)")
    }

    static func encode(_ state: SessionState) throws(CommandError) -> [UInt8] {
        var tensors = [(name: String, tensor: Safetensors.Tensor)]()
        var layout: TrainerTensors.Layout?
        if let trainer = state.model.trainer {
            layout = TrainerTensors.append(trainer.exportState(), metrics: state.model.metrics, to: &tensors)
        }
        let contents = Contents(rng: state.rng.state, seed: state.settings.seed, normalization: state.data.normalization,
                                normalizationFromModel: state.data.normalizationSource == .model, classNames: state.model.classNames,
                                origin: state.model.origin, runName: state.model.runName, unsavedSteps: state.model.unsavedSteps,
                                trainingSeconds: state.model.trainingSeconds, counters: state.outputs.counters,
                                scheduleStart: state.settings.training.scheduleStart, trainer: layout,
                                training: trainingLines(state))
        let json: String
        do { json = String(decoding: try encoder.encode(contents), as: UTF8.self) } catch { throw CommandError("save checkpoint: \(error)") }
        var metadata = ["format": format, "session": json]
        if let net = state.model.network {
            let model = ModelFile.encode(net, info: ModelCommands.info(state))
            guard let decoded = try? Safetensors.decode(model, name: "model") else { throw CommandError("save checkpoint: cannot encode the network") }
            tensors = decoded.tensors.keys.sorted().map { ($0, decoded.tensors[$0]!) } + tensors
            metadata.merge(decoded.metadata) { a, _ in a }
        }
        return Safetensors.encode(tensors, metadata: metadata)
    }

    static func load(_ path: String, _ context: inout CommandContext) throws(CommandError) -> Output {
        let data: [UInt8]
        do { data = try ModelFile.readBytes(path) } catch { throw CommandError(error.description) }
        let decoded: (tensors: [String: Safetensors.Tensor], metadata: [String: String])
        do { decoded = try Safetensors.decode(data, name: path) } catch { throw CommandError(error.description) }
        guard decoded.metadata["format"] == format, let json = decoded.metadata["session"],
              let contents = try? decoder.decode(Contents.self, from: Data(json.utf8)) else {
            throw CommandError("\(path): not a DigitLab checkpoint (saved with `save checkpoint`) — for a model use `load model`")
        }
        guard let rng = SeededRNG(state: contents.rng) else { throw CommandError("\(path): the generator's state is damaged") }
        guard contents.scheduleStart.isFinite, contents.scheduleStart >= 0 else { throw CommandError("\(path): the schedule's start is damaged") }
        // Counters go on counting: a crafted Int.max would trap at the next picture or step.
        let limit = TrainerState.maxCount
        guard (0...limit).contains(contents.unsavedSteps), contents.counters.values.allSatisfy({ (0...limit).contains($0) }),
              contents.trainingSeconds.isFinite, contents.trainingSeconds >= 0 else {
            throw CommandError("\(path): a counter of the session is out of range — the file is damaged")
        }
        // The checks `load model` makes of the same values (class names against the
        // network's outputs below, once the network is known).
        do {
            try ModelFile.check(contents.normalization, name: path)
            if let names = contents.classNames { try ModelFile.check(classes: names, name: path) }
        } catch { throw CommandError(error.description) }
        // The network's tensors, without the trainer's, are a model file.
        let (networkTensors, trainerTensors) = TrainerTensors.split(decoded.tensors)
        var state = context.state
        if decoded.metadata["architecture"] != nil {
            let model = Safetensors.encode(networkTensors.keys.sorted().map { ($0, networkTensors[$0]!) }, metadata: decoded.metadata)
            let net: Network
            do { net = try ModelFile.decode(model, name: path).network } catch { throw CommandError(error.description) }
            if let names = contents.classNames, net.outputShape != [names.count] {
                throw CommandError("\(path): the network outputs \(net.outputShape.map(String.init).joined(separator: "x")) values but the checkpoint names \(names.count) classes — the file is damaged")
            }
            state.replaceNetwork(net, origin: contents.origin)
        } else {
            state.replaceNetwork(nil, origin: "")
        }
        // The settings it trained with, before the trainer is made from them.
        if let lines = contents.training { try apply(lines, to: &state, context, path: path) }
        if let layout = contents.trainer {
            guard let net = state.model.network else { throw CommandError("\(path): a training state without a network — the file is damaged") }
            let restored: (state: TrainerState, metrics: MetricsLog)
            do { restored = try TrainerTensors.read(layout, from: trainerTensors) } catch { throw CommandError("\(path): \(error.message)") }
            let trainer = Trainer(network: net, settings: state.settings.training, rng: rng)
            do { try trainer.restore(restored.state) } catch { throw CommandError("\(path): \(error.message)") }
            state.model.trainer = trainer
            state.model.metrics = restored.metrics
            state.model.runSettings = state.settings
            state.model.runAugmentation = state.data.augmentation.description
            state.model.runInputs = state.data.scaling.rawValue
        } else if !trainerTensors.isEmpty {
            throw CommandError("\(path): training tensors without their description — the file is damaged")
        }
        if contents.normalizationFromModel { state.data.useModelNormalization(contents.normalization) }
        state.model.classNames = contents.classNames
        state.model.runName = contents.runName
        state.model.unsavedSteps = contents.unsavedSteps
        state.model.trainingSeconds = contents.trainingSeconds
        state.outputs.counters = contents.counters
        state.settings.seed = contents.seed
        state.settings.training.scheduleStart = contents.scheduleStart
        state.rng = rng
        context.state = state
        let what = state.model.network.map { "\(Format.plural($0.layers.count, "layer"))" + (state.model.trainer == nil ? "" : ", training state") + " and generators" } ?? "the generators"
        guard contents.training != nil else {
            return .text("loaded the checkpoint \(path): \(what) (an older checkpoint: the settings and augmentation in force stay as they are)")
        }
        let t = state.settings.training
        let settings = "lr \(Format.number(t.learningRate)), batch \(t.batchSize), \(SetCommand.describe(t.optimizer)), schedule \(t.schedule.description); augmentation \(state.data.augmentation.description)"
        return .text("loaded the checkpoint \(path): \(what), and the settings it trains with (\(settings))")
    }
}
