import DigitLabCore
import Foundation

/// One `expect` line: a value of the session compared with a number or with another
/// value (`expect run.standardised.validation.accuracy > run.raw.validation.accuracy`),
/// or a file that must exist. `quick VALUE` is the threshold when lessons replay on a
/// small subset (the test suite); `try …` says what to do when the check fails.
public struct Expectation: Sendable, Equatable {
    public enum Operand: Sendable, Equatable {
        case value(String)
        case number(Double)
    }
    public enum Check: Sendable, Equatable {
        case compare(Operand, EarlyStopping.Comparison, Operand, quick: Double?)
        case file(String)
    }
    public let check: Check
    public let text: String
    /// What to try when it fails.
    public let hint: String?

    public static let values = ["test.accuracy", "validation.accuracy", "train.accuracy", "test.loss", "validation.loss",
                                "train.loss", "train.count", "test.count", "validation.count", "network.layers",
                                "network.parameters", "epochs", "steps"]
    /// `run.NAME.` followed by one of these: the best validation accuracy, the last train
    /// loss and accuracy, the epochs of a named run.
    public static let runValues = ["validation.accuracy", "train.loss", "train.accuracy", "epochs"]

    static func parse(_ raw: String) throws(CommandError) -> Expectation {
        var body = raw.trimmingCharacters(in: .whitespaces)
        var hint: String?
        if let r = body.range(of: " try ") {
            hint = String(body[r.upperBound...]).trimmingCharacters(in: .whitespaces)
            body = String(body[..<r.lowerBound])
        }
        let words = body.split(separator: " ").map(String.init)
        guard let first = words.first else { throw CommandError("expect needs a check, e.g. `expect test.accuracy >= 0.97`") }
        if first == "file" {
            guard words.count == 2 else { throw CommandError("expect file takes one path") }
            return Expectation(check: .file(words[1]), text: body, hint: hint)
        }
        let left = try operand(first)
        guard words.count == 3 || (words.count == 5 && words[3] == "quick"), let op = EarlyStopping.Comparison(rawValue: words[1]) else {
            throw CommandError("expect: write `expect VALUE OP VALUE [quick NUMBER] [try WHAT TO DO]` with OP one of >=, >, <=, <")
        }
        let right = try operand(words[2])
        var quick: Double?
        if words.count == 5 {
            guard let q = Double(words[4]) else { throw CommandError("expect: quick needs a number, got '\(Sanitize.line(words[4]))'") }
            quick = q
        }
        guard case .value = left else { throw CommandError("expect: start with a value such as test.accuracy, got '\(Sanitize.line(first))'") }
        return Expectation(check: .compare(left, op, right, quick: quick), text: body, hint: hint)
    }

    static func operand(_ w: String) throws(CommandError) -> Operand {
        if let n = Double(w) { return .number(n) }
        if values.contains(w) { return .value(w) }
        if w.hasPrefix("run."), let name = runName(w), !name.isEmpty { return .value(w) }
        throw CommandError("expect: unknown value '\(Sanitize.line(w))' — one of \(values.joined(separator: ", ")), run.NAME.(\(runValues.joined(separator: "|"))), or file PATH")
    }

    /// `run.fast.validation.accuracy` → `fast`.
    static func runName(_ w: String) -> String? {
        for v in runValues where w.hasSuffix("." + v) { return String(w.dropFirst(4).dropLast(v.count + 1)) }
        return nil
    }

    /// Checks against the session: the line to show, or what was found instead.
    func evaluate(_ state: SessionState, quick: Bool) -> (passed: Bool, line: String) {
        switch check {
        case .file(let path):
            let exists = FileManager.default.fileExists(atPath: path)
            return (exists, exists ? "\(path) exists" : "expected the file \(path), but it does not exist")
        case let .compare(left, op, right, quickValue):
            do {
                let a = try Self.value(left, state)
                var b = try Self.value(right, state)
                if case .number = right, quick, let q = quickValue { b = q }
                let shown = Self.show(right, b)
                if op.holds(a, b) { return (true, "\(Self.name(left)) \(op.rawValue) \(shown) (it is \(Self.format(a)))") }
                return (false, "expected \(Self.name(left)) \(op.rawValue) \(shown), but it is \(Self.format(a))")
            } catch {
                return (false, "\(text): \(error.message)")
            }
        }
    }

    static func name(_ o: Operand) -> String {
        switch o { case .value(let v): return v; case .number(let n): return format(n) }
    }
    static func show(_ o: Operand, _ v: Double) -> String {
        switch o { case .value(let name): return "\(name) (\(format(v)))"; case .number: return format(v) }
    }
    static func format(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e12 ? Format.count(Int(v)) : Format.fixed(v, 4) }

    static func value(_ o: Operand, _ state: SessionState) throws(CommandError) -> Double {
        switch o {
        case .number(let n): return n
        case .value(let name): return try value(named: name, state)
        }
    }

    static func value(named name: String, _ state: SessionState) throws(CommandError) -> Double {
        func require<T>(_ v: T?, _ message: String) throws(CommandError) -> T {
            guard let v else { throw CommandError(message) }
            return v
        }
        let data = state.data.dataset
        switch name {
        case "test.accuracy", "test.loss", "validation.accuracy", "validation.loss":
            let split = String(name.prefix { $0 != "." })
            let d = try require(data, "no data loaded")
            let set = try require(split == "test" ? d.test : d.validation, "there is no \(split) set")
            let net = try require(state.model.network, "no network yet")
            guard !set.isEmpty, net.outputShape == [d.classNames.count], net.inputShape == [1, set.rows, set.columns] else {
                throw CommandError("the network does not fit the data")
            }
            let e = net.evaluate(set, normalization: state.data.normalization, loss: state.settings.training.loss)
            return name.hasSuffix("accuracy") ? e.accuracy : Double(e.loss)
        case "train.accuracy", "train.loss":
            let last = try require(state.model.metrics.epochs.last, "no epoch trained yet")
            return name == "train.accuracy" ? last.trainAccuracy : Double(last.trainLoss)
        case "train.count": return Double(try require(data, "no data loaded").train.count)
        case "test.count": return Double(try require(data, "no data loaded").test.count)
        case "validation.count": return Double(try require(data, "no data loaded").validation?.count ?? 0)
        case "network.layers": return Double(state.model.network?.layers.count ?? 0)
        case "network.parameters": return Double(state.model.network?.parameterCount ?? 0)
        case "epochs": return Double(state.model.trainer?.epochsCompleted ?? 0)
        case "steps": return Double(state.model.trainer?.stepsTaken ?? 0)
        default:
            guard let runName = runName(name) else { throw CommandError("unknown value '\(name)'") }
            let run = try require(Runs.all(state).first { $0.name == runName || $0.name == runName + " (current)" },
                                  "there is no run named '\(runName)' (`runs` lists them)")
            switch String(name.dropFirst(4 + runName.count + 1)) {
            case "validation.accuracy": return try require(run.bestValidationAccuracy, "run '\(runName)' has no validation accuracy")
            case "train.loss": return Double(try require(run.lastTrainLoss, "run '\(runName)' has not trained"))
            case "train.accuracy": return try require(run.metrics.epochs.last?.trainAccuracy, "run '\(runName)' has no finished epoch")
            default: return Double(run.metrics.epochs.count)
            }
        }
    }
}
