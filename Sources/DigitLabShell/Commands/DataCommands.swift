import DigitLabCore
import DigitLabIO

/// `data`: counts, class balance, pixel statistics, the preprocessing in force.
struct DataCommand: ShellCommand, Equatable {
    static let declaration = CommandDeclaration("data", step: .dataset,
        summary: "Counts, class balance, pixel statistics and the preprocessing in force.",
        forms: [form([], summary: "Counts, class balance, pixel statistics and the preprocessing in force.", example: "data") { _ in DataCommand() }])

    func run(_ context: inout CommandContext) throws(CommandError) -> Output {
        let d = try context.requireData()
        let state = context.state.data
        var out = Output.text("\(d.name) from \(d.source)")
        let splits: [(String, LabeledImages?)] = [("train", d.train), ("validation", d.validation), ("test", d.test)]
        out.append(.table(Table([.init("split"), .init("images", .right), .init("size")], rows: splits.map { name, set in
            guard let set else { return [name, "none", d.train.count < 2 ? "" : "(`split validation \(max(1, d.train.count / 12))` holds some training images out)"] }
            return [name, Format.count(set.count), set.isEmpty ? "" : "\(set.rows)x\(set.columns)"]
        })))
        let balanceSet = d.train.isEmpty ? d.test : d.train
        let which = d.train.isEmpty ? "test" : "train"
        let counts = balanceSet.classCounts
        let widest = max(1, counts.max() ?? 1)
        out.text("class balance (\(which)):")
        out.append(.table(Table([.init("class"), .init("images", .right), .init("share", .right), .init("")], rows: counts.enumerated().map { c, n in
            [d.classNames[c], String(n), Format.percent(Double(n) / Double(max(1, balanceSet.count)), 1),
             String(repeating: "█", count: Int((Double(n) / Double(widest) * 30).rounded()))]
        })))
        if balanceSet.isEmpty {
            out.text("no images: nothing to measure")
        } else {
            let stats = Normalization.measured(from: balanceSet)
            let zeros = balanceSet.pixels.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
            out.text("pixels (\(which), scaled to [0,1]): mean \(Format.fixed(stats.mean, 4)), std \(Format.fixed(stats.std, 4)), \(Format.percent(Double(zeros) / Double(max(1, balanceSet.pixels.count)), 1)) are blank paper")
        }
        let source = state.normalizationSource == .model ? "the loaded model's" : (d.train.isEmpty ? "none measured: no training images" : "measured on the training images")
        out.text("preprocessing in force: \(PreprocessCommand.describe(state))\(state.scaling == .standardise ? " (\(source))" : ""); augmentation \(state.augmentation.description)")
        return out
    }
}

/// `split validation N|FRACTION`.
struct SplitCommand: ShellCommand, Equatable {
    let amount: Double

    static let declaration = CommandDeclaration("split", step: .validation,
        summary: "Hold out part of the training images as a validation set.",
        forms: [form(["validation"], [Argument("N|FRACTION", .number(0...10_000_000), help: "a count, or a fraction such as 0.1")],
                     summary: "Hold out N training images (or a fraction such as 0.1) as a validation set, the same share of every class, chosen with the seed. Splitting again first puts the old validation images back.",
                     example: "split validation 5000") { a in SplitCommand(amount: try a.number("N|FRACTION")) }])

    func run(_ context: inout CommandContext) throws(CommandError) -> Output {
        let d = try context.requireData()
        let total = d.train.count + (d.validation?.count ?? 0)
        let count: Int
        if amount >= 1, amount == amount.rounded() {
            count = Int(amount)
        } else if amount > 0, amount < 1 {
            count = Int((amount * Double(total)).rounded())
        } else {
            throw CommandError("split validation: '\(Format.number(amount))' is neither a count nor a fraction between 0 and 1")
        }
        let seed = context.state.settings.seed
        let split: Dataset
        do { split = try d.splittingValidation(count: count, seed: seed) } catch { throw CommandError(error.description) }
        let interrupted = context.state.epochRestartNote
        // Images the network trained on, now held out, make its validation look better
        // than it is: said, with how many (a network trained here only; the pool of
        // images is the same, so what was not held out before was trained on).
        let seen = context.state.model.metrics.isEmpty ? 0 : Self.formerlyTraining(split.validation, heldOutBefore: d.validation)
        context.state.data.resplit(split, line: "set seed \(seed)\nsplit validation \(count)")
        context.state.model.trainer?.restartEpoch()
        var out = Output.text("validation: \(Format.count(split.validation?.count ?? 0)) images held out (same share of each class, seed \(seed)); training: \(Format.count(split.train.count))")
        if let interrupted { out.text(interrupted) }
        if seen > 0 {
            // Part of an epoch has shown the network only that share of its images.
            let epochs = context.state.model.metrics.steps.last?.epochs ?? 1
            let trained = epochs >= 1 ? "and the network has trained on them"
                : "and the network has been through \(Format.percent(epochs, epochs < 0.1 ? 1 : 0)) of an epoch, so about \(Format.count(max(1, Int((Double(seen) * epochs).rounded())))) of them were trained on"
            out.append(.warning("\(Format.count(seen)) of these validation images were training images until now, \(trained): its validation accuracy will look better than it is — `net reset` starts it afresh"))
        }
        return out
    }

