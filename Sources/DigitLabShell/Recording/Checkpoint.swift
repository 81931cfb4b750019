import DigitLabCore
import DigitLabIO
import Foundation

/// `save checkpoint FILE` / `load checkpoint FILE`: the network and everything that
/// decides what training does next — the trainer's state (optimiser moments, position in
/// the epoch, its generator), the session's generator, the standardisation, the curves,
/// the runs and the picture counters — so training goes on exactly as if it had never
/// stopped. The data is not inside: load the same data first (a recording's preamble
/// does). A safetensors file: the network's tensors as in a model file, plus JSON
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
    }

    static func save(to path: String, _ context: inout CommandContext) throws(CommandError) -> Output {
        let bytes = try encode(context.state)
        try context.write(bytes, to: path)
        return .text("saved a checkpoint to \(path): " + (context.state.model.network.map { "\(Format.plural($0.layers.count, "layer")), the training state and the generators" } ?? "the generators (no network yet)"))
    }

    static func encode(_ state: SessionState) throws(CommandError) -> [UInt8] {
        if state.model.trainer != nil {
            throw CommandError("save checkpoint: saving the trainer's state is not available yet")
        }
        let contents = Contents(rng: state.rng.stateWords, seed: state.settings.seed, normalization: state.data.normalization,
                                normalizationFromModel: state.data.normalizationSource == .model, classNames: state.model.classNames,
                                origin: state.model.origin, runName: state.model.runName, unsavedSteps: state.model.unsavedSteps,
                                trainingSeconds: state.model.trainingSeconds, counters: state.outputs.counters)
        let json: String
        do { json = String(decoding: try JSONEncoder().encode(contents), as: UTF8.self) } catch { throw CommandError("save checkpoint: \(error)") }
        var tensors = [(name: String, tensor: Safetensors.Tensor)]()
        var metadata = ["format": format, "session": json]
        if let net = state.model.network {
            let model = ModelFile.encode(net, info: ModelCommands.info(state))
            guard let decoded = try? Safetensors.decode(model, name: "model") else { throw CommandError("save checkpoint: cannot encode the network") }
            tensors = decoded.tensors.keys.sorted().map { ($0, decoded.tensors[$0]!) }
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
              let contents = try? JSONDecoder().decode(Contents.self, from: Data(json.utf8)) else {
            throw CommandError("\(path): not a DigitLab checkpoint (saved with `save checkpoint`) — for a model use `load model`")
        }
        guard let rng = SeededRNG(stateWords: contents.rng) else { throw CommandError("\(path): the generator's state is damaged") }
        var state = context.state
        if decoded.metadata["architecture"] != nil {
            let net: Network
            do { net = try ModelFile.decode(data, name: path).network } catch { throw CommandError(error.description) }
            state.replaceNetwork(net, origin: contents.origin)
        } else {
            state.replaceNetwork(nil, origin: "")
        }
        if contents.normalizationFromModel { state.data.useModelNormalization(contents.normalization) }
        state.model.classNames = contents.classNames
        state.model.runName = contents.runName
        state.model.unsavedSteps = contents.unsavedSteps
        state.model.trainingSeconds = contents.trainingSeconds
        state.outputs.counters = contents.counters
        state.settings.seed = contents.seed
        state.rng = rng
        context.state = state
        return .text("loaded the checkpoint \(path)" + (state.model.network.map { ": \(Format.plural($0.layers.count, "layer")), training state and generators" } ?? ": the generators"))
    }
}
