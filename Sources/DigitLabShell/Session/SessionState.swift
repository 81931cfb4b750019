import DigitLabCore
import DigitLabIO
import Foundation

/// Everything a learner has built, as one value in a few parts, each with its own rules:
/// the data and how it is prepared, the network with its trainer and curves, the
/// settings, the pictures and files written, and the finished runs. A command works on
/// a copy (`CommandContext.state`); the session keeps the copy only when the command
/// succeeds, so a failed command leaves the session as it was.
///
/// Rules that span parts live here, in one place:
/// - a new network drops the trainer and its curves, and files the finished run;
/// - new data restarts the epoch (the trainer's order is over the old images);
/// - a new network learns with the data's standardisation, not a model file's.
public struct SessionState {
    public var data = DataState()
    public internal(set) var model = ModelState()
    public var settings = Settings()
    /// Every random choice of the session (initial weights, the trainer's seed) draws
    /// from here; `set seed` starts it again.
    public var rng = SeededRNG(seed: 0)
    public var outputs = OutputState()
    public internal(set) var runs = RunLog()
    /// The last drawing kept by `draw`, as a 28x28 test-like image (`predict drawing`).
    public var drawing: [UInt8]?
    /// The same drawing as a picture (`draw save FILE.png`).
    public var drawingPNG: [UInt8]?

    public init() {}

    /// Puts a network in place (nil: none), dropping the old trainer and curves.
    /// `keepingWeights`: the new network carries the old one's trained layers (`net add`,
    /// `net pop`), so training not yet saved is still not saved.
    mutating func replaceNetwork(_ network: Network?, origin: String, keepingWeights: Bool = false) {
        runs.file(model.finishedRun(settings: settings, data: data))
        let unsaved = model.unsavedSteps
        model = ModelState(network: network, origin: origin)
        if keepingWeights { model.unsavedSteps = unsaved }
        if network != nil, data.normalizationSource == .model, origin != ModelState.fromModelFile {
            data.useDataNormalization()
        }
    }

    /// Part way through an epoch, new data (or a new split) starts the epoch again: said,
    /// since a resumed checkpoint's run then no longer follows the straight one.
    var epochRestartNote: String? {
        guard let t = model.trainer, t.positionInEpoch > 0 else { return nil }
        return "the next batch starts epoch \(t.epochsCompleted + 1) again with these images (it was \(Format.count(t.positionInEpoch)) images in)"
    }

    /// Puts new data in place; the next batch starts a fresh epoch.
    mutating func replaceData(_ dataset: Dataset, recipe: [String]) {
        data.replace(dataset, recipe: recipe)
        model.trainer?.restartEpoch()
    }

    /// Changes the seed: the generator starts again from it.
    mutating func reseed(_ seed: UInt64) {
        settings.seed = seed
        rng = SeededRNG(seed: seed)
    }
}

/// The data and its preparation.
public struct DataState {
    public enum NormalizationSource: String, Sendable { case data, model }

    /// What a pixel becomes before the network sees it (`preprocess`).
    public enum Scaling: String, CaseIterable, Sendable {
        /// (p/255 − mean) / std, with the training images' mean and std: the usual.
        case standardise
        /// p/255, in [0, 1].
        case scale
        /// p itself, 0 … 255.
        case raw
    }

    public private(set) var dataset: Dataset?
    /// Scale to [0,1], then standardise with these (measured on the training images, or
    /// a loaded model's own).
    public internal(set) var normalization: Normalization = .scaleOnly
    public internal(set) var normalizationSource = NormalizationSource.data
    public var augmentation = Augmentation()
    public private(set) var scaling = Scaling.standardise
    /// The command lines that made the dataset, each after the `set seed` it used: a
    /// recording started later begins with them.
    public private(set) var recipe: [String] = []

    mutating func replace(_ d: Dataset, recipe lines: [String]) {
        dataset = d
        recipe = lines
        // Only test pictures (your own digits, no training images): keep what is in force.
        if normalizationSource == .data, !d.train.isEmpty { normalization = Self.normalization(scaling, d.train) }
    }

    /// `preprocess`: how pixels are scaled from now on (the data's own statistics).
    mutating func rescale(_ s: Scaling) {
        scaling = s
        normalizationSource = .data
        if let d = dataset, !d.train.isEmpty { normalization = Self.normalization(s, d.train) } else if s != .standardise {
            normalization = Self.normalization(s, LabeledImages(pixels: [], labels: [], rows: 28, columns: 28))
        }
    }

