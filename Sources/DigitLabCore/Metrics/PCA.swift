/// Principal component analysis for the embedding picture: the two directions along
/// which a set of vectors varies most.
///
/// Two methods, chosen by the width d of the rows:
/// - **d ≤ `denseLimit` (256)**: the d×d covariance matrix and power iteration on it —
///   exact, and cheap at this size (an MLP's 128 hidden units).
/// - **wider**: randomized subspace iteration (Halko, Martinsson & Tropp 2011, alg. 4.4)
///   on the centred data itself, never forming the covariance. A seeded Gaussian d×8 block
///   is multiplied through `Xᵀ X` a few times, re-orthonormalised each time, and the top
///   two directions are read off the small 8×8 problem that remains. A 12,544-wide
///   layer (a 16-filter convolution's output) on 5,000 images costs a few GFLOP and a few
///   hundred KB instead of the covariance's 800 GFLOP and 600 MB (the first version ran for
///   5 minutes at 2.5 GB). Why not the n×n Gram matrix: at n = 5,000 it still costs
///   n²·d = 300 GFLOP and 100 MB. Why not a random projection to 256 dims first: it
///   distorts the directions and the variance shares the picture reports; the subspace
///   iteration converges to the true top components (the 6 extra directions make the
///   convergence fast even when the two top values are close).
///
/// Both are deterministic: a fixed start (dense) or a fixed seed (wide).
public enum PCA {
    /// Rows wider than this use the randomized method.
    public static let denseLimit = 256

    /// Projects `count` rows of `dimension` values onto their top two components.
    /// - Returns: the 2-D points and the share of the variance each component explains.
    public static func project(_ rows: [Float], count: Int, dimension d: Int)
        -> (points: [(Float, Float)], explained: (Double, Double)) {
        project(rows, count: count, dimension: d, shouldStop: { false }) ?? ([], (0, 0))
    }

    /// The same, checking `shouldStop` between iterations (wire it to Ctrl-C): nil when
    /// it asked to stop.
    public static func project(_ rows: [Float], count: Int, dimension d: Int, shouldStop: () -> Bool)
        -> (points: [(Float, Float)], explained: (Double, Double))? {
        precondition(rows.count == count * d && count > 0)
        var mean = [Double](repeating: 0, count: d)
        for r in 0..<count { for j in 0..<d { mean[j] += Double(rows[r * d + j]) } }
        for j in 0..<d { mean[j] /= Double(count) }
        if d > denseLimit { return wide(rows, count: count, dimension: d, mean: mean, shouldStop: shouldStop) }
        return dense(rows, count: count, dimension: d, mean: mean, shouldStop: shouldStop)
    }

