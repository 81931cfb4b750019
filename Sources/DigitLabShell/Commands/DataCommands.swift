import DigitLabCore
import DigitLabIO
import DigitLabIO

extension CommandTable {
    static let dataCommands: [Command] = [
        Command("load", step: .dataset,
                usage: "load mnist|fashion|idx DIR|folder DIR [--train N] [--test N] [--random] | load model FILE",
                summary: "Load a dataset: the bundled MNIST, Fashion-MNIST, any folder of IDX files, or your own PNG pictures (`folder DIR`: sub-folders 0–9, or train/ and test/ each holding them; every picture goes through the digit pipeline). --train/--test keep the first N images (--random: N chosen with the seed). `load model FILE` loads a saved network instead (with its normalisation).",
                example: "load mnist --train 10000", words: ["mnist", "fashion", "idx", "folder", "model", "--train", "--test", "--random"],
                action: { s, a in try s.load(a) }),
        Command("data", step: .dataset, usage: "data",
                summary: "Counts, class balance, pixel statistics and the preprocessing in force.",
                example: "data", action: { s, a in try a.done(); return try s.describeData() }),
        Command("split", step: .validation, usage: "split validation N|FRACTION",
                summary: "Hold out N training images (or a fraction such as 0.1) as a validation set, the same share of every class, chosen with the seed.",
                example: "split validation 5000", words: ["validation"],
                action: { s, a in try s.splitValidation(a) }),
        Command("augment", step: .preprocessing,
                usage: "augment [shift PIXELS] [rotate DEGREES] [scale FRACTION] [elastic PIXELS] [thickness PIXELS] [blur PIXELS] [contrast FRACTION] | augment off",
                summary: "Randomly shift, rotate, rescale or elastically distort each training batch (seeded), so the network learns digits rather than pixel positions; thicken or thin the strokes, blur them or change their contrast, so it reads real pens and photos. Evaluation always uses the real images. With no argument, shows what is in force.",
                example: "augment shift 2 rotate 10 scale 0.1", words: ["shift", "rotate", "scale", "elastic", "thickness", "blur", "contrast", "off"],
                action: { s, a in try s.augment(a) }),
    ]
}

extension Session {
    func load(_ args: Arguments) throws(CommandError) -> String {
        var a = args
        let trainLimit = try a.option("--train").map { (w: String) throws(CommandError) -> Int in try Self.positive(w, "--train") }
        let testLimit = try a.option("--test").map { (w: String) throws(CommandError) -> Int in try Self.positive(w, "--test") }
        let random = a.flag("--random")
        let kind = try a.next("what to load (mnist, fashion or idx DIR)")
        if kind == "model" {
            let path = try a.next("a model file")
            try a.done()
            return try loadModel(resolve(path))
        }
        var loaded: Dataset
        do {
            switch kind {
            case "mnist": loaded = try DatasetLoader.mnist(locator: locator)
            case "fashion": loaded = try DatasetLoader.fashion()
            case "idx": loaded = try DatasetLoader.idx(folder: resolve(try a.next("a folder of IDX files")))
            case "folder": loaded = try DatasetLoader.folder(resolve(try a.next("a folder with sub-folders 0–9 of PNG files")))
            default: throw CommandError("load: unknown source '\(kind)' — use mnist, fashion, idx DIR, folder DIR or model FILE")
            }
        } catch let e as IOError {
            throw CommandError(e.description)
        } catch let e as CommandError {
            throw e
        } catch {
            throw CommandError("load: \(error)")
        }
        try a.done()
        // Quick replays (the test suite) cap every load; see `quickLimit`.
        let trainCap = [trainLimit, quickLimit?.train].compactMap { $0 }.min()
        let testCap = [testLimit, quickLimit?.test].compactMap { $0 }.min()
        if let n = trainCap { loaded.train = (random ? SubsetRule.random(n, seed: seed) : .first(n)).apply(to: loaded.train) }
        if let n = testCap { loaded.test = (random ? SubsetRule.random(n, seed: seed &+ 1) : .first(n)).apply(to: loaded.test) }
        dataset = loaded
        trainer?.restartEpoch()
        if loaded.train.isEmpty {
            // Only test pictures (your own digits): keep the standardisation in force.
            return "loaded \(loaded.name): \(Format.count(loaded.test.count)) of your pictures as the test set (no training images) — `eval` or `predict test N` with a trained or loaded model"
        }
        let summary = "loaded \(loaded.name): \(Format.count(loaded.train.count)) training and \(Format.count(loaded.test.count)) test images, \(loaded.train.rows)x\(loaded.train.columns)\n"
        if normalizationFromModel {
            return summary + "keeping the loaded model's standardisation: mean \(Format.fixed(normalization.mean, 4)), std \(Format.fixed(normalization.std, 4))"
        }
        normalization = Normalization.measured(from: loaded.train)
        return summary + "standardising with the training mean \(Format.fixed(normalization.mean, 4)) and std \(Format.fixed(normalization.std, 4))"
    }

