import DigitLabCore

/// `net …`: build the network layer by layer, or from a preset.
enum NetCommand: ShellCommand, Equatable {
    case new
    case add([LayerSpec])
    case pop
    case reset
    case preset(String)
    case summary

    static let declaration = CommandDeclaration("net", step: .architecture,
        summary: "Build the network layer by layer, or take one of the reference networks.",
        forms: [
            form(["new"], summary: "An empty network taking 1x28x28 images.", example: "net new") { _ in .new },
            form(["add"], [Argument("LAYER", .layers, help: "one or more layers")],
                 summary: "Add layers at the end, several in one line if you like. Layers: \(LayerGrammar.usage.joined(separator: ", ")). A dense layer after an image gets a flatten first. All or nothing: if one layer cannot follow, none is added.",
                 example: "net add conv 8 3x3 relu maxpool 2 flatten dense 10") { a in .add(try a.layers("LAYER")) },
            form(["pop"], summary: "Remove the last layer.", example: "net pop") { _ in .pop },
            form(["reset"], summary: "Start the same layers again from new weights, drawn from the seed afresh: the same start as right after `set seed` — compare optimisers or learning rates without retyping the network.",
                 example: "net reset") { _ in .reset },
            form(["preset"], [Argument("NAME", .choice(Preset.all.map(\.name)), help: "a reference network")],
                 summary: "One of the reference networks (\(Preset.all.map(\.name).joined(separator: ", "))), with the batch size, optimiser, learning rate and schedule it is trained with — every setting it changes is listed. Its weights are drawn from the seed's generator as it stands: `set seed` first to start from a known point.",
                 example: "net preset lenet5") { a in .preset(try a.word("NAME")) },
            form(["summary"], summary: "Each layer's output shape, parameters and FLOPs per image, with totals.", example: "net summary") { _ in .summary },
        ])

    var replacesNetwork: Bool {
        switch self {
        case .new, .reset, .preset: true
        case .add, .pop, .summary: false
        }
    }

    func run(_ context: inout CommandContext) throws(CommandError) -> Output {
        switch self {
        case .new:
            context.state.replaceNetwork(Network(initializer: context.state.settings.initializer), origin: "built")
            return .text("new empty network, input 1x28x28")
        case .add(let specs):
            return try add(specs, &context)
        case .pop:
            guard let current = context.state.model.network, !current.isEmpty else { throw CommandError("net pop: the network has no layers") }
            let net = current.copied()
            let spec = net.removeLast()
            context.state.replaceNetwork(net, origin: context.state.model.origin, keepingWeights: true)
            return .text("removed \(spec?.description ?? "the last layer"); output is now \(describeShape(net.outputShape))")
        case .reset:
            let current = try context.requireNetwork()
            let seed = context.state.settings.seed
            context.state.reseed(seed)
            let net = Network(inputShape: current.inputShape, initializer: context.state.settings.initializer)
            for spec in current.specs {
                do { try net.append(spec, using: &context.state.rng) } catch { throw CommandError("net reset: \(error.message)") }
            }
            context.state.replaceNetwork(net, origin: context.state.model.origin)
            return .text("re-initialised \(Format.plural(net.layers.count, "layer")) from seed \(seed) (\(context.state.settings.initializer.rawValue) initialisation); the curves start again")
        case .preset(let name):
            guard let preset = Preset.named(name) else { throw CommandError("net preset: unknown preset '\(name)'") }
            let before = context.state.settings
            try MemoryCheck.architecture(preset.layers, batch: preset.batchSize, optimizer: preset.optimizer.kind, before, what: "net preset \(name)")
            let net = preset.makeNetwork(using: &context.state.rng)
            context.state.replaceNetwork(net, origin: "preset \(preset.name)")
            context.state.settings.training.batchSize = preset.batchSize
            context.state.settings.training.learningRate = preset.learningRate
            context.state.settings.training.optimizer = preset.optimizer
            // Its schedule too (cnn-bn's one cycle; constant for the reference nets), from now.
            context.state.settings.training.schedule = preset.schedule
            context.state.settings.training.scheduleStart = 0
            var out = Output.text("\(preset.name): \(preset.summary)")
            out.append(.table(Self.summaryTable(net)))
            out.text(Self.changes(from: before, to: context.state.settings, preset: preset.name))
            return out
        case .summary:
            return Output([.table(Self.summaryTable(try context.requireNetwork()))])
        }
    }

