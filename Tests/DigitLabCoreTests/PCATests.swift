import Testing
@testable import DigitLabCore

/// `render embedding` on a 12,544-wide layer ran a dense PCA for 5 minutes at 2.5 GB and
/// ignored Ctrl-C (issue 12, class 5).
@Suite struct PCATests {
    /// `count` rows in `d` dimensions: two strong directions (variances 100 and 25, along
    /// seeded random unit vectors) plus small noise everywhere.
    func data(count: Int, dimension d: Int) -> (rows: [Float], first: [Float]) {
        var rng = SeededRNG(seed: 9)
        func unit() -> [Float] {
            let v = (0..<d).map { _ in rng.normal() }
            let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / n }
        }
        let (a, b) = (unit(), unit())
        var rows = [Float](repeating: 0, count: count * d)
        for r in 0..<count {
            let (s, t) = (10 * rng.normal(), 5 * rng.normal())
            for j in 0..<d { rows[r * d + j] = s * a[j] + t * b[j] + 0.05 * rng.normal() + 3 }
        }
        return (rows, a)
    }

    /// Both methods find the same components on the same data (up to sign).
    @Test func theWideMethodAgreesWithTheExactOne() {
        let (rows, _) = data(count: 400, dimension: 200)
        var mean = [Double](repeating: 0, count: 200)
        for r in 0..<400 { for j in 0..<200 { mean[j] += Double(rows[r * 200 + j]) / 400 } }
        let exact = PCA.dense(rows, count: 400, dimension: 200, mean: mean, shouldStop: { false })!
        let wide = PCA.wide(rows, count: 400, dimension: 200, mean: mean, shouldStop: { false })!
        #expect(abs(exact.explained.0 - wide.explained.0) < 1e-3 && abs(exact.explained.1 - wide.explained.1) < 1e-3,
                "\(exact.explained) vs \(wide.explained)")
        for (p, q) in zip(exact.points, wide.points).prefix(50) {
            #expect(abs(abs(p.0) - abs(q.0)) < 0.05 && abs(abs(p.1) - abs(q.1)) < 0.05, "\(p) vs \(q)")
        }
    }

    @Test func aWideLayerIsCheapAndRight() {
        // 2,000 images of a 12,544-wide layer: the covariance alone would be 630 MB and
        // its power iteration minutes; the randomized method takes about a second here
        // (the limit leaves room for a machine busy with other tests).
        let (rows, first) = data(count: 2000, dimension: 12_544)
        let clock = ContinuousClock(), start = clock.now
        let (points, explained) = PCA.project(rows, count: 2000, dimension: 12_544)
        let seconds = clock.now - start
        #expect(seconds < .seconds(30), "\(seconds)")
        // Variances 100 and 25 over a noise total of 12,544 · 0.0025 = 31.4.
        #expect(abs(explained.0 - 100 / 156.4) < 0.02 && abs(explained.1 - 25 / 156.4) < 0.02, "\(explained)")
        // The first coordinate of row 0 is its projection on the first direction.
        var projection: Float = 0, meanDot: Float = 0
        for j in 0..<12_544 { projection += rows[j] * first[j] }
        var mean = [Float](repeating: 0, count: 12_544)
        for r in 0..<2000 { for j in 0..<12_544 { mean[j] += rows[r * 12_544 + j] / 2000 } }
        for j in 0..<12_544 { meanDot += mean[j] * first[j] }
        #expect(abs(abs(points[0].0) - abs(projection - meanDot)) < 0.1, "\(points[0].0) vs \(projection - meanDot)")
        print("PCA 2000 x 12544: \(seconds)")
    }

    @Test func itStopsWhenAsked() {
        let (rows, _) = data(count: 300, dimension: 300)
        var asked = 0
        #expect(PCA.project(rows, count: 300, dimension: 300, shouldStop: { asked += 1; return asked > 2 }) == nil)
        #expect(asked == 3)
        let (small, _) = data(count: 100, dimension: 50)
        #expect(PCA.project(small, count: 100, dimension: 50, shouldStop: { true }) == nil)
    }
}

/// Evaluation is the other long loop outside training: it stops between batches too.
@Suite struct EvaluationStopTests {
    @Test func evaluationStopsWhenAsked() throws {
        var rng = SeededRNG(seed: 2)
        let net = Preset.mlp.makeNetwork(using: &rng)
        let images = LabeledImages(pixels: (0..<(3000 * 784)).map { UInt8($0 % 251) }, labels: (0..<3000).map { UInt8($0 % 10) },
                                   rows: 28, columns: 28)
        var asked = 0
        #expect(net.evaluate(images, normalization: .mnist, batchSize: 1000, shouldStop: { asked += 1; return asked > 2 }) == nil)
        #expect(asked == 3, "asked before each of the first three batches")
        let whole = try #require(net.evaluate(images, normalization: .mnist, batchSize: 1000, shouldStop: { false }))
        #expect(whole.count == 3000)
        #expect(whole.probabilities == net.evaluate(images, normalization: .mnist, batchSize: 1000).probabilities)
    }
}
