/// Counts of (true class, predicted class): rows are the truth, columns the answer.
public struct ConfusionMatrix: Sendable, Equatable {
    public let classes: Int
    public private(set) var counts: [Int]   // row-major, classes x classes

    public init(classes: Int = 10) {
        self.classes = classes
        counts = [Int](repeating: 0, count: classes * classes)
    }

    public init(classes: Int, counts: [Int]) {
        precondition(counts.count == classes * classes)
        self.classes = classes
        self.counts = counts
    }

    public subscript(truth: Int, predicted: Int) -> Int { counts[truth * classes + predicted] }

    public mutating func add(truth: Int, predicted: Int) {
        counts[truth * classes + predicted] += 1
    }

    public var total: Int { counts.reduce(0, +) }
    public var correct: Int { (0..<classes).reduce(0) { $0 + self[$1, $1] } }
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    /// Per class: of the images predicted as c, how many were c.
    public func precision(_ c: Int) -> Double {
        let predicted = (0..<classes).reduce(0) { $0 + self[$1, c] }
        return predicted == 0 ? 0 : Double(self[c, c]) / Double(predicted)
    }

    /// Per class: of the images that are c, how many were found.
    public func recall(_ c: Int) -> Double {
        let actual = (0..<classes).reduce(0) { $0 + self[c, $1] }
        return actual == 0 ? 0 : Double(self[c, c]) / Double(actual)
    }

    public func f1(_ c: Int) -> Double {
        let (p, r) = (precision(c), recall(c))
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    /// The off-diagonal cells with the most images, largest first (ties: by truth, then
    /// prediction, so the order never changes between runs).
    public func mostConfused(_ k: Int) -> [(truth: Int, predicted: Int, count: Int)] {
        var cells: [(truth: Int, predicted: Int, count: Int)] = []
        for t in 0..<classes { for p in 0..<classes where t != p && self[t, p] > 0 { cells.append((t, p, self[t, p])) } }
        cells.sort { a, b in a.count != b.count ? a.count > b.count : (a.truth, a.predicted) < (b.truth, b.predicted) }
        return Array(cells.prefix(k))
    }
}