    /// The normalisation that gives `scaling` (batches compute (p/255 − mean) / std).
    static func normalization(_ scaling: Scaling, _ train: LabeledImages) -> Normalization {
        switch scaling {
        case .standardise: return Normalization.measured(from: train)
        case .scale: return .scaleOnly
        case .raw: return Normalization(mean: 0, std: 1.0 / 255)
        }
    }

    /// A split changed the splits but not where the images came from.
    mutating func resplit(_ d: Dataset, line: String) {
        dataset = d
        recipe.append(line)
    }

    mutating func useModelNormalization(_ n: Normalization) {
        normalization = n
        normalizationSource = .model
    }

    mutating func useDataNormalization() {
        normalizationSource = .data
        if let d = dataset, !d.train.isEmpty { normalization = Self.normalization(scaling, d.train) }
    }
}

/// The network, the trainer that trains it (made at the first training step) and what
/// training measured.
public struct ModelState {
    static let fromModelFile = "model file"

    public private(set) var network: Network?
    public internal(set) var trainer: Trainer?
    public internal(set) var metrics = MetricsLog()
    /// Where the network came from ("preset lenet5", "model file", "built").
    public private(set) var origin = ""
    /// Steps trained since the network was made, loaded or last saved: `quit` asks
    /// before losing them.
    public internal(set) var unsavedSteps = 0
    /// The name `run name` gave the current run (else an automatic one).
    public internal(set) var runName: String?
    /// Seconds spent training the current network.
    public internal(set) var trainingSeconds = 0.0
    /// The settings in force when the current network first trained (for `runs`).
    public internal(set) var runSettings: Settings?
    public internal(set) var runAugmentation: String?
    public internal(set) var runInputs: String?
    /// The class names of a loaded model (nil: built here, named by the data).
    public internal(set) var classNames: [String]?
    /// A loaded model's own training record: saved again as it was while the network has
    /// not trained here (the data loaded now did not make it).
    public internal(set) var loadedTraining: String?

    init() {}

    init(network: Network?, origin: String) {
        self.network = network
        self.origin = origin
    }

    /// The run that ends when this network is replaced, if it trained at all.
    func finishedRun(settings: Settings, data: DataState) -> Run? {
        guard !metrics.isEmpty, let net = network else { return nil }
        return Run(name: runName, network: net.specs.map(\.description).joined(separator: " "),
                   settings: runSettings ?? settings, augmentation: runAugmentation ?? data.augmentation.description,
                   inputs: runInputs ?? data.scaling.rawValue, metrics: metrics, seconds: trainingSeconds)
    }
}

/// The files the session wrote and the names pictures get.
public struct OutputState {
    /// Where pictures go when no `to FILE` is given (created when first needed).
    public var folder = "outputs"
    /// Files written, in order (for `run --write-manifest`).
    public private(set) var artifacts: [String] = []
    /// How many pictures of each default name this session made: the second
    /// `render confusion` writes confusion-test-2.png, so no picture overwrites another.
    public internal(set) var counters: [String: Int] = [:]

    /// `outputs/confusion-test.png`, then `outputs/confusion-test-2.png`, … A name taken
    /// by a folder is passed over: the name was chosen for the user, who could do nothing
    /// with "give a file name inside it".
    mutating func nextPath(_ name: String, extension ext: String = "png") -> String {
        var n = counters[name] ?? 0
        var path: String
        repeat {
            n += 1
            path = "\(folder)/\(name)\(n == 1 ? "" : "-\(n)").\(ext)"
        } while Self.isFolder(path)
        counters[name] = n
        return path
    }

    mutating func wrote(_ path: String) {
        if !artifacts.contains(path) { artifacts.append(path) }
    }

    static func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }

    /// The name of a figure drawn from a picture: `stages-seven` for my-photos/seven.jpg.
    /// The picture's name is the user's and may hold anything a file name can: a control
    /// character (an escape sequence would then sit in every `ls` and tab completion) or a
    /// space becomes '-', and the name keeps at most 100 bytes (with the kind and a
    /// counter, a name at the file system's 255-byte limit would not fit).
    static func figureName(_ kind: String, of path: String) -> String {
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        var name = ""
        for c in stem {
            let keep = c.isLetter || c.isNumber || "-_.+".contains(c)
            guard keep || name.last != "-" else { continue }
            let piece = keep ? String(c) : "-"
            guard name.utf8.count + piece.utf8.count <= 100 else { break }
            name += piece
        }
        // No hidden file (".hidden.png"), no name of dashes alone.
        let trimmed = name.drop { $0 == "." || $0 == "-" }
        return kind + "-" + (trimmed.isEmpty ? "picture" : trimmed)
    }
}
