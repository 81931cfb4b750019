import DigitLabCore
import DigitLabIO
import DigitLabViz

extension CommandTable {
    static let renderKinds = ["samples", "filters", "activations", "confusion", "misclassified", "curves",
                              "probabilities", "saliency", "embedding"]

    static let renderCommands: [Command] = [
        Command("render", step: .postprocessing,
                usage: "render samples [SPLIT] [N] | filters LAYER | activations LAYER INDEX | confusion [SPLIT] | misclassified [N] [SPLIT] | curves | probabilities INDEX | saliency INDEX | embedding [SPLIT]  [to FILE]",
                summary: "Draw a picture as a PNG under outputs/ (or `to FILE`) and print its path. LAYER numbers layers as `net summary` does; INDEX is a test image; SPLIT is train, validation or test (test by default, train for samples).",
                example: "render confusion", words: renderKinds + ["to", "train", "validation", "test"],
                action: { s, a in try s.render(a) }),
    ]
}

extension Session {
    func render(_ args: Arguments) throws(CommandError) -> String {
        var a = args
        var target: String?
        if let i = a.words.firstIndex(of: "to") {
            guard i + 1 == a.words.count - 1 else { throw CommandError("render: `to` takes one file name, at the end") }
            target = a.words[i + 1]
            a.words.removeSubrange(i...)
        }
        let kind = try a.next("what to render (\(CommandTable.renderKinds.joined(separator: ", ")))")
        let (canvas, name) = try drawFigure(kind, &a)
        try a.done()
        let path = target ?? "\(outputFolder)/\(name).png"
        do {
            try AtomicFile.write(try canvas.png(), to: path, policy: .anywhere.creating(outputFolder))
        } catch {
            throw CommandError(error.description)
        }
        wrote(path)
        return "wrote \(path) (\(canvas.width)x\(canvas.height))"
    }

