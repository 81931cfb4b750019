import DigitLabCore
import Testing

/// t-SNE keeps separated clusters separated, repeats for a seed, and stops when asked.
@Suite struct TSNETests {
    /// `clusters` blobs of `per` points in `dimension`-D: centres far apart (N(0, 8²) per
    /// coordinate), points N(0, 1) around them. Labels are the blob of each point.
    static func blobs(clusters: Int, per: Int, dimension: Int, seed: UInt64) -> (rows: [Float], labels: [Int]) {
        var rng = SeededRNG(seed: seed)
        let centres = (0..<clusters).map { _ in (0..<dimension).map { _ in 8 * rng.normal() } }
        var rows = [Float](), labels = [Int]()
        for i in 0..<(clusters * per) {
            let c = i % clusters // interleaved, so neighbours in the list are not neighbours in space
            rows += centres[c].map { $0 + rng.normal() }
            labels.append(c)
        }
        return (rows, labels)
    }

    /// Share of points whose `k` nearest map neighbours all carry their label.
    static func purity(_ points: [(Float, Float)], labels: [Int], k: Int) -> Double {
        var pure = 0
        for i in points.indices {
            let near = points.indices.filter { $0 != i }.sorted {
                let a = points[$0], b = points[$1], p = points[i]
                return (a.0 - p.0) * (a.0 - p.0) + (a.1 - p.1) * (a.1 - p.1) < (b.0 - p.0) * (b.0 - p.0) + (b.1 - p.1) * (b.1 - p.1)
            }.prefix(k)
            if near.allSatisfy({ labels[$0] == labels[i] }) { pure += 1 }
        }
        return Double(pure) / Double(points.count)
    }

    /// Smallest distance between points of different blobs over the largest mean distance
    /// of a blob's points to their own centre: above 1, the blobs do not touch.
    static func separation(_ points: [(Float, Float)], labels: [Int], clusters: Int) -> Double {
        var spread = 0.0
        for c in 0..<clusters {
            let mine = points.indices.filter { labels[$0] == c }.map { points[$0] }
            let mx = mine.map { Double($0.0) }.reduce(0, +) / Double(mine.count)
            let my = mine.map { Double($0.1) }.reduce(0, +) / Double(mine.count)
            let mean = mine.map { ((Double($0.0) - mx) * (Double($0.0) - mx) + (Double($0.1) - my) * (Double($0.1) - my)).squareRoot() }
                .reduce(0, +) / Double(mine.count)
            spread = max(spread, mean)
        }
        var gap = Double.infinity
        for i in points.indices {
            for j in points.indices where labels[j] != labels[i] {
                let dx = Double(points[i].0 - points[j].0), dy = Double(points[i].1 - points[j].1)
                gap = min(gap, (dx * dx + dy * dy).squareRoot())
            }
        }
        return gap / spread
    }

    @Test(arguments: [(200, true), (800, false)])
    func separatedBlobsStaySeparated(count: Int, exact: Bool) throws {
        let clusters = 5
        let (rows, labels) = Self.blobs(clusters: clusters, per: count / clusters, dimension: 20, seed: 3)
        var settings = TSNE.Settings()
        settings.exactLimit = exact ? count : count - 1
        let points = try #require(TSNE.embed(rows, count: count, dimension: 20, settings: settings, seed: 7))
        #expect(points.count == count)
        #expect(points.allSatisfy { $0.0.isFinite && $0.1.isFinite })
        let purity = Self.purity(points, labels: labels, k: 10)
        #expect(purity >= 0.99, "10 nearest map neighbours from the same blob for \(purity * 100)% of points")
        let separation = Self.separation(points, labels: labels, clusters: clusters)
        #expect(separation > 1, "closest points of two blobs \(separation)x a blob's mean radius apart")
    }

    @Test func sameSeedSamePointsOtherSeedOtherPoints() throws {
        let (rows, _) = Self.blobs(clusters: 3, per: 40, dimension: 10, seed: 1)
        var settings = TSNE.Settings()
        settings.iterations = 300
        for exactLimit in [1000, 10] { // exact, then Barnes–Hut
            settings.exactLimit = exactLimit
            let a = try #require(TSNE.embed(rows, count: 120, dimension: 10, settings: settings, seed: 5))
            let b = try #require(TSNE.embed(rows, count: 120, dimension: 10, settings: settings, seed: 5))
            let c = try #require(TSNE.embed(rows, count: 120, dimension: 10, settings: settings, seed: 6))
            #expect(a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1), "same seed, same bits")
            #expect(a.map(\.0) != c.map(\.0), "another seed, another start")
        }
    }

    @Test func stopsWhenAsked() {
        let (rows, _) = Self.blobs(clusters: 2, per: 30, dimension: 5, seed: 2)
        var polls = 0
        let result = TSNE.embed(rows, count: 60, dimension: 5, seed: 1) { polls += 1; return polls > 10 }
        #expect(result == nil)
        #expect(polls == 11, "polled once per iteration, stopped at the first true")
    }

    @Test func tinyInputsGiveAMapWithoutFailing() throws {
        for n in 0...4 {
            let rows = (0..<(n * 3)).map { Float($0 % 5) }
            let points = try #require(TSNE.embed(rows, count: n, dimension: 3, seed: 0))
            #expect(points.count == n && points.allSatisfy { $0.0.isFinite && $0.1.isFinite })
        }
    }
}
