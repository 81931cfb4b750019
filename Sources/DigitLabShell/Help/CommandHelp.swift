import DigitLabIO

/// `help`: the commands by step, one command or sub-command in detail, or a concept.
enum Help {
    static func answer(_ words: [String]) throws(CommandError) -> Output {
        guard let first = words.first else { return overview() }
        if words == ["topics"] || words == ["concepts"] {
            return Output([.text("Concepts (`help TOPIC`):\n  " + Concepts.names.joined(separator: ", "))])
        }
        if let d = CommandTable.declaration(named: first) {
            let rest = Array(words.dropFirst())
            guard !rest.isEmpty else {
                var out = Output([.text(detail(d, d.forms))])
                if case .found(let c) = Concepts.lookup(first) { out.append(.hint("the idea behind it: `help \(c.name)`")) }
                return out
            }
            let forms = d.forms.filter { Array($0.words.prefix(rest.count)) == rest }
            guard !forms.isEmpty else {
                let next = d.forms.compactMap(\.words.first).uniqued()
                throw CommandError("help \(d.name): no sub-command '\(Sanitize.line(String(rest.joined(separator: " ").prefix(40))))'" + Suggest.hint(rest[0], among: next)
                                   + (next.isEmpty ? "" : " — \(d.name) has \(next.joined(separator: ", "))"))
            }
            return Output([.text(detail(d, forms))])
        }
        let topic = words.joined(separator: " ")
        switch Concepts.lookup(topic) {
        case .found(let c): return Output([.text(c.helpText)])
        case .unknown(let suggestions):
            let commands = Suggest.closest(to: topic, among: CommandTable.names).map { [$0] } ?? []
            let all = (commands + suggestions).uniqued()
            throw CommandError("help: no command or topic '\(Sanitize.line(topic.count > 40 ? topic.prefix(40) + "…" : topic))'" + (all.isEmpty ? "" : " — did you mean \(all.joined(separator: ", "))?") + " (`help` lists the commands, `help topics` the ideas)")
        }
    }

    static func overview() -> Output {
        var lines = ["Commands, in the order of the steps (`help COMMAND` for details, `help COMMAND SUB` for one form, `help topics` for the ideas):"]
        for step in Step.allCases {
            let ds = CommandTable.all.filter { $0.step == step }
            guard !ds.isEmpty else { continue }
            lines.append("  \(step.rawValue):")
            for d in ds { lines.append("    \(Format.pad(d.name, 10))  \(d.summary)") }
        }
        return Output([.text(lines.joined(separator: "\n"))])
    }

    /// A command's forms with their arguments and examples.
    static func detail(_ d: CommandDeclaration, _ forms: [Form]) -> String {
        var lines = ["\(d.name) — \(d.summary)"]
        for f in forms {
            lines.append("")
            lines.append("  " + f.usage(d.name))
            lines.append("      " + f.summary)
            for a in f.arguments where !a.help.isEmpty {
                lines.append("      \(a.keyword.map { a.kind.isFlag ? $0 : "\($0) \(a.placeholder)" } ?? a.placeholder): \(a.help)\(describe(a.kind))")
            }
            if f.arguments.contains(where: { if case .layers = $0.kind { return true } else { return false } }) {
                lines.append("      layers:")
                for u in LayerGrammar.usage { lines.append("        " + u) }
            }
            lines.append("      example: \(f.example)")
        }
        return lines.joined(separator: "\n")
    }

    static func describe(_ k: Argument.Kind) -> String {
        switch k {
        case .int(let r): return " (a whole number \(Parser.describe(r)))"
        case .number(let r): return " (a number \(Parser.describe(r)))"
        case .choice(let c) where c.count > 4: return " (\(c.joined(separator: ", ")))"
        default: return ""
        }
    }
}

extension Argument.Kind {
    var isFlag: Bool { if case .flag = self { return true } else { return false } }
}
