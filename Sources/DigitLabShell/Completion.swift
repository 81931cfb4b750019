@preconcurrency import CReadline
import Glibc
import DigitLabCore

/// Tab completion from the command table: command names first, then the words each
/// command declares (sub-commands, layer types, setting names); file names after
/// `load idx`, where a folder is expected.
enum Completion {
    /// Candidates for the word being completed; readline asks for them one by one.
    nonisolated(unsafe) static var candidates: [String] = []
    nonisolated(unsafe) static var next = 0

    static func install() {
        rl_attempted_completion_function = { text, start, _ in
            let line = rl_line_buffer.map { String(cString: $0) } ?? ""
            let before = String(line.utf8.prefix(Int(start))) ?? ""
            let words = before.split(separator: " ").map(String.init)
            let prefix = text.map { String(cString: $0) } ?? ""
            if (words.first == "load" && ["idx", "model"].contains(words.last)) || (words.first == "save" && words.last == "model")
                || (words.first == "render" && words.last == "to") {
                return nil // readline's own file-name completion
            }
            rl_attempted_completion_over = 1 // no file names elsewhere
            Completion.candidates = Completion.words(after: words).filter { $0.hasPrefix(prefix) }
            Completion.next = 0
            return rl_completion_matches(text) { _, _ in
                guard Completion.next < Completion.candidates.count else { return nil }
                defer { Completion.next += 1 }
                return strdup(Completion.candidates[Completion.next])
            }
        }
    }

    /// What may follow the words already typed.
    static func words(after typed: [String]) -> [String] {
        guard let name = typed.first else { return CommandTable.all.map(\.name) }
        guard let command = CommandTable.command(named: name) else { return [] }
        switch (name, typed.dropFirst().first, typed.count) {
        case ("help", _, _): return CommandTable.all.map(\.name)
        case ("net", nil, _): return ["new", "add", "pop", "preset", "summary"]
        case ("net", "add", 2): return LayerSpec.typeNames
        case ("net", "add", _): return Activation.allCases.map(\.rawValue) + ["stride", "pad", "same"]
        case ("net", "preset", _): return Preset.all.map(\.name)
        case ("set", nil, _): return CommandTable.settingNames
        case ("set", "optimizer", _): return OptimizerKind.allCases.map(\.rawValue)
        case ("set", "loss", _): return Loss.allCases.map(\.rawValue)
        case ("set", "init", _): return Initializer.allCases.map(\.rawValue)
        case ("set", "schedule", _): return ["constant", "step", "cosine", "onecycle"]
        case ("train", nil, _): return ["step", "epoch", "until"]
        case ("train", "until", 2): return EarlyStopping.Metric.allCases.map(\.rawValue)
        case ("train", "until", 3): return EarlyStopping.Comparison.allCases.map(\.rawValue)
        case ("train", "until", _): return ["max", "patience"]
        default: return command.words
        }
    }
}