    private func add(_ specs: [LayerSpec], _ context: inout CommandContext) throws(CommandError) -> Output {
        // Built on a copy: if any layer cannot follow, the network stays as it was.
        let net = context.state.model.network?.copied() ?? Network(initializer: context.state.settings.initializer)
        net.initializer = context.state.settings.initializer
        let first = net.layers.count
        var added = [LayerSpec]()
        for spec in specs {
            // Checked before the layer's weights are allocated, not after.
            try MemoryCheck.appending(spec, to: net, context.state.settings)
            do { added += try net.append(spec, using: &context.state.rng) } catch {
                throw CommandError("net add \(spec.description): \(error.message)" + (added.isEmpty ? "" : " — nothing was added"))
            }
        }
        context.state.replaceNetwork(net, origin: context.state.model.origin.isEmpty ? "built" : context.state.model.origin, keepingWeights: true)
        var out = Output()
        for (spec, layer) in zip(added, net.layers[first...]) {
            out.text("added \(spec.description) → \(describeShape(layer.outputShape))" + (spec == .flatten && !specs.contains(.flatten) ? " (dense needs a flat input)" : ""))
        }
        if let warning = Self.linearPairWarning(net, from: first) { out.append(.warning(warning)) }
        return out
    }

    /// Two layers with weights and no activation between them collapse into one linear
    /// map: the second adds parameters but no power. Said once, for the first such pair
    /// that involves a layer just added.
    static func linearPairWarning(_ net: Network, from first: Int) -> String? {
        var lastWeighted: Int?
        for (i, layer) in net.layers.enumerated() {
            switch layer.spec {
            case .dense, .conv:
                if let previous = lastWeighted, i >= first {
                    return "layers \(previous) (\(net.layers[previous].spec.description)) and \(i) (\(layer.spec.description)) have no activation between them: two linear maps in a row are one linear map — add relu between them"
                }
                lastWeighted = i
            case .activation, .maxpool: lastWeighted = nil
            case .flatten, .dropout, .batchnorm, .avgpool: break
            }
        }
        return nil
    }

    static func summaryTable(_ net: Network) -> Table {
        var rows = [["", "input", describeShape(net.inputShape), "", ""]]
        for row in net.summary {
            rows.append([String(row.index), row.description, describeShape(row.outputShape), Format.count(row.parameters), Format.count(row.flopsPerImage)])
        }
        return Table([.init("#", .right), .init("layer"), .init("output"), .init("parameters", .right), .init("FLOPs/image", .right)],
                     rows: rows, footer: ["", "total", "", Format.count(net.parameterCount), Format.count(net.flopsPerImage)])
    }

    /// "settings for lenet5: lr 0.01 → 0.05, optimizer adam → momentum 0.9, batch 256 → 64".
    static func changes(from a: Settings, to b: Settings, preset: String) -> String {
        var changed = [String]()
        if a.training.learningRate != b.training.learningRate {
            changed.append("lr \(Format.number(a.training.learningRate)) → \(Format.number(b.training.learningRate))")
        }
        if a.training.optimizer != b.training.optimizer {
            changed.append("optimizer \(SetCommand.describe(a.training.optimizer)) → \(SetCommand.describe(b.training.optimizer))")
        }
        if a.training.batchSize != b.training.batchSize { changed.append("batch \(a.training.batchSize) → \(b.training.batchSize)") }
        if a.training.schedule != b.training.schedule { changed.append("schedule \(a.training.schedule.description) → \(b.training.schedule.description)") }
        // `describe` names the optimiser, not its decay: a preset that sets one (cnn-bn) says so here.
        if a.training.optimizer.weightDecay != b.training.optimizer.weightDecay {
            changed.append("weight-decay \(Format.number(a.training.optimizer.weightDecay)) → \(Format.number(b.training.optimizer.weightDecay))")
        }
        return changed.isEmpty ? "settings for \(preset): already in force (lr \(Format.number(b.training.learningRate)), optimizer \(SetCommand.describe(b.training.optimizer)), batch \(b.training.batchSize))"
            : "settings changed for \(preset): " + changed.joined(separator: ", ") + " — `set` changes them back"
    }
}

extension Network {
    /// An independent network with the same layers, weights and batchnorm statistics.
    func copied() -> Network {
        let copy = Network(inputShape: inputShape, initializer: initializer)
        var rng = SeededRNG(seed: 0) // every weight is overwritten below
        for spec in specs { _ = try? copy.append(spec, using: &rng) }
        copy.restore(snapshot())
        return copy
    }
}
