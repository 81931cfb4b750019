import DigitLabCore
import DigitLabIO
import DigitLabVision
import DigitLabViz
import Foundation

/// `predict`: one image through the network, its answer and the top three.
enum PredictCommand: ShellCommand, Equatable {
    case split(String, Int)
    case drawing
    case file(String, stages: Bool, number: Bool)

    static let declaration = CommandDeclaration("predict", step: .prediction,
        summary: "One image through the network: the digit, its answer and the top-3 probabilities as bars.",
        forms: [
            form(["test"], [Argument("INDEX", .int(0...Int.max), help: "a test image number")],
                 summary: "A test image, the network's answer, the true label and the top-3 probabilities.",
                 example: "predict test 8") { a in .split("test", try a.int("INDEX")) },
            form(["validation"], [Argument("INDEX", .int(0...Int.max), help: "a validation image number")],
                 summary: "A validation image, the network's answer, the true label and the top-3 probabilities.",
                 example: "predict validation 3") { a in .split("validation", try a.int("INDEX")) },
            form(["drawing"], summary: "The digit you drew with `draw`.", example: "predict drawing") { _ in .drawing },
            form(["file"], [Argument("PATH", .path(.readFile), help: "a PNG or JPEG picture"),
                            .flag("--stages", help: "also draw the pipeline's steps"),
                            .flag("--number", help: "read a whole number (several digits)")],
                 summary: "Your own picture (PNG or JPEG: a photo, a scan, a drawing) made into an MNIST-style 28x28 digit and classified; --stages also draws each step of the pipeline (up to where it gave up, when no digit is found); --number reads a line of several digits.",
                 example: "predict file my-seven.png --stages") { a in
                .file(try a.word("PATH"), stages: a.flag("--stages"), number: a.flag("--number"))
            },
        ])

    func run(_ context: inout CommandContext) throws(CommandError) -> Output {
        switch self {
        case let .split(split, index):
            let set = try context.images(split)
            try checkIndex(index, in: set, split: split)
            return try classify(set.subset([index]), caption: "\(split) #\(index)", label: Int(set.labels[index]), &context)
        case .drawing:
            let (images, caption, _) = try context.testImage(.drawing)
            return try classify(images, caption: caption, label: nil, &context)
        case let .file(path, stages, number):
            return try predictFile(context.resolve(path), stages: stages, number: number, &context)
        }
    }

    private func classify(_ images: LabeledImages, caption: String, label: Int?, _ context: inout CommandContext) throws(CommandError) -> Output {
        let net = try context.requireNetwork()
        if context.state.data.dataset != nil { _ = try context.requireCompatibleNetwork() }
        let names = context.classNames(for: net)
        let p = net.probabilities(context.state.data.normalization.batch(images, indices: [0]).x).data
        let ranked = classesByProbability(p)
        let answer = ranked[0]
        var verdict = "the network says \(names[answer]) (\(Format.percent(Double(p[answer]), 1)))"
        if let label { verdict += "; the label is \(names[label]) — \(answer == label ? "right" : "wrong")" }
        var out = Output([.digits([Digit(pixels: images.pixels, rows: images.rows, columns: images.columns, caption: caption)]),
                          .text("\(caption): \(verdict)"),
                          .bars(ranked.prefix(3).map { Bar(names[$0], Double(p[$0])) })])
        if let label, answer != label, p[answer] >= 0.99 {
            out.append(.warning("a confident mistake: \(Format.percent(Double(p[answer]), 1)) sure, and wrong — a softmax score is not a calibrated probability (`help calibration`)"))
        }
        return out
    }

    private func predictFile(_ path: String, stages: Bool, number: Bool, _ context: inout CommandContext) throws(CommandError) -> Output {
        let net = try context.requireNetwork(forPictures: true)
        let names = context.classNames(for: net)
        guard net.inputShape == [1, 28, 28], net.outputShape == [names.count] else {
            throw CommandError("predict file: the network must take 1x28x28 images and end with \(names.count) outputs")
        }
        if number { return try predictNumber(path, net, names, stages: stages, &context) }
        let result: ImagePrediction
        do {
            result = try ImagePrediction.classify(path, network: net, normalization: context.state.data.normalization, classNames: names)
        } catch { throw notRead(error, drawingStages: stages, number: false, &context) }
        var out = Output([.digits([Digit(pixels: result.pipeline.pixels, caption: "as the network sees it")]),
                          .text("\(path): the network says \(result.prediction) (\(Format.percent(Double(result.ranked[0].probability), 1)))"),
                          .bars(result.ranked.map { Bar($0.label, Double($0.probability)) })])
        if let note = result.numberNote(command: "predict file \(Tokenizer.quoted(path)) --number") { out.append(.warning(note)) }
        if stages {
            appendFigure(result.stagesFigure(), name: OutputState.figureName("stages", of: path), caption: "the pipeline, stage by stage", to: &out, &context)
        }
        return out
    }

