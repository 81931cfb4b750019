import DigitLabCore
import DigitLabIO
import DigitLabViz

/// `render …`: a picture, as PNG bytes in the output and a file under outputs/ (or `to
/// FILE`). Default names never overwrite within a session: the second `render confusion`
/// writes confusion-test-2.png.
struct RenderCommand: ShellCommand, Equatable {
    enum Kind: Equatable {
        case samples(split: String, count: Int, augmented: Bool)
        case filters(layer: Int)
        case activations(layer: Int, image: ImageRef)
        case confusion(split: String)
        case misclassified(count: Int, split: String)
        case curves
        case probabilities(ImageRef)
        case saliency(ImageRef)
        case embedding(split: String, tsne: Bool)
        case trace(ImageRef)
        case compare([String])
    }
    let kind: Kind
    let target: String?

    static let to = Argument("FILE", .path(.writeFile), keyword: "to", optional: true, help: "where to write the PNG")
    static let split = Argument("SPLIT", .choice(ShowCommand.splits), optional: true, help: "train, validation or test")
    static let image = Argument("INDEX", .image, help: "a test image number, or `drawing`")
    static let layer = Argument("LAYER", .int(0...10_000), help: "a layer number as `net summary` shows it")

    static func renderForm(_ word: String, _ args: [Argument], _ summary: String, _ example: String,
                     _ make: @escaping @Sendable (ParsedArguments) throws -> Kind) -> Form {
        form([word], args + [to], summary: summary, example: example) { a in RenderCommand(kind: try make(a), target: a.optionalWord("to")) }
    }

    static let declaration = CommandDeclaration("render", step: .postprocessing,
        summary: "Draw a picture: shown in the terminal when it can, written as a PNG under outputs/ (or `to FILE`), its path printed.",
        forms: [
            renderForm("samples", [split, Argument("N", .int(1...100), optional: true, help: "how many (20; at most 12 with --augmented)"),
                             .flag("--augmented", help: "as the network sees them under `augment`")],
                 "Training images with their labels (train split unless named); --augmented draws them as the network sees them under the current `augment`.",
                 "render samples --augmented") { a in .samples(split: a.optionalWord("SPLIT") ?? "train", count: a.int("N", default: 20), augmented: a.flag("--augmented")) },
            renderForm("filters", [layer], "Every kernel of a conv layer, or each unit's 784 weights of a first dense layer as a 28x28 tile, in a diverging map centred on zero.",
                 "render filters 0") { a in .filters(layer: try a.int("LAYER")) },
            renderForm("activations", [layer, image], "What a layer outputs for one test image (its feature maps).",
                 "render activations 1 0") { a in .activations(layer: try a.int("LAYER"), image: try a.image("INDEX")) },
            renderForm("confusion", [split], "The confusion matrix (rows true, columns predicted, counts in the cells) on a split (test unless named).",
                 "render confusion") { a in .confusion(split: a.optionalWord("SPLIT") ?? "test") },
            renderForm("misclassified", [Argument("N", .int(1...64), optional: true, help: "how many (24)"), split],
                 "The N most confident mistakes, with true and predicted labels and the confidence.",
                 "render misclassified 24") { a in .misclassified(count: a.int("N", default: 24), split: a.optionalWord("SPLIT") ?? "test") },
            renderForm("curves", [], "Loss and accuracy per step and per epoch, training against validation.",
                 "render curves") { _ in .curves },
            renderForm("probabilities", [image], "One image and the network's ten probabilities as bars.",
                 "render probabilities 8") { a in .probabilities(try a.image("INDEX")) },
            renderForm("saliency", [image], "How the score of the answer depends on each input pixel (the gradient), over the digit.",
                 "render saliency 8") { a in .saliency(try a.image("INDEX")) },
            renderForm("embedding", [split, .flag("--tsne", help: "t-SNE beside PCA")],
                 "The inputs of the last dense layer, projected to 2-D and coloured by class: PCA of up to 5,000 images, and with --tsne a t-SNE of 2,000 beside it (seeded; Ctrl-C stops it).",
                 "render embedding --tsne") { a in .embedding(split: a.optionalWord("SPLIT") ?? "test", tsne: a.flag("--tsne")) },
            renderForm("trace", [image], "One prediction layer by layer: the input, each conv filter beside its map before and after the activation, the pooled maps, the flattened vector, the dense layers and the softmax bars — with one number worked out (a 5x5 patch × the kernel + bias = the value in the map).",
                 "render trace 0") { a in .trace(try a.image("INDEX")) },
            renderForm("compare", [Argument("NAMES", .words, optional: true, help: "runs to compare (all by default)")],
                 "The loss and accuracy curves of several runs overlaid, with the settings that differ in the legend (`runs` lists them; `run name NAME` names the current one).",
                 "render compare") { a in .compare(a.words("NAMES")) },
        ])

