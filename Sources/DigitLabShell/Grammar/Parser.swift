import DigitLabCore
import DigitLabIO

/// Turns the words of a line into a command value, using only the declarations: it
/// never sees the session, so parsing cannot change it.
public enum Parser {
    public struct Parsed: Sendable {
        public let declaration: CommandDeclaration
        public let form: Form
        public let command: any ShellCommand
    }

    public static func parse(_ line: String) throws(CommandError) -> Parsed? {
        let words = try Tokenizer.words(line)
        guard !words.isEmpty else { return nil }
        return try parse(words: words)
    }

    /// Words a newcomer types from habit in other shells, with what does that here.
    static let familiar = [
        "clear": " — press Ctrl-L to clear the screen",
        "cls": " — press Ctrl-L to clear the screen",
        // `digitlab read PICTURE` outside the shell (lesson 15).
        "read": " — in the shell, `predict file PICTURE --number` reads a number",
    ]

    public static func parse(words: [String]) throws(CommandError) -> Parsed {
        let name = words[0]
        guard let declaration = CommandTable.declaration(named: name) else {
            let hint = familiar[name.lowercased()] ?? Suggest.hint(name, among: CommandTable.names)
            throw CommandError("unknown command '\(Sanitize.line(String(name.prefix(40))))'" + (hint.isEmpty ? " — type `help` for the list" : hint))
        }
        let rest = Array(words.dropFirst())
        let form = try matchForm(declaration, rest)
        let context = ([declaration.name] + form.words).joined(separator: " ")
        let parsed = try arguments(form, Array(rest.dropFirst(form.words.count)), context: context)
        do {
            return Parsed(declaration: declaration, form: form, command: try form.make(parsed))
        } catch let e as CommandError {
            throw e
        } catch {
            throw CommandError("\(context): \(error)")
        }
    }

