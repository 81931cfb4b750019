import DigitLabCore

/// `explain conv|dense|softmax INDEX`: one number of a prediction worked out in the
/// terminal with the real values — the arithmetic `render trace` draws.
struct ExplainCommand: ShellCommand, Equatable {
    let topic: Explain.Topic
    let image: ImageRef
    let layer: Int?
    let unit: Int?

    static let image = Argument("INDEX", .image, help: "a test image number, or `drawing`")

    static let declaration = CommandDeclaration("explain", step: .prediction,
        summary: "One number of a prediction worked out by hand, with the real values.",
        forms: [
            form(["conv"], [image], summary: "A 5x5 (or KxK) input patch times the kernel, plus the bias, equals the value in the feature map: the first conv layer at its strongest response, every product shown.",
                 example: "explain conv 0") { a in ExplainCommand(topic: .conv, image: try a.image("INDEX"), layer: nil, unit: nil) },
            form(["dense"], [image, Argument("LAYER", .int(0...10_000), keyword: "layer", optional: true, help: "a dense layer (the first by default)"),
                             Argument("UNIT", .int(0...1_000_000), keyword: "unit", optional: true, help: "one of its units (the most active by default)")],
                 summary: "One unit's weighted sum: its largest terms, the rest added up, plus the bias, then the activation.",
                 example: "explain dense 0 unit 3") { a in
                ExplainCommand(topic: .dense, image: try a.image("INDEX"), layer: a.optionalInt("layer"), unit: a.optionalInt("unit"))
            },
            form(["softmax"], [image], summary: "The ten scores become probabilities: exp of each, their sum, each divided by the sum.",
                 example: "explain softmax 0") { a in ExplainCommand(topic: .softmax, image: try a.image("INDEX"), layer: nil, unit: nil) },
        ])

    func run(_ context: inout CommandContext) throws(CommandError) -> Output {
        let net = try context.requireNetwork()
        if image != .drawing { _ = try context.requireCompatibleNetwork() }
        let (images, caption, label) = try context.testImage(image)
        let x = context.state.data.normalization.batch(images, indices: [0]).x
        let lines = try Explain.lines(topic, network: net, x: x, classNames: context.classNames(for: net), truth: label,
                                      caption: caption, layer: layer, unit: unit)
        return Output([.text(lines.joined(separator: "\n"))])
    }
}