    func run(_ context: inout CommandContext) throws(CommandError) -> Output {
        if let target, !target.lowercased().hasSuffix(".png") {
            throw CommandError("render: pictures are PNG — name the file .png, got '\(Sanitize.line(target))'")
        }
        let (canvas, name, caption) = try draw(&context)
        let png: [UInt8]
        do { png = try canvas.png() } catch { throw CommandError(error.description) }
        return Output([try context.picture(png, width: canvas.width, height: canvas.height, name: name, to: target, caption: caption)])
    }

    /// The figure, its default file name and a caption.
    private func draw(_ context: inout CommandContext) throws(CommandError) -> (Canvas, String, String) {
        let normalization = context.state.data.normalization
        switch kind {
        case let .samples(split, n, augmented):
            let set = try context.images(split), data = try context.requireData()
            let shown = min(n, set.count)
            guard shown > 0 else { throw CommandError("render samples: the \(split) split has no images") }
            if augmented {
                let a = context.state.data.augmentation
                guard !a.isIdentity else { throw CommandError("render samples --augmented: augmentation is off — `augment shift 2 rotate 10` first") }
                let count = min(shown, 12)
                let variants = Self.augmented(set.subset(Array(0..<count)), a, normalization, copies: 3, seed: context.state.settings.seed)
                let images = (0..<count).map { i in (original: set.image(i), variants: variants[i].map(\.pixels), caption: "#\(i): \(data.classNames[Int(set.labels[i])])") }
                return (SamplesFigure.augmented(title: "\(data.name): \(split) samples as training sees them", augmentation: a, images: images,
                                                notADigit: variants.map { $0.map(\.notADigit) }),
                        "samples-\(split)-augmented", n > count ? "augmented samples: the first \(count) of the \(n) asked — --augmented draws at most 12, three times each" : "augmented samples")
            }
            let images = (0..<shown).map { i in (set.image(i), "#\(i): \(data.classNames[Int(set.labels[i])])") }
            return (SamplesFigure.draw(title: "\(data.name): \(split) samples", subtitle: "the first \(shown) of \(Format.count(set.count)) images, with their labels", images: images),
                    "samples-\(split)", "samples")
        case .filters(let index):
            let layer = try layerAt(index, context)
            if let conv = layer as? Conv2D {
                let w = conv.weight
                return (FiltersFigure.conv(title: "Filters of layer \(index): \(conv.spec.description)", weights: w.value,
                                           filters: w.shape[0], channels: w.shape[1], kernel: w.shape[2]), "filters-layer\(index)", "filters")
            }
            if let dense = layer as? Dense, dense.inputShape[0] == 784 {
                return (FiltersFigure.dense(title: "Weights of layer \(index): \(dense.spec.description)",
                                            weights: dense.weight.value, units: dense.outputShape[0]), "filters-layer\(index)", "weights")
            }
            throw CommandError("render filters: layer \(index) (\(layer.spec.description)) has no filters to draw — pick a conv layer or a dense layer on the 784 pixels")
        case let .activations(index, ref):
            let layer = try layerAt(index, context)
            let (images, caption, _) = try context.testImage(ref)
            let net = try context.requireNetwork()
            let out = net.activations(normalization.batch(images, indices: [0]).x, layer: index)
            let names = context.classNames(for: net)
            let isOutput = index >= net.logitLayerCount - 1 && layer.outputShape == [names.count]
            return (ActivationsFigure.draw(title: "Layer \(index) (\(layer.spec.description)) on \(caption)",
                                           input: images.image(0), values: out.data, shape: layer.outputShape,
                                           signed: net.outputIsSigned(layer: index), labels: isOutput ? names : nil),
                    "activations-layer\(index)-\(Self.slug(ref))", "activations")
        case .confusion(let split):
            let e = try evaluation(split, context)
            return (ConfusionFigure.draw(e.confusion, classNames: try context.requireData().classNames, split: split), "confusion-\(split)", "confusion matrix")
        case let .misclassified(n, split):
            let set = try context.images(split), e = try evaluation(split, context), names = try context.requireData().classNames
            let wrong = (0..<e.count).filter { Int(e.predictions[$0]) != Int(set.labels[$0]) }
            let worst = wrong.sorted { e.confidence($0) != e.confidence($1) ? e.confidence($0) > e.confidence($1) : $0 < $1 }.prefix(n)
            let mistakes = worst.map { i in
                MisclassifiedFigure.Mistake(pixels: set.image(i), index: i, truth: names[Int(set.labels[i])],
                                            predicted: names[Int(e.predictions[i])], confidence: e.confidence(i))
            }
            return (MisclassifiedFigure.draw(mistakes, split: split, total: wrong.count), "misclassified-\(split)", "mistakes")
        case .curves:
            guard !context.state.model.metrics.isEmpty else { throw CommandError("render curves: nothing trained yet — `train epoch` first") }
            return (CurvesFigure.draw(context.state.model.metrics), "curves", "training curves")
        case .probabilities(let ref):
            let (net, images, caption, label, names) = try prepared(ref, context)
            let p = net.probabilities(normalization.batch(images, indices: [0]).x).data
            return (ProbabilitiesFigure.draw(pixels: images.image(0), probabilities: p, truth: label ?? -1, classNames: names, caption: caption),
                    "probabilities-\(Self.slug(ref))", "probabilities")
        case .saliency(let ref):
            let (net, images, caption, label, names) = try prepared(ref, context)
            let x = normalization.batch(images, indices: [0]).x
            let answer = classesByProbability(net.probabilities(x).data).first ?? 0
            return (SaliencyFigure.draw(input: images.image(0), gradient: net.inputGradient(x, class: answer), className: names[answer],
                                        caption: caption + (label.map { ", label \(names[$0])" } ?? "")),
                    "saliency-\(Self.slug(ref))", "saliency")
        case let .embedding(split, tsne):
            let set = try context.images(split)
            let (net, data) = try context.requireCompatibleNetwork()
            guard let last = net.lastDenseLayer, last > 0 else {
                throw CommandError("render embedding: needs a network with a layer before its last dense layer")
            }
            guard set.count >= 2 else { throw CommandError("render embedding: needs at least 2 \(split) images, there are \(set.count)") }
            let count = min(set.count, 5000) // enough points to see the clusters
            let d = net.layers[last].inputShape.reduce(1, *)
            var rows = [Float](); rows.reserveCapacity(count * d)
            var start = 0
            while start < count {
                if context.interrupted() { throw CommandError("render embedding: interrupted") }
                let end = min(count, start + 500)
                rows += net.activations(normalization.batch(set, indices: start..<end).x, layer: last - 1).data
                start = end
            }
            guard let (points, explained) = PCA.project(rows, count: count, dimension: d, shouldStop: context.interrupted) else {
                throw CommandError("render embedding: interrupted")
            }
            let pca = zip(points, set.labels.prefix(count)).map { EmbeddingFigure.Point($0.0, $0.1, Int($1)) }
            let subtitle = "\(Format.count(count)) \(split) images; the \(d) inputs of layer \(last) (\(net.layers[last].spec.description))"
            guard tsne else {
                return (EmbeddingFigure.draw(points: pca, explained: explained, classNames: data.classNames, subtitle: subtitle), "embedding-\(split)", "embedding")
            }
            // t-SNE costs about 3 ms a point here: 2,000 points, seeded, stopped by Ctrl-C.
            let n = min(count, 2000)
            guard let embedded = TSNE.embed(Array(rows[0..<(n * d)]), count: n, dimension: d, seed: context.state.settings.seed,
                                            shouldStop: context.interrupted) else {
                throw CommandError("render embedding --tsne: interrupted")
            }
            let tsnePoints = zip(embedded, set.labels.prefix(n)).map { EmbeddingFigure.Point($0.0, $0.1, Int($1)) }
            return (EmbeddingFigure.sideBySide(pca: pca, explained: explained, tsne: tsnePoints, perplexity: 30, classNames: data.classNames,
                                               subtitle: subtitle + "; t-SNE of the first \(Format.count(n))"),
                    "embedding-\(split)-tsne", "embedding (PCA and t-SNE)")
        case .trace(let ref):
            let (net, images, caption, label, names) = try prepared(ref, context)
            let x = normalization.batch(images, indices: [0]).x
            return (TraceFigure.draw(TraceFigure.Data(network: net, x: x, pixels: images.pixels, classNames: names, truth: label, caption: caption)),
                    "trace-\(Self.slug(ref))", "one prediction, layer by layer")
        case .compare(let names):
            let all = Runs.all(context.state)
            guard !all.isEmpty else { throw CommandError("render compare: no runs yet — train a network, then another (`net reset`, `set …`, `train epoch`)") }
            var chosen = all
            if !names.isEmpty {
                chosen = []
                for name in names {
                    guard let r = all.first(where: { $0.name == name || $0.name == name + " (current)" }) else {
                        throw CommandError("render compare: no run named '\(Sanitize.line(name))' — `runs` lists them" + Suggest.hint(name, among: all.compactMap(\.name)))
                    }
                    chosen.append(r)
                }
            }
            let differences = Runs.differences(chosen)
            let runs = zip(chosen, differences).map { CompareFigure.Run(name: $0.name ?? "run", settings: $1, log: $0.metrics) }
            return (CompareFigure.draw(runs, classes: context.state.data.dataset?.classNames.count ?? 10), "compare", "runs compared")
        }
    }