    /// How many images of `validation` were not held out before (compared by their bytes).
    static func formerlyTraining(_ validation: LabeledImages?, heldOutBefore old: LabeledImages?) -> Int {
        guard let validation else { return 0 }
        guard let old, !old.isEmpty else { return validation.count }
        if validation == old { return 0 }
        let before = Set((0..<old.count).map { old.image($0) })
        return (0..<validation.count).filter { !before.contains(validation.image($0)) }.count
    }
}

/// `augment …`: random changes to training batches.
struct AugmentCommand: ShellCommand, Equatable {
    enum Change: Equatable { case show, off, set(Augmentation) }
    let change: Change

    static let declaration = CommandDeclaration("augment", step: .preprocessing,
        summary: "Randomly shift, rotate, rescale or elastically distort each training batch (seeded), so the network learns digits rather than pixel positions; thicken or thin the strokes, blur them or change their contrast, so it reads real pens and photos; draw 1s and 7s as other writers do; mix in things that are not one digit, so its certainty means something when it reads a photo or a whole number. Evaluation always uses the real images.",
        forms: [
            form([], [
                Argument("PIXELS", .number(0...14), keyword: "shift", optional: true, help: "the largest shift in pixels"),
                Argument("DEGREES", .number(0...180), keyword: "rotate", optional: true, help: "the largest rotation in degrees"),
                Argument("FRACTION", .number(0...0.9), keyword: "scale", optional: true, help: "the largest size change (0.1 = ±10%)"),
                Argument("PIXELS", .number(0...10), keyword: "elastic", optional: true, help: "elastic distortion in pixels", implied: 2),
                Argument("PIXELS", .number(0...3), keyword: "thickness", optional: true, help: "the largest change of stroke width in pixels"),
                Argument("PIXELS", .number(0...3), keyword: "blur", optional: true, help: "the largest blur (Gaussian sigma) in pixels"),
                Argument("FRACTION", .number(0...1), keyword: "contrast", optional: true, help: "the largest change of ink contrast (0.5 = ±50%)"),
                Argument("SHARE", .number(0...1), keyword: "styles", optional: true, help: "the share of 1s and 7s drawn as much of the world writes them: a 1 with a flag (and a foot), a crossed 7"),
                Argument("SHARE", .number(0...0.5), keyword: "outliers", optional: true, help: "the share of each batch replaced by things that are not one digit"),
            ], summary: "Set what changes (any of shift, rotate, scale, elastic — where the digit sits and how it is written — and thickness, blur, contrast — the pen and the photo; styles — other writers' 1s and 7s; outliers teaches it to be unsure of what is not a digit); with nothing after it, shows what is in force.",
                 example: "augment shift 2 rotate 10 scale 0.1") { a in
                let keys = ["shift", "rotate", "scale", "elastic", "thickness", "blur", "contrast", "styles", "outliers"]
                let parts = keys.map { a.optionalNumber($0).map(Float.init) }
                guard parts.contains(where: { $0 != nil }) else { return AugmentCommand(change: .show) }
                var aug = Augmentation(shift: parts[0] ?? 0, rotate: parts[1] ?? 0, scale: parts[2] ?? 0, elastic: parts[3] ?? 0)
                aug.thickness = parts[4] ?? 0
                aug.blur = parts[5] ?? 0
                aug.contrast = parts[6] ?? 0
                aug.styles = parts[7] ?? 0
                aug.outliers = parts[8] ?? 0
                return AugmentCommand(change: .set(aug))
            },
            form(["off"], summary: "Train on the images as they are.", example: "augment off") { _ in AugmentCommand(change: .off) },
        ])

