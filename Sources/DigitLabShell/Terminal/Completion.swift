import DigitLabCore

/// What tab completion offers after the words already typed, from the command
/// declarations alone: command names, sub-command words, keywords, choices, layer types,
/// lesson names — or file names where a path is expected.
enum Completion {
    enum Result: Equatable {
        case words([String])
        /// Let readline complete file names (quoted, so the parser reads them back).
        case files
        /// File names too, but only folders are offered (`load folder`, `load idx`).
        case folders
    }

    /// - Parameters:
    ///   - typed: the complete words before the one being completed.
    ///   - lessons: lesson names, for `lesson start`.
    static func candidates(after typed: [String], lessons: [String] = [], runs: [String] = []) -> Result {
        guard let name = typed.first else { return .words(CommandTable.all.flatMap { [$0.name] + $0.aliases }) }
        guard let d = CommandTable.declaration(named: name) else { return .words([]) }
        let rest = Array(typed.dropFirst())
        if d.name == "help" { return helpWords(Array(rest)) }
        // Fixed words still being typed.
        let partial = d.forms.filter { $0.words.count > rest.count && Array($0.words.prefix(rest.count)) == rest }
        var words = partial.map { $0.words[rest.count] }.uniqued()
        // Arguments of the forms already matched.
        let matched = d.forms.filter { $0.words.count <= rest.count && Array(rest.prefix($0.words.count)) == $0.words }
        for form in matched {
            let after = Array(rest.dropFirst(form.words.count))
            if let last = after.last, let k = form.arguments.first(where: { $0.keyword == last && !$0.kind.isFlag }) {
                return values(k, lessons: lessons, runs: runs) // the value of a keyword
            }
            if form.arguments.contains(where: { if case .layers = $0.kind { return true } else { return false } }) {
                return .words(layerWords(after))
            }
            let positional = form.arguments.filter { $0.keyword == nil }
            let filled = after.filter { w in !form.arguments.contains { $0.keyword == w } }.count
            if filled < positional.count {
                switch values(positional[filled], lessons: lessons, runs: runs) {
                case .words(let w): words += w
                case let paths: return paths
                }
            }
            // Keywords once the required values are there.
            if !positional.prefix(max(filled, 0) + 1).contains(where: { !$0.optional }) || filled >= positional.filter({ !$0.optional }).count {
                words += form.arguments.compactMap { a in a.keyword.flatMap { after.contains($0) ? nil : $0 } }
            }
        }
        return .words(words.uniqued())
    }

    static func values(_ a: Argument, lessons: [String], runs: [String]) -> Result {
        switch a.kind {
        case .choice(let c): return .words(c)
        case .path(.readFolder): return .folders
        case .path: return .files
        case .image: return .words(["drawing"])
        case .words: return .words(runs)
        case .word where a.placeholder == "NAME" && a.help.contains("lesson"): return .words(lessons)
        default: return .words([])
        }
    }

    /// After `help`: a command name, then that command's sub-command words (`help net add`,
    /// `help set lr`), which is as deep as help goes.
    static func helpWords(_ rest: [String]) -> Result {
        guard let first = rest.first else { return .words(CommandTable.names) }
        guard let d = CommandTable.declaration(named: first) else { return .words([]) }
        let sub = Array(rest.dropFirst())
        return .words(d.forms.filter { $0.words.count > sub.count && Array($0.words.prefix(sub.count)) == sub }
            .map { $0.words[sub.count] }.uniqued())
    }

    /// After `net add`: a layer type, or what may follow the last one.
    static func layerWords(_ after: [String]) -> [String] {
        let activations = Activation.allCases.map(\.rawValue)
        if let i = after.lastIndex(of: "conv"), after.count - i <= 2 { return [] } // filters, then the kernel
        if after.last == "pad" { return ["same", "0", "1", "2"] }
        var words = LayerGrammar.typeNames
        if after.contains("conv") { words += ["stride", "pad"] }
        return words + (after.isEmpty ? [] : activations).filter { !words.contains($0) }
    }
}
