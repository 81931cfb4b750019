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
        /// `set …`, `preprocess …` and `augment …` lines (`trainingLines`); nil in
        /// checkpoints saved before they were kept.
        var training: SettingLines?
    }

    /// Lines of text, or the note that the field was there but not lines (a damaged file
    /// is still a checkpoint, and is told so).
    struct SettingLines: Codable {
        var lines: [String]?
        init(_ lines: [String]) { self.lines = lines }
        init(from decoder: any Decoder) throws { lines = try? decoder.singleValueContainer().decode([String].self) }
        func encode(to encoder: any Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(lines) }
    }

    /// The settings training reads (`set KEY …`); seed, threads, memory and `init` are the
    /// session's, the machine's or the next network's, not this run's.
    static let trainingKeys = ["lr", "batch", "optimizer", "momentum", "weight-decay", "schedule", "loss", "epochs"]

    /// The settings training reads, the inputs and the augmentation, as the lines that
    /// put them in force.
    static func trainingLines(_ state: SessionState) -> [String] {
        let sets = state.settings.commands.filter { line in trainingKeys.contains { line.hasPrefix("set \($0) ") } }
        let a = state.data.augmentation
        return sets + ["preprocess \(state.data.scaling.rawValue)", a.isIdentity ? "augment off" : "augment \(a.description)"]
    }

    /// Puts saved training lines in force on `state`, through the commands themselves
    /// (their ranges and checks); anything but those lines means a damaged file. The
    /// network's memory is checked once, against all of them: one line at a time, a
    /// batch size could be refused for an optimiser the next line replaces.
    static func apply(_ saved: SettingLines, to state: inout SessionState, _ context: CommandContext, path: String) throws(CommandError) {
        guard let lines = saved.lines, lines.count <= 4 * (trainingKeys.count + 2) else {
            throw CommandError("\(path): the training settings are damaged — the file is not as `save checkpoint` wrote it")
        }
        var scratch = context
        scratch.state = state
        scratch.state.model = ModelState(network: nil, origin: "")
        let keys = trainingKeys + ["preprocess", "augment"]
        for line in lines {
            let setting = setting(of: line)
            // The inputs already as saved: `preprocess` would measure the standardisation
            // again, on the training images as split now, not as when it was measured.
            if setting.key == "preprocess", setting.value == scratch.state.data.scaling.rawValue { continue }
            guard keys.contains(setting.key), let parsed = try? Parser.parse(line), ["set", "augment", "preprocess"].contains(parsed.declaration.name) else {
                throw CommandError("\(path): a training setting is damaged ('\(Sanitize.line(String(line.prefix(60))))')")
            }
            do { _ = try parsed.command.run(&scratch) } catch {
                throw CommandError("\(path): a training setting cannot be put in force: \(error.message)")
            }
        }
        // `save checkpoint` writes every one of them: a file that leaves one out would
        // resume with the session's own, unnoticed.
        guard Set(lines.map { setting(of: $0).key }) == Set(keys) else {
            throw CommandError("\(path): the training settings are damaged — some are missing")
        }
        if let net = state.model.network {
            do { try MemoryCheck.network(net, scratch.state.settings, what: "load checkpoint") } catch {
                throw CommandError("\(path): \(error.message)")
            }
        }
        state.settings = scratch.state.settings
        state.data = scratch.state.data
    }

    /// The setting a saved line puts in force, and its value: ("lr", "0.1") for
    /// `set lr 0.1`, ("augment", "shift 2.0") for `augment shift 2.0`.
    static func setting(of line: String) -> (key: String, value: String) {
        let set = line.hasPrefix("set ")
        let words = line.split(separator: " ", maxSplits: set ? 2 : 1).map(String.init)
        let k = set ? 1 : 0
        return (words.count > k ? words[k] : "", words.count > k + 1 ? words[k + 1] : "")
    }

    /// What loading changed of the settings training reads: "lr 0.01 → 0.002, loss mse →
    /// crossentropy", or nil when they were all in force already.
    static func changes(from before: [String], to after: [String]) -> String? {
        let old = Dictionary(before.map(setting), uniquingKeysWith: { a, _ in a })
        let names = ["augment": "augmentation", "preprocess": "inputs"]
        let changed = after.map(setting).filter { old[$0.key] != $0.value }
            .map { "\(names[$0.key] ?? $0.key) \(old[$0.key] ?? "?") → \($0.value)" }
        return changed.isEmpty ? nil : changed.joined(separator: ", ")
    }

    /// Whether the file's first bytes name it a checkpoint (`load model`'s message; a
    /// recording replaces only a checkpoint at its checkpoint's name).
    static func isCheckpoint(_ path: String) -> Bool {
        let head = FileHandle(forReadingAtPath: path).flatMap { try? $0.read(upToCount: 1 << 16) } ?? Data()
        return String(decoding: head, as: UTF8.self).contains("\"\(format)\"")
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
        // Saved: `quit` no longer warns that the training would be lost, and neither does
        // a session that loads this file.
        var saved = context.state
        saved.model.unsavedSteps = 0
        try context.write(try encode(saved), to: path)
        context.state.model.unsavedSteps = 0
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
                                training: SettingLines(trainingLines(state)))
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

    /// Which field of the session record failed to decode, in a few words. `parses`: the
    /// record is JSON (Foundation reports a number out of range, such as a seed of -1, as
    /// JSON that is not valid, without saying where).
    static func damagedField(_ error: Error, parses: Bool) -> String {
        func path(_ keys: [CodingKey]) -> String {
            let p = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return p.isEmpty ? "the record" : "'\(Sanitize.line(String(p.prefix(60))))'"
        }
        switch error as? DecodingError {
        case .typeMismatch(_, let c)?, .valueNotFound(_, let c)?: return "\(path(c.codingPath)) has the wrong kind of value"
        case .keyNotFound(let key, let c)?: return "\(path(c.codingPath + [key])) is missing"
        case .dataCorrupted(let c)?:
            if !c.codingPath.isEmpty { return "\(path(c.codingPath)) is out of range" }
            return parses ? "a number in its session record is out of range" : "its session record is not JSON"
        default: return "its session record does not parse"
        }
    }

    static func load(_ path: String, _ context: inout CommandContext) throws(CommandError) -> Output {
        let data: [UInt8]
        do { data = try ModelFile.readBytes(path) } catch { throw CommandError(error.description) }
        let decoded: (tensors: [String: Safetensors.Tensor], metadata: [String: String])
        do { decoded = try Safetensors.decode(data, name: path) } catch { throw CommandError(error.description) }
        guard decoded.metadata["format"] == format, let json = decoded.metadata["session"] else {
            throw CommandError("\(path): not a DigitLab checkpoint (saved with `save checkpoint`) — for a model use `load model`")
        }
        let contents: Contents
        do { contents = try decoder.decode(Contents.self, from: Data(json.utf8)) } catch {
            // A checkpoint whose session record does not parse was damaged (or hand-edited):
            // name the field, as the other checks do.
            let parses = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil
            throw CommandError("\(path): the checkpoint is damaged (\(Self.damagedField(error, parses: parses))) — save it again with `save checkpoint`")
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
        let settingsBefore = trainingLines(state)
        if let saved = contents.training { try apply(saved, to: &state, context, path: path) }
        var savedEpochSize = 0
        if let layout = contents.trainer {
            guard let net = state.model.network else { throw CommandError("\(path): a training state without a network — the file is damaged") }
            let restored: (state: TrainerState, metrics: MetricsLog)
            do { restored = try TrainerTensors.read(layout, from: trainerTensors) } catch { throw CommandError("\(path): \(error.message)") }
            let trainer = Trainer(network: net, settings: state.settings.training, rng: rng)
            do { try trainer.restore(restored.state) } catch {
                // With its own settings in force, a mismatch is the file's, not the session's:
                // no advice to set anything.
                guard contents.training != nil else { throw CommandError("\(path): \(error.message)") }
                let what = error.message.components(separatedBy: " — ").first ?? error.message
                throw CommandError("\(path): \(what), against the file's own settings — the file is damaged")
            }
            state.model.trainer = trainer
            state.model.metrics = restored.metrics
            savedEpochSize = restored.state.order.count
        } else if !trainerTensors.isEmpty {
            throw CommandError("\(path): training tensors without their description — the file is damaged")
        }
        if contents.normalizationFromModel {
            state.data.useModelNormalization(contents.normalization)
        } else if contents.training != nil, state.data.scaling == .standardise {
            // The standardisation the network trained with, as measured then (before a
            // split, say), not as this session's images would measure it now.
            state.data.normalization = contents.normalization
        }
        state.model.classNames = contents.classNames
        state.model.runName = contents.runName
        state.model.unsavedSteps = contents.unsavedSteps
        state.model.trainingSeconds = contents.trainingSeconds
        state.outputs.counters = contents.counters
        state.settings.seed = contents.seed
        state.settings.training.scheduleStart = contents.scheduleStart
        state.rng = rng
        if state.model.trainer != nil {
            // The run goes on: what it was started with is what the checkpoint brought.
            state.model.runSettings = state.settings
            state.model.runAugmentation = state.data.augmentation.description
            state.model.runInputs = state.data.scaling.rawValue
        }
        context.state = state
        let what = state.model.network.map { "\(Format.plural($0.layers.count, "layer"))" + (state.model.trainer == nil ? "" : ", training state") + " and generators" } ?? "the generators"
        var out = Output.text("loaded the checkpoint \(path): \(what)")
        if contents.training == nil {
            out.text("an older checkpoint: the settings, inputs and augmentation in force stay as they are — set them as they were for the same numbers")
        } else if let changed = changes(from: settingsBefore, to: trainingLines(state)) {
            out.text("settings it trains with, now in force: \(changed)")
        }
        // The saved epoch's order covers the training set it was saved with.
        if state.data.dataset == nil, savedEpochSize > 0 {
            out.append(.warning("no data is loaded: loading it now starts the epoch again — for the same numbers, load the same data first, then this checkpoint"))
        }
        if let images = state.data.dataset?.train.count, savedEpochSize > 0, savedEpochSize != images {
            out.append(.warning("the checkpoint was trained on \(Format.count(savedEpochSize)) training images and this session has \(Format.count(images)): the next batch starts a new epoch — load the same data (and `split validation`) first for the same numbers"))
        }
        return out
    }
}