    func run(_ context: inout CommandContext) throws(CommandError) -> Output {
        switch change {
        case .show: return .text("augmentation: \(context.state.data.augmentation.description)")
        case .off:
            context.state.data.augmentation = Augmentation()
            return .text("augmentation off")
        case .set(let a):
            context.state.data.augmentation = a
            return .text("augmentation: \(a.description) (training batches only; seed \(context.state.settings.seed)) — `render samples --augmented` shows a batch as the network sees it")
        }
    }
}

/// `preprocess standardise|scale|raw`: what a pixel becomes before the network sees it.
struct PreprocessCommand: ShellCommand, Equatable {
    let scaling: DataState.Scaling

    static let declaration = CommandDeclaration("preprocess", step: .preprocessing,
        summary: "Choose what a pixel becomes before the network sees it: standardised (the default), scaled to [0,1], or raw 0–255.",
        forms: [form([], [Argument("HOW", .choice(DataState.Scaling.allCases.map(\.rawValue)), help: "standardise, scale or raw")],
                     summary: "standardise: (p/255 − mean) / std with the training images' statistics, so inputs centre on 0 with spread 1 (the default). scale: p/255, in [0, 1]. raw: the bytes 0–255 as they are — try training with it and see why nobody does.",
                     example: "preprocess raw") { a in PreprocessCommand(scaling: DataState.Scaling(rawValue: try a.word("HOW")) ?? .standardise) }])

    func run(_ context: inout CommandContext) throws(CommandError) -> Output {
        let fromModel = context.state.data.normalizationSource == .model && context.state.model.network != nil
        context.state.data.rescale(scaling)
        var out = Output.text("inputs: " + Self.describe(context.state.data))
        if context.state.data.dataset == nil, scaling == .standardise { out.text("(the mean and std are measured when data is loaded)") }
        if fromModel { out.append(.warning("the loaded model was trained on other inputs; it will read these differently — a new network learns with them")) }
        return out
    }

    static func describe(_ d: DataState) -> String {
        let n = d.normalization
        switch (d.normalizationSource, d.scaling) {
        case (.model, _): return "standardised with the loaded model's mean \(Format.fixed(n.mean, 4)) and std \(Format.fixed(n.std, 4))"
        case (_, .standardise): return "standardised, (p/255 − \(Format.fixed(n.mean, 4))) / \(Format.fixed(n.std, 4))"
        case (_, .scale): return "scaled to [0, 1] (p/255), not standardised"
        case (_, .raw): return "raw pixels 0–255, neither scaled nor standardised"
        }
    }
}

/// `show SPLIT INDEX|A..B`: digits in the terminal.
struct ShowCommand: ShellCommand, Equatable {
    let split: String
    let range: ClosedRange<Int>

    static let splits = ["train", "validation", "test"]

    static let declaration = CommandDeclaration("show", step: .dataset,
        summary: "Digits in the terminal (half-block greyscale) with their labels.",
        forms: [form([], [Argument("SPLIT", .choice(splits), help: "train, validation or test"),
                          Argument("INDEX|A..B", .indexRange, help: "an image number or a range such as 0..5")],
                     summary: "Digits in the terminal (half-block greyscale) with their labels; a range shows up to 24, as many side by side as the terminal fits.",
                     example: "show train 0..5") { a in ShowCommand(split: try a.word("SPLIT"), range: try a.range("INDEX|A..B")) }])

    func run(_ context: inout CommandContext) throws(CommandError) -> Output {
        let set = try context.images(split)
        try checkIndex(range.upperBound, in: set, split: split)
        guard range.count <= 24 else { throw CommandError("show: at most 24 images at a time, asked for \(range.count)") }
        let names = try context.requireData().classNames
        return Output([.digits(range.map { Digit(pixels: Array(set.image($0)), rows: set.rows, columns: set.columns,
                                                 caption: "#\($0): \(names[Int(set.labels[$0])])") })])
    }
}

/// An image number that is within a split, or the line saying which numbers exist.
func checkIndex(_ index: Int, in set: LabeledImages, split: String) throws(CommandError) {
    guard !set.isEmpty else { throw CommandError("the \(split) split has no images") }
    guard index < set.count else {
        throw CommandError("image \(index) is out of range: the \(split) split has images 0..\(set.count - 1)")
    }
}
