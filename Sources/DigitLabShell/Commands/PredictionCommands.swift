import DigitLabCore
import DigitLabIO
import DigitLabViz
import Foundation

extension CommandTable {
    static let predictionCommands: [Command] = [
        Command("show", step: .dataset, usage: "show train|validation|test INDEX|A..B",
                summary: "Digits in the terminal (half-block greyscale) with their labels; a range shows up to 24 side by side.",
                example: "show train 0..5", words: ["train", "validation", "test"],
                action: { s, a in try s.show(a) }),
        Command("predict", step: .prediction, usage: "predict test|validation INDEX | predict file PATH.png [--stages]",
                summary: "The digit, the network's answer, the true label and the top-3 probabilities as bars. `predict file` reads your own picture (any PNG: photo, scan, drawing), turns it into an MNIST-style 28x28 digit and classifies it; --stages also writes the steps as a PNG strip.",
                example: "predict file my-seven.png --stages", words: ["test", "validation", "file", "--stages"],
                action: { s, a in try s.predict(a) }),
    ]
}

extension Session {
    var preview: HalfBlockPreview { HalfBlockPreview(useColor: useColor) }

    /// Parses `7` or `3..9` (inclusive) within `count` images.
    func indexRange(_ word: String, count: Int) throws(CommandError) -> ClosedRange<Int> {
        let parts = word.split(separator: ".", omittingEmptySubsequences: true)
        let bounds = parts.compactMap { Int($0) }
        guard bounds.count == parts.count, (bounds.count == 1 && !word.contains("..")) || (bounds.count == 2 && word.contains("..")),
              let lo = bounds.first, let hi = bounds.last, lo <= hi else {
            throw CommandError("'\(word)' is not an index or a range such as 0..5")
        }
        guard lo >= 0, hi < count else {
            throw CommandError("index \(lo < 0 ? lo : hi) is out of range: this split has images 0..\(count - 1)")
        }
        return lo...hi
    }

    func show(_ args: Arguments) throws(CommandError) -> String {
        var a = args
        let split = try a.next("a split (train, validation or test)")
        let which = try a.next("an index or a range such as 0..5")
        try a.done()
        let set = try images(split)
        let range = try indexRange(which, count: set.count)
        guard range.count <= 24 else { throw CommandError("show: at most 24 images at a time, asked for \(range.count)") }
        let names = try requireData().classNames
        return preview.gallery(range.map { (set.image($0), "#\($0): \(names[Int(set.labels[$0])])") },
                               rows: set.rows, columns: set.columns)
    }

    func predict(_ args: Arguments) throws(CommandError) -> String {
        var a = args
        let split = try a.next("test, validation or file")
        if split == "file" { return try predictFile(&a) }
        guard split == "test" || split == "validation" else {
            throw CommandError("predict: '\(split)' — use predict test INDEX, predict validation INDEX or predict file PATH")
        }
        let which = try a.next("an image index")
        try a.done()
        let set = try images(split)
        let index = try indexRange(which, count: set.count).lowerBound
        let (net, data) = try requireCompatibleNetwork()
        let (x, labels) = normalization.batch(set, indices: [index])
        let p = net.probabilities(x).data
        let ranked = classesByProbability(p)
        let answer = ranked[0]
        var lines = preview.lines(set.image(index), rows: set.rows, columns: set.columns)
        let verdict = answer == labels[0] ? "right" : "wrong"
        lines.append("\(split) #\(index): the network says \(data.classNames[answer]) (\(Format.percent(Double(p[answer]), 1))); the label is \(data.classNames[labels[0]]) — \(verdict)")
        for c in ranked.prefix(3) {
            lines.append("  \(Format.pad(data.classNames[c], 10)) \(Format.padLeft(Format.percent(Double(p[c]), 1), 6)) \(probabilityBar(Double(p[c]), width: 30))")
        }
        return lines.joined(separator: "\n")
    }
}

extension Session {
    func predictFile(_ a: inout Arguments) throws(CommandError) -> String {
        let stages = a.flag("--stages")
        let path = resolve(try a.next("a PNG file"))
        try a.done()
        let net = try requireNetwork()
        let names = dataset?.classNames ?? (0..<(net.outputShape.first ?? 10)).map(String.init)
        guard net.inputShape == [1, 28, 28], net.outputShape == [names.count] else {
            throw CommandError("predict file: the network must take 1x28x28 and end with \(names.count) outputs")
        }
        let result: ImagePrediction
        do {
            result = try ImagePrediction.classify(path, network: net, normalization: normalization, classNames: names)
        } catch {
            throw CommandError(error.description)
        }
        var lines = preview.lines(result.pipeline.pixels[...], rows: 28, columns: 28)
        lines.append("\(path): the network says \(result.prediction)")
        for (label, p) in result.ranked {
            lines.append("  \(Format.pad(label, 10)) \(Format.padLeft(Format.percent(Double(p), 1), 6)) \(probabilityBar(Double(p), width: 30))")
        }
        if stages {
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            let out = "\(outputFolder)/stages-\(name).png"
            do { try AtomicFile.write(try result.stagesFigure().png(), to: out, policy: .anywhere.creating(outputFolder)) } catch { throw CommandError("\(error)") }
            wrote(out)
            lines.append("wrote \(out) (the pipeline, stage by stage)")
        }
        return lines.joined(separator: "\n")
    }
}
