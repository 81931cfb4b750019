/// Every command of the language, in `help` order. Adding a command means adding one
/// declaration to one of these lists.
public enum CommandTable {
    public static let all: [Command] =
        dataCommands + networkCommands + settingCommands + trainingCommands + evaluationCommands
        + predictionCommands + renderCommands + modelCommands + lessonCommands + sessionCommands

    public static func command(named name: String) -> Command? {
        all.first { $0.name == name } ?? aliases[name].flatMap { a in all.first { $0.name == a } }
    }

    static let aliases = ["exit": "quit", "?": "help"]

    /// The command name nearest to a mistyped one (edit distance ≤ 2, or a prefix).
    public static func closest(to word: String) -> String? {
        let names = all.map(\.name)
        if let p = names.first(where: { $0.hasPrefix(word) && word.count >= 2 }) { return p }
        let scored = names.map { ($0, editDistance($0, word)) }.min { $0.1 < $1.1 }
        return scored.flatMap { $0.1 <= 2 ? $0.0 : nil }
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(1, b.count) where !b.isEmpty {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}
