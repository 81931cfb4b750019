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
            renderForm("samples", [split, Argument("N", .int(1...100), optional: true, help: "how many (20)"),
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
            renderForm("embedding", [split, .flag("--tsne", help: "t-SNE instead of PCA")],
                 "The inputs of the last dense layer of up to 5,000 images, projected to 2-D (PCA, or t-SNE with --tsne), coloured by class.",
                 "render embedding") { a in .embedding(split: a.optionalWord("SPLIT") ?? "test", tsne: a.flag("--tsne")) },
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
            var pixels = Array(set.pixels[0..<(shown * set.imageSize)])
            var subtitle = "the first \(shown) of \(Format.count(set.count)) images, with their labels"
            if augmented {
                let a = context.state.data.augmentation
                guard !a.isIdentity else { throw CommandError("render samples --augmented: augmentation is off — `augment shift 2 rotate 10` first") }
                pixels = Self.augmented(set.subset(Array(0..<shown)), a, normalization, seed: context.state.settings.seed)
                subtitle = "augmented (\(a.description)): as one training batch shows them to the network"
            }
            let images = (0..<shown).map { i in (pixels[(i * set.imageSize)..<((i + 1) * set.imageSize)], "#\(i): \(data.classNames[Int(set.labels[i])])") }
            return (SamplesFigure.draw(title: "\(data.name): \(split) samples", subtitle: subtitle, images: images),
                    "samples-\(split)\(augmented ? "-augmented" : "")", augmented ? "augmented samples" : "samples")
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
            let out = try context.requireNetwork().activations(normalization.batch(images, indices: [0]).x, layer: index)
            return (ActivationsFigure.draw(title: "Layer \(index) (\(layer.spec.description)) on \(caption)",
                                           input: images.image(0), values: out.data, shape: layer.outputShape),
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
        case let .embedding(split, _):
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
            let (points, explained) = PCA.project(rows, count: count, dimension: d)
            return (EmbeddingFigure.draw(points: zip(points, set.labels.prefix(count)).map { ($0.0, $0.1, Int($1)) },
                                         explained: explained, classNames: data.classNames,
                                         subtitle: "\(Format.count(count)) \(split) images; the \(d) inputs of layer \(last) (\(net.layers[last].spec.description))"),
                    "embedding-\(split)", "embedding")
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
        return net.evaluate(set, normalization: context.state.data.normalization, loss: context.state.settings.training.loss)
    }

    static func slug(_ ref: ImageRef) -> String {
        switch ref {
        case .index(let i): return "test\(i)"
        case .drawing: return "drawing"
        }
    }

    /// The first images of a split as one augmented training batch shows them, back in
    /// 0–255 pixels. Draws from its own generator seeded with the seed, so looking never
    /// changes what training does.
    static func augmented(_ images: LabeledImages, _ a: Augmentation, _ n: Normalization, seed: UInt64) -> [UInt8] {
        var (x, _) = n.batch(images, indices: 0..<images.count)
        var rng = SeededRNG(seed: seed)
        a.apply(to: &x, background: n.table[0], using: &rng)
        return x.data.map { UInt8(max(0, min(255, (($0 * n.std + n.mean) * 255).rounded()))) }
    }
}