    /// The exact method: covariance, then power iteration with deflation.
    static func dense(_ rows: [Float], count: Int, dimension d: Int, mean: [Double],
                      shouldStop: () -> Bool) -> (points: [(Float, Float)], explained: (Double, Double))? {
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
                if shouldStop() { return nil }
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

extension PCA {
    /// Directions searched at once (2 wanted + 6 to speed convergence) and rounds of
    /// `Xᵀ X`: enough for the picture's two components to settle to plotting precision.
    static let block = 8, rounds = 6

    /// Randomized subspace iteration on the centred rows, without forming a centred
    /// copy: `(X − 1μᵀ)·V = X·V − 1(μᵀV)` and `(X − 1μᵀ)ᵀ·U = Xᵀ·U − μ(1ᵀU)`.
    static func wide(_ rows: [Float], count n: Int, dimension d: Int, mean: [Double],
                     shouldStop: () -> Bool) -> (points: [(Float, Float)], explained: (Double, Double))? {
        let k = min(block, d, n)
        var rng = SeededRNG(seed: 0x5CA1AB1E)
        var v = (0..<(d * k)).map { _ in rng.normal() } // d×k
        var u = [Float](repeating: 0, count: n * k)       // n×k
        /// U = (X − 1μᵀ)·V
        func timesV() {
            rows.withUnsafeBufferPointer { x in v.withUnsafeBufferPointer { vp in u.withUnsafeMutableBufferPointer { up in
                BLAS.gemm(m: n, n: k, k: d, a: x.baseAddress!, lda: d, b: vp.baseAddress!, ldb: k, c: up.baseAddress!, ldc: k)
            } } }
            for c in 0..<k {
                var shift = 0.0
                for j in 0..<d { shift += mean[j] * Double(v[j * k + c]) }
                for r in 0..<n { u[r * k + c] -= Float(shift) }
            }
        }
        /// V = (X − 1μᵀ)ᵀ·U
        func timesU() {
            rows.withUnsafeBufferPointer { x in u.withUnsafeBufferPointer { up in v.withUnsafeMutableBufferPointer { vp in
                BLAS.gemm(transA: true, m: d, n: k, k: n, a: x.baseAddress!, lda: d, b: up.baseAddress!, ldb: k, c: vp.baseAddress!, ldc: k)
            } } }
            for c in 0..<k {
                var sum = 0.0
                for r in 0..<n { sum += Double(u[r * k + c]) }
                for j in 0..<d { v[j * k + c] -= Float(mean[j] * sum) }
            }
        }
        orthonormalize(&v, rows: d, columns: k)
        for _ in 0..<rounds {
            if shouldStop() { return nil }
            timesV(); orthonormalize(&u, rows: n, columns: k)
            timesU(); orthonormalize(&v, rows: d, columns: k)
        }
        if shouldStop() { return nil }
        // In the span of V, the data's covariance is the k×k matrix (XV)ᵀ(XV)/(n−1):
        // its eigenvectors rotate V onto the principal directions.
        timesV()
        var small = [Double](repeating: 0, count: k * k)
        for a in 0..<k { for b in a..<k {
            var s = 0.0
            for r in 0..<n { s += Double(u[r * k + a]) * Double(u[r * k + b]) }
            small[a * k + b] = s / Double(max(1, n - 1)); small[b * k + a] = small[a * k + b]
        } }
        let (values, vectors) = symmetricEigen(small, size: k)
        // Total variance: the trace of the covariance, Σ (x − μ)² / (n − 1), from the data.
        var total = 0.0
        for r in 0..<n { for j in 0..<d { let x = Double(rows[r * d + j]) - mean[j]; total += x * x } }
        total /= Double(max(1, n - 1))
        // Coordinates: the projections XV rotated by the top two eigenvectors.
        let points = (0..<n).map { r -> (Float, Float) in
            var a = 0.0, b = 0.0
            for c in 0..<k {
                let p = Double(u[r * k + c])
                a += p * vectors[c * k + 0]
                b += p * (k > 1 ? vectors[c * k + 1] : 0)
            }
            return (Float(a), Float(b))
        }
        let second = k > 1 ? values[1] : 0
        return (points, total > 0 ? (values[0] / total, second / total) : (0, 0))
    }

    /// Modified Gram–Schmidt on the columns of a row-major `rows × columns` matrix, in
    /// Double; a column that vanishes becomes zero (it then adds nothing).
    static func orthonormalize(_ m: inout [Float], rows: Int, columns: Int) {
        for c in 0..<columns {
            var col = (0..<rows).map { Double(m[$0 * columns + c]) }
            for p in 0..<c {
                var dot = 0.0
                for r in 0..<rows { dot += col[r] * Double(m[r * columns + p]) }
                for r in 0..<rows { col[r] -= dot * Double(m[r * columns + p]) }
            }
            let norm = col.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for r in 0..<rows { m[r * columns + c] = norm > 1e-30 ? Float(col[r] / norm) : 0 }
        }
    }

    /// Eigenvalues (largest first) and eigenvectors (columns of a row-major matrix) of a
    /// small symmetric matrix, by cyclic Jacobi rotations.
    static func symmetricEigen(_ input: [Double], size k: Int) -> (values: [Double], vectors: [Double]) {
        var a = input
        var v = [Double](repeating: 0, count: k * k)
        for i in 0..<k { v[i * k + i] = 1 }
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<k { for q in (p + 1)..<k { off += a[p * k + q] * a[p * k + q] } }
            if off < 1e-30 { break }
            for p in 0..<k {
                for q in (p + 1)..<k where a[p * k + q] != 0 {
                    let theta = (a[q * k + q] - a[p * k + p]) / (2 * a[p * k + q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for r in 0..<k { // A ← A·J
                        let (x, y) = (a[r * k + p], a[r * k + q])
                        a[r * k + p] = c * x - s * y; a[r * k + q] = s * x + c * y
                    }
                    for r in 0..<k { // A ← Jᵀ·A
                        let (x, y) = (a[p * k + r], a[q * k + r])
                        a[p * k + r] = c * x - s * y; a[q * k + r] = s * x + c * y
                    }
                    for r in 0..<k { // V ← V·J
                        let (x, y) = (v[r * k + p], v[r * k + q])
                        v[r * k + p] = c * x - s * y; v[r * k + q] = s * x + c * y
                    }
                }
            }
        }
        let order = (0..<k).sorted { a[$0 * k + $0] > a[$1 * k + $1] }
        var vectors = [Double](repeating: 0, count: k * k)
        for (column, source) in order.enumerated() { for r in 0..<k { vectors[r * k + column] = v[r * k + source] } }
        return (order.map { a[$0 * k + $0] }, vectors)
    }
}