    /// The figure and its default file name.
    private func drawFigure(_ kind: String, _ a: inout Arguments) throws(CommandError) -> (Canvas, String) {
        switch kind {
        case "samples":
            let split = try optionalSplit(&a, default: "train")
            let n = a.first.flatMap(Int.init) != nil ? try a.nextInt("how many") : 20
            guard n <= 100 else { throw CommandError("render samples: at most 100 images, asked for \(n)") }
            let set = try images(split), names = try requireData().classNames
            let shown = min(n, set.count)
            return (SamplesFigure.draw(title: "\(try requireData().name): \(split) samples",
                                       subtitle: "the first \(shown) of \(Format.count(set.count)) images, with their labels",
                                       images: (0..<shown).map { (set.image($0), "#\($0): \(names[Int(set.labels[$0])])") }),
                    "samples-\(split)")
        case "filters":
            let (index, layer) = try layerArgument(&a)
            if let conv = layer as? Conv2D {
                let w = conv.weight
                return (FiltersFigure.conv(title: "Filters of layer \(index): \(conv.spec.description)", weights: w.value,
                                           filters: w.shape[0], channels: w.shape[1], kernel: w.shape[2]), "filters-layer\(index)")
            }
            if let dense = layer as? Dense, dense.inputShape[0] == 784 {
                return (FiltersFigure.dense(title: "Weights of layer \(index): \(dense.spec.description)",
                                            weights: dense.weight.value, units: dense.outputShape[0]), "filters-layer\(index)")
            }
            throw CommandError("render filters: layer \(index) (\(layer.spec.description)) has no filters to draw — pick a conv layer or a dense layer on the 784 pixels")
        case "activations":
            let (index, layer) = try layerArgument(&a)
            let image = try imageIndex(&a)
            let set = try images("test")
            let (x, _) = normalization.batch(set, indices: [image])
            let out = try requireNetwork().activations(x, layer: index)
            return (ActivationsFigure.draw(title: "Layer \(index) (\(layer.spec.description)) on test image #\(image)",
                                           input: set.image(image), values: out.data, shape: layer.outputShape),
                    "activations-layer\(index)-test\(image)")
        case "confusion":
            let split = try optionalSplit(&a, default: "test")
            let e = try evaluation(split)
            return (ConfusionFigure.draw(e.confusion, classNames: try requireData().classNames, split: split), "confusion-\(split)")
        case "misclassified":
            let n = a.first.flatMap(Int.init) != nil ? try a.nextInt("how many") : 24
            guard n <= 64 else { throw CommandError("render misclassified: at most 64 images, asked for \(n)") }
            let split = try optionalSplit(&a, default: "test")
            let set = try images(split), e = try evaluation(split), names = try requireData().classNames
            let wrong = (0..<e.count).filter { Int(e.predictions[$0]) != Int(set.labels[$0]) }
            let worst = wrong.sorted { e.confidence($0) != e.confidence($1) ? e.confidence($0) > e.confidence($1) : $0 < $1 }.prefix(n)
            let mistakes = worst.map { i in
                MisclassifiedFigure.Mistake(pixels: set.image(i), index: i, truth: names[Int(set.labels[i])],
                                            predicted: names[Int(e.predictions[i])], confidence: e.confidence(i))
            }
            return (MisclassifiedFigure.draw(mistakes, split: split, total: wrong.count), "misclassified-\(split)")
        case "curves":
            guard !metrics.isEmpty else { throw CommandError("render curves: nothing trained yet — `train epoch` first") }
            return (CurvesFigure.draw(metrics), "curves")
        case "probabilities":
            let image = try imageIndex(&a)
            let set = try images("test"), net = try requireNetwork(), names = try requireData().classNames
            _ = try requireCompatibleNetwork()
            let (x, labels) = normalization.batch(set, indices: [image])
            return (ProbabilitiesFigure.draw(pixels: set.image(image), probabilities: net.probabilities(x).data,
                                             truth: labels[0], classNames: names, caption: "test image #\(image)"),
                    "probabilities-test\(image)")
        case "saliency":
            let image = try imageIndex(&a)
            let set = try images("test"), net = try requireNetwork(), names = try requireData().classNames
            _ = try requireCompatibleNetwork()
            let (x, _) = normalization.batch(set, indices: [image])
            let p = net.probabilities(x).data
            let answer = classesByProbability(p).first ?? 0
            return (SaliencyFigure.draw(input: set.image(image), gradient: net.inputGradient(x, class: answer),
                                        className: names[answer], caption: "test image #\(image), label \(names[Int(set.labels[image])])"),
                    "saliency-test\(image)")
        case "embedding":
            let split = try optionalSplit(&a, default: "test")
            let set = try images(split), net = try requireNetwork(), names = try requireData().classNames
            _ = try requireCompatibleNetwork()
            guard let last = net.lastDenseLayer, last > 0 else {
                throw CommandError("render embedding: needs a network with a layer before its last dense layer")
            }
            guard set.count >= 2 else { throw CommandError("render embedding: needs at least 2 \(split) images, there are \(set.count)") }
            let count = min(set.count, 5000) // enough points to see the clusters
            let d = net.layers[last].inputShape.reduce(1, *)
            var rows = [Float](); rows.reserveCapacity(count * d)
            var start = 0
            while start < count {
                let end = min(count, start + 500)
                rows += net.activations(normalization.batch(set, indices: start..<end).x, layer: last - 1).data
                start = end
            }
            let (points, explained) = PCA.project(rows, count: count, dimension: d)
            return (EmbeddingFigure.draw(points: zip(points, set.labels.prefix(count)).map { ($0.0, $0.1, Int($1)) },
                                         explained: explained, classNames: names,
                                         subtitle: "\(Format.count(count)) \(split) images; the \(d) inputs of layer \(last) (\(net.layers[last].spec.description))"),
                    "embedding-\(split)")
        default:
            throw CommandError("render: unknown picture '\(kind)' — \(CommandTable.renderKinds.joined(separator: ", "))")
        }
    }

    private func optionalSplit(_ a: inout Arguments, default fallback: String) throws(CommandError) -> String {
        guard let w = a.first, ["train", "validation", "test"].contains(w) else { return fallback }
        return try a.next("a split")
    }

    private func layerArgument(_ a: inout Arguments) throws(CommandError) -> (Int, any Layer) {
        let net = try requireNetwork()
        let index = try a.nextInt("a layer number (see `net summary`)", min: 0)
        guard index < net.layers.count else {
            throw CommandError("there is no layer \(index): the network has layers 0..\(net.layers.count - 1) (see `net summary`)")
        }
        return (index, net.layers[index])
    }

    private func imageIndex(_ a: inout Arguments) throws(CommandError) -> Int {
        let set = try images("test")
        return try indexRange(try a.next("a test image index"), count: set.count).lowerBound
    }

    private func evaluation(_ split: String) throws(CommandError) -> Evaluation {
        let set = try images(split)
        let (net, _) = try requireCompatibleNetwork()
        return net.evaluate(set, normalization: normalization, loss: settings.loss)
    }
}
