import DigitLabCore
import DigitLabIO

/// What a running command sees: a copy of the session's state to change (kept only if
/// the command succeeds), the session itself for what is about the session (lessons,
/// recording, the notebook), and where it may write.
public struct CommandContext {
    public var state: SessionState
    public let session: Session
    /// Lesson lines may write only under outputs/ (unless `--allow-writes`).
    public let writePolicy: WritePolicy
    /// Where the command came from: typed, a lesson, a quiet replay.
    public let origin: Session.Origin

    /// True once Ctrl-C was pressed: long loops stop at the next safe point.
    public func interrupted() -> Bool {
        let requested = session.interruptRequested()
        if requested { session.interruptSeen = true }
        return requested
    }

    /// Lines shown while the command runs (the terminal's progress bar), if any.
    var live: (any LiveOutput)? { origin == .quietReplay ? nil : session.live }

    // MARK: What commands need, or the one line saying how to get it.

    public func requireData() throws(CommandError) -> Dataset {
        guard let d = state.data.dataset else { throw CommandError("no data loaded — start with `load mnist`") }
        return d
    }

    /// `forPictures`: the network is wanted to read the user's own pictures, where an
    /// untrained one is no use and the bundled model is the quick way.
    public func requireNetwork(forPictures: Bool = false) throws(CommandError) -> Network {
        guard let n = state.model.network, !n.isEmpty else {
            if forPictures {
                throw CommandError("no network yet — `load model models/default.safetensors` loads the bundled trained one, or train your own (`net preset lenet5`, `train epoch`)")
            }
            // `net new` makes an empty network: it needs layers, not another `net new`.
            guard state.model.network == nil else {
                throw CommandError("the network has no layers yet — `net add dense 128 relu` adds one (or `net preset mlp` makes a whole network)")
            }
            throw CommandError("no network yet — try `net preset mlp`, or `net new` then `net add dense 128 relu`")
        }
        return n
    }

    /// The network and data, checked to fit each other. No side effects: evaluating,
    /// predicting and rendering use this, so looking never changes what training does.
    public func requireCompatibleNetwork() throws(CommandError) -> (Network, Dataset) {
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

    /// A split's images by name.
    public func images(_ split: String) throws(CommandError) -> LabeledImages {
        let d = try requireData()
        switch split {
        case "test": return d.test
        case "train": return d.train
        case "validation":
            guard let v = d.validation else { throw CommandError("there is no validation set — `split validation 5000` first") }
            return v
        default: throw CommandError("unknown split '\(Sanitize.line(split))' — test, validation or train")
        }
    }

    /// A file to read: as given when it exists from the current directory, else inside
    /// the DigitLab home (lessons name bundled files such as `models/default.safetensors`).
    public func resolve(_ path: String) -> String { session.resolve(path) }

    /// Writes a file the command made, through the write policy; notes it for manifests.
    /// Only the session's own outputs/ folder is ever created.
    public mutating func write(_ bytes: [UInt8], to path: String) throws(CommandError) {
        do { try AtomicFile.write(bytes, to: path, policy: writePolicy) } catch { throw CommandError(error.description) }
        state.outputs.wrote(path)
    }

    /// Writes a file made in pieces (a notebook) without holding it whole in memory.
    public mutating func write(to path: String, produce: (_ append: ([UInt8]) throws(IOError) -> Void) throws(IOError) -> Void) throws(CommandError) {
        do { try AtomicFile.write(to: path, policy: writePolicy, produce: produce) } catch { throw CommandError(error.description) }
        state.outputs.wrote(path)
    }

    /// The one memory limit (`set memory-limit`).
    var budget: MemoryBudget { MemoryBudget(limit: state.settings.memoryLimit) }

    /// Makes a picture from a figure: its PNG bytes, written to `path` (or the next
    /// default name), as a block.
    public mutating func picture(_ png: [UInt8], width: Int, height: Int, name: String, to path: String?, caption: String = "") throws(CommandError) -> Block {
        let target = path ?? state.outputs.nextPath(name)
        try write(png, to: target)
        return .picture(Picture(png: png, width: width, height: height, path: target, caption: caption))
    }
}

import Foundation