    static func positive(_ w: String, _ what: String) throws(CommandError) -> Int {
        guard let n = Int(w), n > 0 else { throw CommandError("load: \(what) needs a whole number > 0, got '\(w)'") }
        return n
    }

    func describeData() throws(CommandError) -> String {
        let d = try requireData()
        var lines = ["\(d.name) from \(d.source)"]
        let splits: [(String, LabeledImages?)] = [("train", d.train), ("validation", d.validation), ("test", d.test)]
        for (name, set) in splits {
            guard let set else { lines.append("  \(Format.pad(name, 11)) none (`split validation 5000` holds some training images out)"); continue }
            lines.append("  \(Format.pad(name, 11)) \(Format.padLeft(Format.count(set.count), 7)) images \(set.rows)x\(set.columns)")
        }
        lines.append("class balance (train):")
        let counts = d.train.classCounts
        let widest = max(1, counts.max() ?? 1)
        for (c, n) in counts.enumerated() {
            let bar = String(repeating: "█", count: Int((Double(n) / Double(widest) * 30).rounded()))
            lines.append("  \(Format.pad(d.classNames[c], 11)) \(Format.padLeft(String(n), 6))  \(Format.padLeft(Format.percent(Double(n) / Double(max(1, d.train.count)), 1), 5)) \(bar)")
        }
        let stats = Normalization.measured(from: d.train)
        let zeros = d.train.pixels.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
        lines.append("pixels (train, scaled to [0,1]): mean \(Format.fixed(stats.mean, 4)), std \(Format.fixed(stats.std, 4)), \(Format.percent(Double(zeros) / Double(max(1, d.train.pixels.count)), 1)) are blank paper")
        lines.append("preprocessing in force: scale to [0,1], then standardise (x − \(Format.fixed(normalization.mean, 4))) / \(Format.fixed(normalization.std, 4)); augmentation \(augmentation.description)")
        return lines.joined(separator: "\n")
    }

    func splitValidation(_ args: Arguments) throws(CommandError) -> String {
        var a = args
        let what = try a.next("validation")
        guard what == "validation" else { throw CommandError("split: only `split validation N|FRACTION` exists, got '\(what)'") }
        let amount = try a.next("a count or a fraction")
        try a.done()
        let d = try requireData()
        let total = d.train.count + (d.validation?.count ?? 0)
        let count: Int
        if let n = Int(amount) {
            count = n
        } else if let f = Double(amount), f > 0, f < 1 {
            count = Int((f * Double(total)).rounded())
        } else {
            throw CommandError("split: '\(amount)' is neither a count nor a fraction between 0 and 1")
        }
        do {
            dataset = try d.splittingValidation(count: count, seed: seed)
        } catch {
            throw CommandError(error.description)
        }
        trainer?.restartEpoch()
        return "validation: \(Format.count(dataset!.validation!.count)) images held out (same share of each class, seed \(seed)); training: \(Format.count(dataset!.train.count))"
    }
}

extension Session {
    func augment(_ args: Arguments) throws(CommandError) -> String {
        var a = args
        if a.isEmpty { return "augmentation: \(augmentation.description)" }
        var next = Augmentation()
        while let word = a.first {
            _ = try a.next(word)
            switch word {
            case "off": try a.done(); augmentation = Augmentation(); return "augmentation off"
            case "shift": next.shift = try nonNegative(&a, "shift", "the largest shift in pixels", max: 14)
            case "rotate": next.rotate = try nonNegative(&a, "rotate", "the largest rotation in degrees", max: 180)
            case "scale": next.scale = try nonNegative(&a, "scale", "the largest size change (0.1 = ±10%)", max: 0.9)
            case "elastic":
                // The strength is optional: Simard's distortions look right at about 2 px on MNIST.
                if let w = a.first, Float(w) != nil { next.elastic = try nonNegative(&a, "elastic", "the distortion in pixels", max: 10) } else { next.elastic = 2 }
            case "thickness": next.thickness = try nonNegative(&a, "thickness", "the largest change of stroke width in pixels", max: 3)
            case "blur": next.blur = try nonNegative(&a, "blur", "the largest blur (Gaussian sigma) in pixels", max: 3)
            case "contrast": next.contrast = try nonNegative(&a, "contrast", "the largest change of ink contrast (0.5 = ±50%)", max: 1)
            default: throw CommandError("augment: unknown '\(word)' — shift, rotate, scale, elastic, thickness, blur, contrast or off")
            }
        }
        augmentation = next
        return "augmentation: \(augmentation.description) (training batches only; seed \(seed))"
    }

    private func nonNegative(_ a: inout Arguments, _ name: String, _ what: String, max limit: Float) throws(CommandError) -> Float {
        let v = try a.nextFloat(what)
        guard v >= 0, v <= limit else { throw CommandError("augment \(name): must be between 0 and \(limit), got \(v)") }
        return v
    }
}
