import DigitLabCore
import DigitLabIO
import DigitLabVision

/// `load`: a dataset (MNIST, Fashion-MNIST, IDX files, your own pictures), a saved
/// model, or a checkpoint.
enum LoadCommand: ShellCommand, Equatable {
    enum Source: Equatable { case mnist, fashion, idx(String), folder(String) }
    case dataset(Source, train: Int?, test: Int?, random: Bool)
    case model(String)
    case checkpoint(String)

    static let subset: [Argument] = [
        Argument("N", .int(1...10_000_000), keyword: "--train", optional: true, help: "training images to keep"),
        Argument("N", .int(1...10_000_000), keyword: "--test", optional: true, help: "test images to keep"),
        .flag("--random", help: "keep N chosen with the seed instead of the first N"),
    ]

    static let declaration = CommandDeclaration("load", step: .dataset,
        summary: "Load a dataset (MNIST, Fashion-MNIST, any folder of IDX files, your own pictures), a saved model, or a checkpoint.",
        forms: [
            form(["mnist"], subset, summary: "The bundled MNIST: 60,000 training and 10,000 test images of handwritten digits, 28x28. --train/--test keep the first N images (--random: N chosen with the seed).",
                 example: "load mnist --train 10000") { a in try dataset(.mnist, a) },
            form(["fashion"], subset, summary: "Fashion-MNIST (clothing, same format) from Debian's dataset-fashion-mnist package.",
                 example: "load fashion") { a in try dataset(.fashion, a) },
            form(["idx"], [Argument("DIR", .path(.readFolder), help: "a folder holding the four IDX files")] + subset,
                 summary: "Any folder of the four IDX files (gzipped or not, either spelling of the names).",
                 example: "load idx data/mnist") { a in try dataset(.idx(a.word("DIR")), a) },
            form(["folder"], [Argument("DIR", .path(.readFolder), help: "a folder with sub-folders 0–9 of pictures")] + subset,
                 summary: "Your own pictures (PNG or JPEG) in sub-folders named 0–9, or train/ and test/ each holding them; every picture goes through the digit pipeline. Pictures that cannot be used are skipped, each with one line.",
                 example: "load folder my-digits") { a in try dataset(.folder(a.word("DIR")), a) },
            form(["model"], [Argument("FILE", .path(.readFile), help: "a model saved with `save model`")],
                 summary: "A saved network, with the standardisation it was trained with (kept even when data is loaded afterwards).",
                 example: "load model models/default.safetensors") { a in .model(try a.word("FILE")) },
            form(["checkpoint"], [Argument("FILE", .path(.readFile), help: "a checkpoint saved with `save checkpoint`")],
                 summary: "A network with its whole training state (optimiser, position in the epoch, random generators, curves) and the settings and augmentation it trained with, so training goes on exactly as if it had never stopped. Load the same data first.",
                 example: "load checkpoint outputs/lenet.ckpt.safetensors") { a in .checkpoint(try a.word("FILE")) },
        ])

    static func dataset(_ source: Source, _ a: ParsedArguments) throws(CommandError) -> LoadCommand {
        .dataset(source, train: a.optionalInt("--train"), test: a.optionalInt("--test"), random: a.flag("--random"))
    }

    /// The line that loads the same thing again (for recordings).
    var line: String {
        switch self {
        case let .dataset(source, train, test, random):
            var words = ["load"]
            switch source {
            case .mnist: words.append("mnist")
            case .fashion: words.append("fashion")
            case .idx(let p): words += ["idx", Tokenizer.quoted(p)]
            case .folder(let p): words += ["folder", Tokenizer.quoted(p)]
            }
            if let train { words += ["--train", String(train)] }
            if let test { words += ["--test", String(test)] }
            if random { words.append("--random") }
            return words.joined(separator: " ")
        case .model(let p): return "load model \(Tokenizer.quoted(p))"
        case .checkpoint(let p): return "load checkpoint \(Tokenizer.quoted(p))"
        }
    }

