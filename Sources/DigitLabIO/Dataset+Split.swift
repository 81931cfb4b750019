import DigitLabCore

extension Dataset {
    /// Moves `count` training images into a validation set, the same share of each class
    /// (largest remainders decide the last few), chosen with a seeded RNG.
    /// Any earlier validation set goes back into training first.
    ///
    /// - Throws: when `count` is not between 1 and the training size − 1.
    public func splittingValidation(count: Int, seed: UInt64) throws(IOError) -> Dataset {
        var all = train
        if let v = validation {
            all = LabeledImages(pixels: train.pixels + v.pixels, labels: train.labels + v.labels,
                                rows: train.rows, columns: train.columns)
        }
        guard all.count >= 2 else {
            throw IOError("split validation", "there \(all.count == 1 ? "is 1 training image" : "are no training images") to hold out — `load mnist` loads 60,000")
        }
        guard count > 0, count < all.count else {
            throw IOError("split validation", "needs between 1 and \(all.count - 1) images, got \(count)")
        }
        var byClass = [[Int]](repeating: [], count: 10)
        for (i, l) in all.labels.enumerated() { byClass[Int(l)].append(i) }
        // Each class gets its share, rounded down; the largest remainders take the rest.
        let exact = byClass.map { Double($0.count) * Double(count) / Double(all.count) }
        var take = exact.map { Int($0) }
        let order = (0..<10).sorted { (exact[$0] - Double(take[$0]), -$0) > (exact[$1] - Double(take[$1]), -$1) }
        for c in order.prefix(count - take.reduce(0, +)) { take[c] += 1 }
        var rng = SeededRNG(seed: seed)
        var chosen = [Int]()
        for c in 0..<10 {
            var members = byClass[c]
            rng.shuffle(&members)
            chosen += members.prefix(take[c])
        }
        chosen.sort()
        let held = Set(chosen)
        var copy = self
        copy.validation = all.subset(chosen)
        copy.train = all.subset((0..<all.count).filter { !held.contains($0) })
        return copy
    }
}
