import DigitLabCore
import DigitLabIO

extension CommandTable {
    static let evaluationCommands: [Command] = [
        Command("eval", step: .testing, usage: "eval [test|validation|train]",
                summary: "Accuracy, loss, per-class precision/recall/F1 and the five most confused pairs on a split (test by default).",
                example: "eval validation", words: ["test", "validation", "train"],
                action: { s, a in try s.evaluate(a) }),
    ]
}

extension Session {
    func images(_ split: String) throws(CommandError) -> LabeledImages {
        let d = try requireData()
        switch split {
        case "test": return d.test
        case "train": return d.train
        case "validation":
            guard let v = d.validation else { throw CommandError("there is no validation set — `split validation 5000` first") }
            return v
        default: throw CommandError("unknown split '\(split)' — test, validation or train")
        }
    }

    func evaluate(_ args: Arguments) throws(CommandError) -> String {
        var a = args
        let split = a.isEmpty ? "test" : try a.next("a split")
        try a.done()
        let set = try images(split)
        let (net, data) = try requireCompatibleNetwork()
        let e = net.evaluate(set, normalization: normalization, loss: settings.loss)
        var lines = ["\(split): accuracy \(Format.percent(e.accuracy)) (\(Format.count(e.confusion.correct)) of \(Format.count(e.count))), loss \(Format.fixed(e.loss, 4))",
                     "  class        precision  recall     F1    images"]
        for c in 0..<e.classes {
            let n = (0..<e.classes).reduce(0) { $0 + e.confusion[c, $1] }
            lines.append("  \(Format.pad(data.classNames[c], 11)) \(Format.padLeft(Format.percent(e.confusion.precision(c), 1), 9)) \(Format.padLeft(Format.percent(e.confusion.recall(c), 1), 7)) \(Format.padLeft(Format.percent(e.confusion.f1(c), 1), 7)) \(Format.padLeft(String(n), 8))")
        }
        let pairs = e.confusion.mostConfused(5)
        if !pairs.isEmpty {
            lines.append("most confused (true → predicted): " + pairs.map { "\(data.classNames[$0.truth]) → \(data.classNames[$0.predicted]) ×\($0.count)" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