    /// The `--stages` figure beside the answer. One that cannot be written (outputs/ a
    /// link to nowhere, a full disk) is a warning, and the answer stays: it was lost, and
    /// the command line keeps it too.
    private func appendFigure(_ figure: Canvas, name: String, caption: String, to out: inout Output, _ context: inout CommandContext) {
        let png: [UInt8]
        do { png = try figure.png() } catch { out.append(.warning("the steps were not drawn: \(error)")); return }
        do { out.append(try context.picture(png, width: figure.width, height: figure.height, name: name, to: nil, caption: caption)) } catch {
            out.append(.warning("the steps were not drawn: \(error.message)"))
        }
    }

    /// A picture not read, in one line; with `--stages`, when the pipeline gave up on it,
    /// the steps it went through are drawn all the same (why "no digit found" is plain to
    /// see there) and the line says where.
    private func notRead(_ picture: PictureNotRead, drawingStages: Bool, number: Bool, _ context: inout CommandContext) -> CommandError {
        guard drawingStages, let figure = picture.stagesFigure(number: number), let png = try? figure.png() else {
            return CommandError(picture.description)
        }
        // A figure that cannot be written leaves the reason as it is.
        let target = context.state.outputs.nextPath(OutputState.figureName(number ? "number" : "stages", of: picture.path))
        guard (try? context.write(png, to: target)) != nil else { return CommandError(picture.description) }
        return CommandError("\(picture.description) (the steps up to there: \(target))")
    }

    /// `predict file PATH --number`: a line of digits, each found, cut out and read.
    private func predictNumber(_ path: String, _ net: Network, _ names: [String], stages: Bool,
                               _ context: inout CommandContext) throws(CommandError) -> Output {
        var result: NumberPrediction
        let helpers = LineHelpers.bundled(context.session.locator)
        do {
            result = try NumberPrediction.read(path, network: net, normalization: context.state.data.normalization, classNames: names,
                                               helpers: helpers)
        } catch { throw notRead(error, drawingStages: stages, number: true, &context) }
        result.stagesDrawn = stages
        let digits = result.reading.digits
        var out = Output([.digits(digits.map { Digit(pixels: $0.pixels, caption: "\($0.label) \(Format.percent(Double($0.probability), 0))") }),
                          .text("\(path): the network reads \(result.text)"),
                          .table(Table([.init("digit"), .init("sure", .right), .init("box (x, y, w, h)")],
                                       rows: digits.map { ["\($0.label)", Format.percent(Double($0.probability), 1), "\($0.box.x), \($0.box.y), \($0.box.width), \($0.box.height)"] }))])
        if !result.reading.marks.isEmpty {
            // Each mark, where it is ("26.11.2026": two points, not "a decimal point and more").
            let names = [".": "a point", ",": "a comma", "-": "a minus sign or dash", ":": "a colon"]
            let said = result.reading.marks.map { m in
                (names[m.character] ?? "a mark") + (m.after == 0 ? " before the first digit" : " after digit \(m.after)")
            }
            out.append(.text(said.joined(separator: ", ") + ": found by size and place on the line, not shown to the network"))
        }
        for note in result.notes { out.append(.warning(Sanitize.line(note))) }
        if let unsure = digits.filter({ $0.probability < 0.6 }).first {
            out.append(.warning("the network is unsure of the \(unsure.label) (\(Format.percent(Double(unsure.probability), 0))): check that digit, or try a clearer picture"))
        }
        if stages {
            appendFigure(result.stagesFigure(), name: OutputState.figureName("number", of: path),
                         caption: "the digits found, each as the network saw it", to: &out, &context)
        }
        return out
    }
}