    private func layerAt(_ index: Int, _ context: CommandContext) throws(CommandError) -> any Layer {
        let net = try context.requireNetwork()
        guard index < net.layers.count else {
            throw CommandError("there is no layer \(index): the network has layers 0..\(net.layers.count - 1) (see `net summary`)")
        }
        return net.layers[index]
    }

    private func prepared(_ ref: ImageRef, _ context: CommandContext) throws(CommandError)
        -> (Network, LabeledImages, String, Int?, [String]) {
        let net = try context.requireNetwork()
        if ref != .drawing { _ = try context.requireCompatibleNetwork() }
        let (images, caption, label) = try context.testImage(ref)
        return (net, images, caption, label, context.classNames(for: net))
    }

    private func evaluation(_ split: String, _ context: CommandContext) throws(CommandError) -> Evaluation {
        let set = try context.images(split)
        let (net, _) = try context.requireCompatibleNetwork()
        guard !set.isEmpty else { throw CommandError("render: the \(split) split has no images") }
        guard let e = net.evaluate(set, normalization: context.state.data.normalization, loss: context.state.settings.training.loss,
                                   shouldStop: context.interrupted) else { throw CommandError("render: interrupted") }
        return e
    }

    static func slug(_ ref: ImageRef) -> String {
        switch ref {
        case .index(let i): return "test\(i)"
        case .drawing: return "drawing"
        }
    }

    /// Each image `copies` times as augmented training batches show it, back in 0–255
    /// pixels. Draws from its own generator seeded with the seed, so looking never changes
    /// what training does.
    /// `copies` augmented versions of each image, and whether augmentation replaced each
    /// by something that is not one digit (`augment outliers`).
    static func augmented(_ images: LabeledImages, _ a: Augmentation, _ n: Normalization, copies: Int, seed: UInt64)
        -> [[(pixels: [UInt8], notADigit: Bool)]] {
        var rng = SeededRNG(seed: seed)
        return (0..<images.count).map { i in
            var (x, labels) = n.batch(images, indices: Array(repeating: i, count: copies))
            a.apply(to: &x, labels: &labels, background: n.table[0], using: &rng)
            let size = images.imageSize
            return (0..<copies).map { k in
                (SamplesFigure.bytes(x.data[(k * size)..<((k + 1) * size)], normalization: n), labels[k] == Loss.notADigit)
            }
        }
    }
}
