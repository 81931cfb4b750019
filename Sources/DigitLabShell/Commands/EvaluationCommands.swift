import DigitLabCore
import DigitLabIO

/// `eval [SPLIT]`: accuracy, loss, per-class precision/recall/F1, confused pairs.
struct EvalCommand: ShellCommand, Equatable {
    let split: String

    static let declaration = CommandDeclaration("eval", step: .testing,
        summary: "How well the network does on a split: accuracy, loss, per-class precision, recall and F1, and the most confused pairs.",
        forms: [form([], [Argument("SPLIT", .choice(ShowCommand.splits), optional: true, help: "test (default), validation or train")],
                     summary: "Accuracy, loss, per-class precision/recall/F1 and the five most confused pairs on a split (test by default).",
                     example: "eval validation") { a in EvalCommand(split: a.optionalWord("SPLIT") ?? "test") }])

    func run(_ context: inout CommandContext) throws(CommandError) -> Output {
        let set = try context.images(split)
        let (net, data) = try context.requireCompatibleNetwork()
        guard !set.isEmpty else { throw CommandError("eval: the \(split) split has no images — nothing to evaluate") }
        guard let e = net.evaluate(set, normalization: context.state.data.normalization, loss: context.state.settings.training.loss,
                                   shouldStop: context.interrupted) else { throw CommandError("eval: interrupted") }
        var out = Output.text("\(split): accuracy \(Format.percent(e.accuracy)) (\(Format.count(e.confusion.correct)) of \(Format.count(e.count))), loss \(Format.fixed(e.loss, 4))")
        let names = context.state.model.classNames ?? data.classNames
        out.append(.table(Table([.init("class"), .init("precision", .right), .init("recall", .right), .init("F1", .right), .init("images", .right)],
                                rows: (0..<e.classes).map { c in
            let n = (0..<e.classes).reduce(0) { $0 + e.confusion[c, $1] }
            let predicted = (0..<e.classes).reduce(0) { $0 + e.confusion[$1, c] }
            // Undefined, not 0%: no image predicted as c has no precision, a class without
            // images no recall (your own folder of a few digits).
            let precision = predicted == 0 ? "—" : Format.percent(e.confusion.precision(c), 1)
            let recall = n == 0 ? "—" : Format.percent(e.confusion.recall(c), 1)
            return [names[c], precision, recall, predicted == 0 || n == 0 ? "—" : Format.percent(e.confusion.f1(c), 1), Format.count(n)]
        })))
        let pairs = e.confusion.mostConfused(5)
        if !pairs.isEmpty {
            out.text("most confused (true → predicted): " + pairs.map { "\(names[$0.truth]) → \(names[$0.predicted]) ×\($0.count)" }.joined(separator: ", "))
        }
        if let warning = ModelCommands.classMismatch(context.state) { out.append(.warning(warning)) }
        return out
    }
}

extension CommandContext {
    /// A test image by number, or the drawing kept by `draw`, ready for the network.
    func testImage(_ ref: ImageRef) throws(CommandError) -> (images: LabeledImages, caption: String, label: Int?) {
        switch ref {
        case .index(let i):
            let set = try images("test")
            try checkIndex(i, in: set, split: "test")
            return (set.subset([i]), "test image #\(i)", Int(set.labels[i]))
        case .drawing:
            guard let pixels = state.drawing else { throw CommandError("there is no drawing yet — `draw` one first") }
            return (LabeledImages(pixels: pixels, labels: [0], rows: 28, columns: 28), "your drawing", nil)
        }
    }

    /// The class names answers are given in: a loaded model's own, else the data's.
    func classNames(for net: Network) -> [String] {
        state.model.classNames ?? state.data.dataset?.classNames ?? (0..<(net.outputShape.first ?? 10)).map(String.init)
    }
}
