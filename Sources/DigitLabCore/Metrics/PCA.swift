/// Principal component analysis for the embedding picture: the two directions along
/// which a set of vectors varies most, by power iteration on the covariance matrix.
public enum PCA {
    /// Projects `count` rows of `dimension` values onto their top two components.
    /// - Returns: the 2-D points and the share of the variance each component explains.
    public static func project(_ rows: [Float], count: Int, dimension d: Int)
        -> (points: [(Float, Float)], explained: (Double, Double)) {
        precondition(rows.count == count * d && count > 0)
        var mean = [Double](repeating: 0, count: d)
        for r in 0..<count { for j in 0..<d { mean[j] += Double(rows[r * d + j]) } }
        for j in 0..<d { mean[j] /= Double(count) }
        var centred = [Float](repeating: 0, count: rows.count)
        for r in 0..<count { for j in 0..<d { centred[r * d + j] = rows[r * d + j] - Float(mean[j]) } }
        // Covariance = Xᵀ X / (n − 1), one matrix product.
        var cov = [Float](repeating: 0, count: d * d)
        centred.withUnsafeBufferPointer { x in
            cov.withUnsafeMutableBufferPointer { c in
                BLAS.gemm(transA: true, m: d, n: d, k: count, alpha: 1 / Float(max(1, count - 1)),
                          a: x.baseAddress!, lda: d, b: x.baseAddress!, ldb: d, c: c.baseAddress!, ldc: d)
            }
        }
        let total = (0..<d).reduce(0.0) { $0 + Double(cov[$1 * d + $1]) }
        var components = [[Double]](), values = [Double]()
        var matrix = cov.map(Double.init)
        for k in 0..<2 {
            // Power iteration from a fixed start (deterministic), then deflate.
            var v = (0..<d).map { Double(($0 * 7 + k * 3) % 11) + 1 }
            var lambda = 0.0
            for _ in 0..<300 {
                var w = [Double](repeating: 0, count: d)
                for i in 0..<d { for j in 0..<d { w[i] += matrix[i * d + j] * v[j] } }
                let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard norm > 1e-30 else { break }
                v = w.map { $0 / norm }
                lambda = norm
            }
            components.append(v)
            values.append(lambda)
            for i in 0..<d { for j in 0..<d { matrix[i * d + j] -= lambda * v[i] * v[j] } }
        }
        let points = (0..<count).map { r -> (Float, Float) in
            var a = 0.0, b = 0.0
            for j in 0..<d {
                let x = Double(centred[r * d + j])
                a += x * components[0][j]; b += x * components[1][j]
            }
            return (Float(a), Float(b))
        }
        return (points, total > 0 ? (values[0] / total, values[1] / total) : (0, 0))
    }
}