    /// The form whose fixed words begin `rest` (the longest such), or the bare form.
    static func matchForm(_ d: CommandDeclaration, _ rest: [String]) throws(CommandError) -> Form {
        let matching = d.forms.filter { Array(rest.prefix($0.words.count)) == $0.words }
        if let best = matching.max(by: { $0.words.count < $1.words.count }),
           !best.words.isEmpty || rest.isEmpty || !d.forms.contains(where: { !$0.words.isEmpty }) || canStart(best, rest[0]) {
            return best
        }
        // No form matches: say which word is wrong and what could come there.
        var depth = 0
        while true {
            let candidates = d.forms.filter { $0.words.count > depth && Array($0.words.prefix(depth)) == Array(rest.prefix(depth)) }
            guard !candidates.isEmpty else { break }
            // What may come here: the next fixed words, and the keywords of a form that ends here.
            let keywords = d.forms.filter { $0.words.count == depth && Array($0.words) == Array(rest.prefix(depth)) }
                .flatMap { $0.arguments.compactMap(\.keyword) }
            let next = (keywords + candidates.map { $0.words[depth] }).uniqued()
            if depth < rest.count, next.contains(rest[depth]) { depth += 1; continue }
            let context = ([d.name] + rest.prefix(depth)).joined(separator: " ")
            // "one of name" read as nonsense when there is only one (`run lessons/x.txt`).
            let choices = next.count == 1 ? "only `\(next[0])` comes here (see `help \(d.name)`)" : "one of " + next.joined(separator: ", ")
            guard depth < rest.count else { throw CommandError("\(context): missing a word — \(choices)") }
            let word = Sanitize.line(String(rest[depth].prefix(40)))
            // A path where a word was wanted (`predict my-seven.png`): the one form that
            // takes a path after one more word is what was meant.
            let looksLikeAPath = rest[depth].contains("/") || rest[depth].range(of: #"\.[A-Za-z]{2,11}$"#, options: .regularExpression) != nil
            let pathForms = candidates.filter { f in
                f.words.count == depth + 1 && f.arguments.first.map { if case .path = $0.kind { true } else { false } } == true
            }
            let closest = Suggest.closest(to: rest[depth], among: next)
            if looksLikeAPath, pathForms.count == 1, closest == nil {
                let meant = ([d.name] + rest.prefix(depth) + [pathForms[0].words[depth], Tokenizer.quoted(rest[depth])]).joined(separator: " ")
                throw CommandError("\(context): unknown '\(word)' — a file goes after `\(pathForms[0].words[depth])`: \(Sanitize.line(meant))")
            }
            throw CommandError("\(context): unknown '\(word)'" + (closest.map { " — did you mean \($0)?" } ?? " — \(choices)"))
        }
        throw CommandError("\(d.name): see `help \(d.name)`")
    }

    /// Whether a form without fixed words can take `word` first (else the word is a
    /// mistyped sub-command, and the error should say so).
    static func canStart(_ form: Form, _ word: String) -> Bool {
        form.arguments.contains { a in a.keyword == word || (a.keyword == nil && fits(word, a)) }
    }

    static func arguments(_ form: Form, _ words: [String], context: String) throws(CommandError) -> ParsedArguments {
        var parsed = ParsedArguments(context: context)
        let keyworded = form.arguments.filter { $0.keyword != nil }
        let positional = form.arguments.filter { $0.keyword == nil }
        var slot = 0
        var i = 0
        // Where the words after a path begin: a word there that fits nothing is most likely
        // the rest of a path with spaces typed without quotes.
        var afterPath: Int?
        while i < words.count {
            let w = words[i]
            if let k = keyworded.first(where: { $0.keyword == w }) {
                guard parsed[k.key] == nil else { throw CommandError("\(context): \(w) given twice") }
                if case .flag = k.kind { parsed.values[k.key] = .flag; i += 1; continue }
                if let implied = k.implied, i + 1 == words.count || !fits(words[i + 1], k) {
                    parsed.values[k.key] = .number(implied); i += 1; continue
                }
                guard i + 1 < words.count else {
                    throw CommandError("\(context): \(w) needs \(describe(k)) — see `help \(context)`")
                }
                parsed.values[k.key] = try convert(words[i + 1], k, context: context)
                i += 2
                continue
            }
            var consumed = false
            var skipped: Argument?
            while slot < positional.count {
                let p = positional[slot]
                slot += 1
                switch p.kind {
                case .layers:
                    parsed.values[p.key] = .layers(try LayerGrammar.parse(Array(words[i...]), context: context))
                    i = words.count; consumed = true
                case .words:
                    parsed.values[p.key] = .words(Array(words[i...]))
                    i = words.count; consumed = true
                default:
                    if p.optional && !fits(w, p) { skipped = skipped ?? p; continue }
                    parsed.values[p.key] = try convert(w, p, context: context)
                    i += 1; consumed = true
                    if case .path = p.kind { afterPath = i }
                }
                break
            }
            if !consumed, let sk = skipped, slot == positional.count {
                if case .choice = sk.kind { _ = try convert(w, sk, context: context) }
                if case .int = sk.kind, Int(w) != nil { _ = try convert(w, sk, context: context) }
            }
            guard consumed else {
                // A mistyped option (`--numbr`) gets the option meant; a word right after a
                // path, how to give a path with spaces.
                let unexpected = "\(context): unexpected '\(Sanitize.line(String(w.prefix(40))))'"
                if w.hasPrefix("-"), let meant = Suggest.closest(to: w, among: keyworded.compactMap(\.keyword)) {
                    throw CommandError("\(unexpected) — did you mean \(meant)?")
                }
                let quote = afterPath == i && !w.hasPrefix("-") ? "; a path with spaces goes in quotes (\"my digits/7.png\")" : ""
                throw CommandError("\(unexpected) — usage: \(form.usage(context.split(separator: " ").first.map(String.init) ?? context))" + quote)
            }
        }
        for a in form.arguments where !a.optional && parsed[a.key] == nil {
            throw CommandError("\(context): missing \(describe(a)) — usage: \(form.usage(String(context.split(separator: " ")[0])))")
        }
        return parsed
    }

    /// Whether a word can be the value of an optional argument (else the argument is skipped).
    static func fits(_ w: String, _ a: Argument) -> Bool {
        switch a.kind {
        case .int: return Int(w) != nil
        case .number: return Double(w) != nil
        case .seed: return UInt64(w) != nil
        case .choice(let words): return words.contains(w)
        case .image: return Int(w) != nil || w == "drawing"
        case .indexRange: return w.first?.isNumber == true
        case .bytes: return w.first?.isNumber == true
        case .path, .word, .layers, .words: return true
        case .flag: return false
        }
    }

    /// How a message names an argument: its help text, else its placeholder.
    static func describe(_ a: Argument) -> String { a.help.isEmpty ? a.placeholder : "\(a.placeholder) (\(a.help))" }

    static func convert(_ w: String, _ a: Argument, context: String) throws(CommandError) -> ParsedArguments.Value {
        let shown = "'\(Sanitize.line(String(w.prefix(40))))\(w.count > 40 ? "…" : "")'"
        let name = a.help.isEmpty ? a.placeholder : "\(a.placeholder) (\(a.help))"
        switch a.kind {
        case .int(let range):
            guard let v = Int(w), range.contains(v) else {
                throw CommandError("\(context): \(name) must be a whole number \(describe(range)), got \(shown)")
            }
            return .int(v)
        case .number(let range):
            guard let v = Double(w), v.isFinite, range.contains(v) else {
                throw CommandError("\(context): \(name) must be a number \(describe(range)), got \(shown)")
            }
            return .number(v)
        case .seed:
            guard let v = UInt64(w) else { throw CommandError("\(context): \(a.placeholder) must be a whole number from 0 to 18446744073709551615, got \(shown)") }
            return .seed(v)
        case .choice(let words):
            guard words.contains(w) else {
                throw CommandError("\(context): \(shown) is not one of \(words.joined(separator: ", "))" + Suggest.hint(w, among: words))
            }
            return .word(w)
        case .path, .word:
            guard !w.isEmpty else { throw CommandError("\(context): \(name) cannot be empty") }
            return .word(w)
        case .image:
            if w == "drawing" { return .image(.drawing) }
            guard let v = Int(w), v >= 0 else {
                throw CommandError("\(context): \(a.placeholder) must be a test image number (0, 1, …) or `drawing`, got \(shown)")
            }
            return .image(.index(v))
        case .indexRange:
            let parts = w.components(separatedBy: "..")
            let bounds = parts.compactMap { Int($0) }
            guard bounds.count == parts.count, (1...2).contains(bounds.count), bounds.allSatisfy({ $0 >= 0 }), bounds[0] <= bounds[bounds.count - 1] else {
                throw CommandError("\(context): \(shown) is not an image number or a range such as 0..5")
            }
            return .range(bounds[0]...bounds[bounds.count - 1])
        case .bytes:
            guard let v = ByteSize.parse(w) else {
                throw CommandError("\(context): \(name) must be a size such as 512MB or 2GB, got \(shown)")
            }
            return .bytes(v)
        case .layers: return .layers(try LayerGrammar.parse([w], context: context))
        case .words: return .words([w])
        case .flag: return .flag
        }
    }

    static func describe(_ r: ClosedRange<Int>) -> String {
        r.upperBound == Int.max ? "≥ \(r.lowerBound)" : "from \(Format.count(r.lowerBound)) to \(Format.count(r.upperBound))"
    }

    static func describe(_ r: ClosedRange<Double>) -> String {
        r.upperBound == .greatestFiniteMagnitude ? "≥ \(Format.number(r.lowerBound))"
            : "from \(Format.number(r.lowerBound)) to \(Format.number(r.upperBound))"
    }
}

/// `512MB`, `2GB`, `1.5G`, `800M`: bytes (powers of 1024).
enum ByteSize {
    static func parse(_ w: String) -> Int? {
        let upper = w.uppercased()
        let units: [(String, Double)] = [("GB", 1_073_741_824), ("G", 1_073_741_824), ("MB", 1_048_576), ("M", 1_048_576), ("KB", 1024), ("K", 1024)]
        for (suffix, factor) in units where upper.hasSuffix(suffix) {
            guard let v = Double(upper.dropLast(suffix.count)), v.isFinite, v > 0, v * factor < 1e15 else { return nil }
            return Int(v * factor)
        }
        return nil
    }

    static func describe(_ bytes: Int) -> String {
        bytes >= 1 << 30 ? Format.fixed(Double(bytes) / Double(1 << 30), 1) + " GB"
            : Format.fixed(Double(bytes) / Double(1 << 20), 0) + " MB"
    }
}

extension Array where Element: Hashable {
    /// The elements in order, each once.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
