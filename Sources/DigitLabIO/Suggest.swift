/// "Did you mean …?": the known word nearest to a mistyped one.
public enum Suggest {
    /// A candidate the word is a prefix of (two letters or more), else the nearest within
    /// an edit distance of 2 (1 for words of up to three letters).
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let w = word.lowercased()
        guard w.count <= 80 else { return nil } // nothing is that long; edit distance would be slow
        if w.count >= 2, let p = candidates.first(where: { $0.lowercased().hasPrefix(w) }) { return p }
        // A word that starts with a candidate (`lrate` for `lr`).
        if let p = candidates.filter({ $0.count >= 2 && w.hasPrefix($0.lowercased()) }).max(by: { $0.count < $1.count }) { return p }
        let limit = w.count <= 3 ? 1 : 2
        let best = candidates.map { ($0, editDistance($0.lowercased(), w)) }.min { $0.1 < $1.1 }
        return best.flatMap { $0.1 <= limit ? $0.0 : nil }
    }

    /// ` — did you mean X?`, or "" when nothing is close.
    public static func hint(_ word: String, among candidates: [String]) -> String {
        closest(to: word, among: candidates).map { " — did you mean \($0)?" } ?? ""
    }

    /// Levenshtein distance.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var previous = row[0]
            row[0] = i
            for j in 1...b.count {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}
