import DigitLabCore
import DigitLabIO

extension CommandTable {
    static let networkCommands: [Command] = [
        Command("net", step: .architecture,
                usage: "net new | net add LAYER... | net pop | net preset mlp|mlp-l|lenet5|cnn | net summary",
                summary: "Build the network layer by layer. Layers: dense UNITS [ACT], conv FILTERS KxK [stride S] [pad P|same] [ACT], maxpool K, avgpool K, flatten, dropout P, batchnorm, relu, leakyrelu, sigmoid, tanh, softmax.",
                example: "net add conv 6 5x5 pad 2 relu",
                words: ["new", "add", "pop", "preset", "summary"] + LayerSpec.typeNames + Preset.all.map(\.name),
                action: { s, a in try s.net(a) }),
    ]
}

extension Session {
    func net(_ args: Arguments) throws(CommandError) -> String {
        var a = args
        switch try a.next("new, add, pop, preset or summary") {
        case "new":
            try a.done()
            network = Network(initializer: network?.initializer ?? .pytorch)
            trainer = nil
            restoreDataNormalization()
            return "new empty network, input 1x28x28"
        case "add":
            let specs = try LayerSpec.parse(&a)
            try a.done()
            let net = network ?? Network()
            var added = [LayerSpec]()
            for spec in specs {
                do { added += try net.append(spec, using: &rng) } catch {
                    for _ in added { net.removeLast() } // all or nothing
                    throw CommandError("net add \(spec.description): \(error.message)")
                }
            }
            network = net
            trainer = nil
            let notes = added.first == .flatten && specs.first != .flatten ? " (flatten added first: dense needs a flat input)" : ""
            let first = net.layers.count - added.count
            return zip(added, net.layers[first...]).map { "added \($0.description) → \(describeShape($1.outputShape))" }
                .joined(separator: "\n") + notes
        case "pop":
            try a.done()
            guard let net = network, let spec = net.removeLast() else { throw CommandError("net pop: the network has no layers") }
            trainer = nil
            return "removed \(spec.description); output is now \(describeShape(net.outputShape))"
        case "preset":
            let name = try a.next("a preset name (\(Preset.all.map(\.name).joined(separator: ", ")))")
            try a.done()
            guard let preset = Preset.named(name) else {
                throw CommandError("net preset: unknown preset '\(name)' — one of \(Preset.all.map(\.name).joined(separator: ", "))")
            }
            network = preset.makeNetwork(using: &rng)
            restoreDataNormalization()
            settings.batchSize = preset.batchSize
            settings.learningRate = preset.learningRate
            settings.optimizer = preset.optimizer
            trainer = nil
            return "\(preset.name): \(preset.summary)\n" + summaryTable(network!)
                + "\nsettings: batch \(settings.batchSize), optimizer \(settings.optimizer.kind.rawValue), lr \(settings.learningRate)"
        case "summary":
            try a.done()
            return summaryTable(try requireNetwork())
        case let other:
            throw CommandError("net: unknown sub-command '\(other)' — new, add, pop, preset or summary")
        }
    }

    func summaryTable(_ net: Network) -> String {
        var lines = ["  #  layer                 output        parameters    FLOPs/image",
                     "     input                 \(Format.pad(describeShape(net.inputShape), 13))"]
        for row in net.summary {
            lines.append("\(Format.padLeft(String(row.index), 3))  \(Format.pad(row.description, 21)) \(Format.pad(describeShape(row.outputShape), 13)) \(Format.padLeft(Format.count(row.parameters), 10)) \(Format.padLeft(Format.count(row.flopsPerImage), 14))")
        }
        lines.append("     total                               \(Format.padLeft(Format.count(net.parameterCount), 10)) \(Format.padLeft(Format.count(net.flopsPerImage), 14))")
        return lines.joined(separator: "\n")
    }
}

extension Session {
    /// A fresh network learns with the loaded data's statistics, not a model file's.
    func restoreDataNormalization() {
        guard normalizationFromModel else { return }
        normalizationFromModel = false
        if let d = dataset { normalization = Normalization.measured(from: d.train) }
    }
}
