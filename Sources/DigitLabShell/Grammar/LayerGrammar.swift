import DigitLabCore
import DigitLabIO

/// The words of `net add`: one or more layers in a row,
/// `conv 8 3x3 relu maxpool 2 flatten dense 10`. Each layer's numbers are checked
/// against generous bounds here (so a typo such as `pad 9223372036854775807` is one line),
/// and against the shape it follows when it is added.
public enum LayerGrammar {
    /// The layer types, for help and completion.
    public static let typeNames = ["dense", "conv", "maxpool", "avgpool", "flatten", "dropout", "batchnorm"]
        + Activation.allCases.map(\.rawValue)

    /// What `help net add` shows for the layers.
    public static let usage = [
        "dense UNITS", "conv FILTERS KxK [stride S] [pad P|same]", "maxpool K", "avgpool K", "flatten",
        "dropout P", "batchnorm", Activation.allCases.map(\.rawValue).joined(separator: "|"),
    ]

    static let units = 1...65_536, filters = 1...1_024, kernel = 1...32, stride = 1...16, padding = 0...32, pool = 1...28

    public static func parse(_ words: [String], context: String) throws(CommandError) -> [LayerSpec] {
        guard !words.isEmpty else {
            throw CommandError("\(context): missing a layer — one of \(typeNames.joined(separator: ", "))")
        }
        var specs = [LayerSpec]()
        var i = 0
        func next(_ what: String, _ type: String) throws(CommandError) -> String {
            guard i < words.count else { throw CommandError("\(context) \(type): missing \(what) — see `help net add`") }
            i += 1
            return words[i - 1]
        }
        func int(_ what: String, _ type: String, _ range: ClosedRange<Int>) throws(CommandError) -> Int {
            let w = try next(what, type)
            guard let v = Int(w), range.contains(v) else {
                throw CommandError("\(context) \(type): \(what) must be a whole number from \(range.lowerBound) to \(Format.count(range.upperBound)), got '\(Sanitize.line(String(w.prefix(40))))'")
            }
            return v
        }
        while i < words.count {
            let type = words[i]
            i += 1
            switch type {
            case "dense":
                specs.append(.dense(units: try int("the number of units", type, units)))
            case "conv":
                let count = try int("the number of filters", type, filters)
                let sizeWord = try next("a kernel size such as 5x5", type)
                let parts = sizeWord.split(separator: "x", omittingEmptySubsequences: false)
                guard let k = Int(parts.first ?? ""), kernel.contains(k), parts.count <= 2, parts.count == 1 || Int(parts[1]) == k else {
                    throw CommandError("\(context) conv: the kernel size must look like 5x5 (square, 1 to \(kernel.upperBound)), got '\(Sanitize.line(String(sizeWord.prefix(40))))'")
                }
                var s = 1, pad = LayerSpec.Padding.fixed(0)
                while i < words.count, words[i] == "stride" || words[i] == "pad" {
                    let key = words[i]
                    i += 1
                    if key == "stride" { s = try int("the stride", "conv", stride); continue }
                    let p = try next("a padding (a number or same)", "conv")
                    if p == "same" { pad = .same } else if let n = Int(p), padding.contains(n) { pad = .fixed(n) } else {
                        throw CommandError("\(context) conv: pad takes a number from 0 to \(padding.upperBound) or `same`, got '\(Sanitize.line(String(p.prefix(40))))'")
                    }
                }
                specs.append(.conv(filters: count, kernel: k, stride: s, padding: pad))
            case "maxpool": specs.append(.maxpool(size: try int("the pool size", type, pool)))
            case "avgpool": specs.append(.avgpool(size: try int("the pool size", type, pool)))
            case "flatten": specs.append(.flatten)
            case "batchnorm": specs.append(.batchnorm)
            case "dropout":
                let w = try next("the drop probability", type)
                guard let p = Float(w), p >= 0, p < 1 else {
                    throw CommandError("\(context) dropout: the probability must be a number in [0, 1), got '\(Sanitize.line(String(w.prefix(40))))'")
                }
                specs.append(.dropout(rate: p))
            default:
                guard let a = Activation(rawValue: type) else {
                    throw CommandError("\(context): unknown layer '\(Sanitize.line(String(type.prefix(40))))'"
                        + (Suggest.closest(to: type, among: typeNames).map { " — did you mean \($0)?" } ?? " — one of \(typeNames.joined(separator: ", "))"))
                }
                specs.append(.activation(a))
            }
        }
        return specs
    }
}