    var replacesNetwork: Bool { fileRead != nil }

    /// The model or checkpoint file it reads (nil for data).
    var fileRead: String? {
        switch self {
        case .model(let path), .checkpoint(let path): path
        case .dataset: nil
        }
    }

    func run(_ context: inout CommandContext) throws(CommandError) -> Output {
        switch self {
        case let .dataset(source, train, test, random):
            return try loadDataset(source, train: train, test: test, random: random, &context)
        case .model(let path): return try ModelCommands.loadModel(context.resolve(path), &context)
        case .checkpoint(let path): return try Checkpoint.load(context.resolve(path), &context)
        }
    }

    private func loadDataset(_ source: Source, train: Int?, test: Int?, random: Bool,
                             _ context: inout CommandContext) throws(CommandError) -> Output {
        var loaded: Dataset
        var skipped: [String] = []
        do {
            switch source {
            case .mnist: loaded = try DatasetLoader.mnist(locator: context.session.locator)
            case .fashion: loaded = try DatasetLoader.fashion()
            case .idx(let p): loaded = try DatasetLoader.idx(folder: context.resolve(p))
            case .folder(let p):
                // The network, when there is one, helps the pipeline decide which way round
                // an unclear picture is (ink or paper).
                let classifier = context.state.model.network.flatMap { net -> DigitClassifier? in
                    net.inputShape == [1, 28, 28] && !net.isEmpty
                        ? DigitClassifier(network: net, normalization: context.state.data.normalization, classNames: context.classNames(for: net)) : nil
                }
                let reading = try DatasetLoader.readFolder(context.resolve(p), classifier: classifier)
                loaded = reading.dataset
                skipped = reading.skippedReport
            }
        } catch {
            throw CommandError(error.description)
        }
        // Quick replays (the test suite) cap every load; see `Session.quickLimit`.
        let quick = context.session.quickLimit
        let seed = context.state.settings.seed
        if let n = [train, quick?.train].compactMap({ $0 }).min() {
            loaded.train = (random ? SubsetRule.random(n, seed: seed) : .first(n)).apply(to: loaded.train)
        }
        if let n = [test, quick?.test].compactMap({ $0 }).min() {
            loaded.test = (random ? SubsetRule.random(n, seed: seed &+ 1) : .first(n)).apply(to: loaded.test)
        }
        let interrupted = context.state.epochRestartNote
        context.state.replaceData(loaded, recipe: random ? ["set seed \(seed)", line] : [line])
        var out = Output()
        // One line per picture left out (at most 20), then the count and names.
        for line in skipped.dropLast().prefix(20) { out.append(.warning(line)) }
        if skipped.count > 21 { out.append(.warning("… and \(skipped.count - 21) more")) }
        if let summary = skipped.last { out.text(summary) }
        let data = context.state.data
        if loaded.train.isEmpty {
            out.text("loaded \(loaded.name): \(Format.plural(loaded.test.count, "picture")) of yours as the test set (no training images) — `eval` or `predict test N` with a trained or loaded model")
        } else {
            out.text("loaded \(loaded.name): \(Format.count(loaded.train.count)) training and \(Format.count(loaded.test.count)) test images, \(loaded.train.rows)x\(loaded.train.columns)")
            if data.normalizationSource == .model {
                out.text("keeping the loaded model's standardisation: mean \(Format.fixed(data.normalization.mean, 4)), std \(Format.fixed(data.normalization.std, 4))")
            } else if data.scaling == .standardise {
                out.text("standardising with the training mean \(Format.fixed(data.normalization.mean, 4)) and std \(Format.fixed(data.normalization.std, 4))")
            } else {
                out.text("inputs: " + PreprocessCommand.describe(data))
            }
        }
        if let warning = ModelCommands.classMismatch(context.state) { out.append(.warning(warning)) }
        if let interrupted { out.text(interrupted) }
        return out
    }
}
