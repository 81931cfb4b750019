import DigitLabCore
import DigitLabIO
import Foundation

extension CommandTable {
    static let modelCommands: [Command] = [
        Command("save", step: .deployment, usage: "save model FILE.safetensors",
                summary: "Save the network as safetensors in PyTorch's nn.Sequential layout, with its architecture, normalisation, seed and training summary. The write is atomic: a crash never leaves half a file.",
                example: "save model outputs/lenet5.safetensors", words: ["model"],
                action: { s, a in try s.saveModel(a) }),
    ]
}

extension Session {
    func saveModel(_ args: Arguments) throws(CommandError) -> String {
        var a = args
        guard try a.next("model") == "model" else { throw CommandError("save: only `save model FILE` exists") }
        let path = try a.next("a file name ending in .safetensors")
        try a.done()
        let net = try requireNetwork()
        do {
            try ModelFile.save(net, info: modelInfo(), to: path, policy: .anywhere.creating(outputFolder))
        } catch {
            throw CommandError(error.description)
        }
        wrote(path)
        return "saved \(net.layers.count) layers, \(Format.count(net.parameterCount)) parameters to \(path)"
    }

    func modelInfo() -> ModelFile.Info {
        var summary = ["\"epochs\": \(trainer?.epochsCompleted ?? 0)", "\"steps\": \(trainer?.stepsTaken ?? 0)"]
        if let d = dataset { summary.append("\"dataset\": \"\(d.name)\"") }
        if let e = metrics.epochs.last {
            summary.append("\"train_accuracy\": \(Format.fixed(e.trainAccuracy, 4))")
            if let v = e.validationAccuracy { summary.append("\"validation_accuracy\": \(Format.fixed(v, 4))") }
        }
        return ModelFile.Info(normalization: normalization, seed: seed,
                              classNames: dataset?.classNames ?? (0...9).map(String.init),
                              training: "{" + summary.joined(separator: ", ") + "}")
    }

    func loadModel(_ path: String) throws(CommandError) -> String {
        let loaded: (network: Network, info: ModelFile.Info)
        do { loaded = try ModelFile.load(path) } catch { throw CommandError(error.description) }
        network = loaded.network
        normalization = loaded.info.normalization
        normalizationFromModel = true
        trainer = nil
        metrics = MetricsLog()
        return "loaded \(path): \(loaded.network.specs.map(\.description).joined(separator: " → "))\n"
            + "\(Format.count(loaded.network.parameterCount)) parameters; normalisation mean \(Format.fixed(loaded.info.normalization.mean, 4)) std \(Format.fixed(loaded.info.normalization.std, 4)); training \(loaded.info.training); DigitLab \(loaded.info.version)"
    }
}
