import DigitLabCore
import DigitLabIO
import Foundation

/// `draw`: a drawing pad in the terminal with the network's top 3 live; Enter keeps
/// the digit for `predict drawing`, `render saliency drawing`, `render trace drawing`.
enum DrawCommand: ShellCommand, Equatable {
    case pad
    case save(String)

    static let declaration = CommandDeclaration("draw", step: .prediction,
        summary: "Draw a digit in the terminal with the mouse or the keys; the network's top 3 follow as you draw.",
        forms: [
            form([], summary: "Open the drawing pad: the left button paints, the right erases; arrows move the pen, Space puts it down or lifts it, +/- change its size, u undoes, c clears. Enter keeps the drawing as a test-like digit (`predict drawing`, `render saliency drawing`, `render trace drawing`); Esc leaves. Uses the current network, or the bundled model when there is none.",
                 example: "draw") { _ in .pad },
            form(["save"], [Argument("FILE", .path(.writeFile), help: "a PNG file")],
                 summary: "Write the drawing you kept last as a PNG (dark ink on white), which `predict file` reads back as the same digit.",
                 example: "draw save outputs/my-seven.png") { a in .save(try a.word("FILE")) },
        ])

    func run(_ context: inout CommandContext) throws(CommandError) -> Output {
        switch self {
        case .pad:
            let (network, normalization, names, which) = try classifier(context)
            var loadedNote: String?
            if context.state.model.network?.isEmpty ?? true {
                // No network of the learner's: the bundled model reads the drawing, and stays
                // (so `predict drawing` and `render trace drawing` work next).
                context.state.replaceNetwork(network, origin: ModelState.fromModelFile)
                context.state.data.useModelNormalization(normalization)
                context.state.model.classNames = names
                loadedNote = "no network of yours yet: the bundled model (models/default.safetensors) reads your drawing, and is now the session's network"
            }
            let pad = DrawPad(classify: DrawPad.classifier(network: network, normalization: normalization, classNames: names))
            let kept: DrawResult?
            do { kept = try pad.run() } catch { throw CommandError(error.description) }
            guard let kept else { return Output(loadedNote.map { [.text($0)] } ?? [] + [.text("left the drawing pad; nothing kept")]) }
            context.state.drawing = kept.pixels28
            context.state.drawingPNG = kept.png
            let images = LabeledImages(pixels: kept.pixels28, labels: [0], rows: 28, columns: 28)
            let p = network.probabilities(normalization.batch(images, indices: [0]).x).data
            let ranked = classesByProbability(p)
            return Output((loadedNote.map { [Block.text($0)] } ?? []) + [.digits([Digit(pixels: kept.pixels28, caption: "as the network sees it")]),
                           .text("your drawing: \(which) says \(names[ranked[0]]) (\(Format.percent(Double(p[ranked[0]]), 1)))"),
                           .bars(ranked.prefix(3).map { Bar(names[$0], Double(p[$0])) }),
                           .hint("kept: `predict drawing`, `render saliency drawing`, `render trace drawing`; `draw save FILE.png` writes it")])
        case .save(let path):
            guard let png = context.state.drawingPNG else { throw CommandError("draw save: there is no drawing yet — `draw` one and press Enter to keep it") }
            guard path.lowercased().hasSuffix(".png") else { throw CommandError("draw save: the drawing is a PNG — name the file .png, got '\(Sanitize.line(path))'") }
            try context.write(png, to: path)
            return .text("wrote \(path)")
        }
    }

    /// The current network when it reads 28x28 digits into classes, else the bundled model.
    private func classifier(_ context: CommandContext) throws(CommandError) -> (Network, Normalization, [String], String) {
        if let net = context.state.model.network, !net.isEmpty, net.inputShape == [1, 28, 28] {
            return (net, context.state.data.normalization, context.classNames(for: net), "the network")
        }
        let path: String
        do { path = try context.session.locator.home() + "/models/default.safetensors" } catch {
            throw CommandError("draw: no network yet, and the bundled model was not found (\(error)) — `net preset mlp` and train it first")
        }
        do {
            let loaded = try ModelFile.load(path)
            return (loaded.network, loaded.info.normalization, loaded.info.classNames, "the bundled model")
        } catch { throw CommandError(error.description) }
    }
}
