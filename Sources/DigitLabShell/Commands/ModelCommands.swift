import DigitLabCore
import DigitLabIO
import Foundation

/// `save model|checkpoint FILE`, and what `load model` does.
enum SaveCommand: ShellCommand, Equatable {
    case model(String)
    case checkpoint(String)

    static let declaration = CommandDeclaration("save", step: .deployment,
        summary: "Save the network (for predicting and for PyTorch) or a checkpoint (to go on training exactly).",
        forms: [
            form(["model"], [Argument("FILE", .path(.writeFile), help: "a file name ending in .safetensors")],
                 summary: "Save the network as safetensors in PyTorch's nn.Sequential layout, with its architecture, standardisation, seed and training summary. The write is atomic: a crash never leaves half a file.",
                 example: "save model outputs/lenet5.safetensors") { a in .model(try a.word("FILE")) },
            form(["checkpoint"], [Argument("FILE", .path(.writeFile), help: "a file name ending in .safetensors")],
                 summary: "Save the network with its whole training state (optimiser moments, position in the epoch, random generators and curves) and the settings and augmentation it trains with; `load checkpoint FILE` goes on exactly from there.",
                 example: "save checkpoint outputs/lenet.ckpt.safetensors") { a in .checkpoint(try a.word("FILE")) },
        ])

    func run(_ context: inout CommandContext) throws(CommandError) -> Output {
        switch self {
        case .model(let path):
            let net = try context.requireNetwork()
            let bytes = ModelFile.encode(net, info: ModelCommands.info(context.state))
            try context.write(bytes, to: path)
            context.state.model.unsavedSteps = 0
            var out = Output.text("saved \(Format.plural(net.layers.count, "layer")), \(Format.plural(net.parameterCount, "parameter")) to \(path)")
            if !path.hasSuffix(".safetensors") {
                out.append(.warning("\(path) holds safetensors, whatever its name: PyTorch reads it with safetensors.torch.load_file, not torch.load — name it .safetensors"))
            }
            return out
        case .checkpoint(let path):
            return try Checkpoint.save(to: path, &context)
        }
    }
}

enum ModelCommands {
    /// The training summary stored in a model file's metadata.
    struct TrainingSummary: Codable {
        var epochs: Int
        var steps: Int
        var dataset: String?
        var train_accuracy: Double?
        var validation_accuracy: Double?
    }

    static func info(_ state: SessionState) -> ModelFile.Info {
        let last = state.model.metrics.epochs.last
        let summary = TrainingSummary(epochs: state.model.trainer?.epochsCompleted ?? 0, steps: state.model.trainer?.stepsTaken ?? 0,
                                      dataset: state.data.dataset?.name, train_accuracy: last?.trainAccuracy,
                                      validation_accuracy: last?.validationAccuracy)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var json = (try? encoder.encode(summary)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        // A loaded model saved again untrained keeps its record: it named the data loaded
        // now, with 0 epochs (a digit network saved while the judge's set was loaded was
        // then taken for the judge).
        if let kept = state.model.loadedTraining, (state.model.trainer?.stepsTaken ?? 0) == 0 { json = kept }
        return ModelFile.Info(normalization: state.data.normalization, seed: state.settings.seed,
                              classNames: state.model.classNames ?? state.data.dataset?.classNames ?? (0...9).map(String.init),
                              training: json)
    }

    static func loadModel(_ path: String, _ context: inout CommandContext) throws(CommandError) -> Output {
        let loaded: (network: Network, info: ModelFile.Info)
        do { loaded = try ModelFile.load(path, budget: context.budget) } catch {
            // A checkpoint holds a model and more: its trainer's tensors belong to no layer.
            if Checkpoint.isCheckpoint(path) { throw CommandError("\(path) is a checkpoint (saved with `save checkpoint`) — use `load checkpoint \(Tokenizer.quoted(path))`") }
            if let bundled = bundledModel(named: path, context), !error.description.contains("did you mean") {
                throw CommandError("\(error.description) — did you mean \(bundled)?")
            }
            throw CommandError(error.description)
        }
        try MemoryCheck.network(loaded.network, context.state.settings, what: "load model")
        context.state.replaceNetwork(loaded.network, origin: ModelState.fromModelFile)
        context.state.data.useModelNormalization(loaded.info.normalization)
        context.state.model.classNames = loaded.info.classNames
        context.state.model.loadedTraining = loaded.info.training
        let net = loaded.network
        var out = Output.text("loaded \(path): \(net.specs.map(\.description).joined(separator: " → "))",
            "\(Format.plural(net.parameterCount, "parameter")); standardisation mean \(Format.fixed(loaded.info.normalization.mean, 4)), std \(Format.fixed(loaded.info.normalization.std, 4)); classes \(loaded.info.classNames.joined(separator: " ")); DigitLab \(loaded.info.version)")
        if let training = describeTraining(loaded.info.training) {
            out.text("training: \(training)")
        } else if !loaded.info.training.isEmpty, loaded.info.training != "{}" {
            out.text("training: \(loaded.info.training.prefix(200))") // not JSON: shown as it is (escaped)
        }
        if let warning = classMismatch(context.state) { out.append(.warning(warning)) }
        if loaded.info.isOneDigitJudge {
            out.append(.warning("this is the one-digit judge of `read`: its class 0 means \"one whole digit\" and 1 \"not\" (two that touch, a piece of one) — not digits; `load model models/default.safetensors` reads digits"))
        }
        return out
    }

    /// A bundled model the name may mean, when no file has that name: `load model default`
    /// or `load model model/default.safetensors` for models/default.safetensors.
    static func bundledModel(named path: String, _ context: CommandContext) -> String? {
        guard !FileManager.default.fileExists(atPath: path) else { return nil }
        let base = (path as NSString).lastPathComponent
        return [base, base + ".safetensors"].map { "models/" + $0 }.first { candidate in
            candidate != path && FileManager.default.fileExists(atPath: context.resolve(candidate))
        }
    }

    /// The stored training summary as `epochs 8, steps 7,504, …` (whatever keys it has).
    static func describeTraining(_ json: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], !object.isEmpty else { return nil }
        return object.keys.sorted().map { key -> String in
            let value = object[key].map { v -> String in
                if let d = v as? Double, d != d.rounded() { return Format.fixed(d, 4) }
                return "\(v)"
            } ?? ""
            return "\(key.replacingOccurrences(of: "_", with: " ")) \(value.prefix(60))"
        }.joined(separator: ", ")
    }

    /// A model that names other classes than the data (a digit model on Fashion-MNIST).
    static func classMismatch(_ state: SessionState) -> String? {
        guard let modelClasses = state.model.classNames, let data = state.data.dataset, modelClasses != data.classNames else { return nil }
        return "the model was trained on classes \(modelClasses.prefix(10).joined(separator: " ")), but \(data.name) has \(data.classNames.prefix(10).joined(separator: ", ")): its answers name the model's classes, not the data's"
    }
}
