import CKernels
import Testing
@testable import DigitLabCore

/// The kernels against their plain references (`Kernels.Reference`), over shapes that
/// hit every edge of the 6x16 tiles and the K blocking, both kernel families.
@Suite(.serialized) struct KernelTests {
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (6, 16, 8), (5, 7, 3), (7, 17, 33), (13, 31, 321), (64, 128, 784), (2, 300, 700), (37, 5, 641),
    ]

    func values(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SeededRNG(seed: seed)
        return (0..<count).map { _ in rng.uniform(-1, 1) }
    }

    func check(m: Int, n: Int, k: Int, transA: Bool, transB: Bool, accumulate: Bool, bias: Bool, relu: Bool,
               portable: Bool) {
        let (lda, ldb, ldc) = (transA ? m + 1 : k + 2, transB ? k + 3 : n + 1, n + 5) // padded rows
        let a = values((transA ? k : m) * lda, seed: 1), b = values((transB ? n : k) * ldb, seed: 2)
        let start = values(m * ldc, seed: 3)
        let rowBias = bias ? values(m, seed: 4) : nil, columnBias = bias ? values(n, seed: 5) : nil
        var expected = start
        Kernels.Reference.gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                               c: &expected, ldc: ldc, accumulate: accumulate, rowBias: rowBias,
                               columnBias: columnBias, relu: relu)
        var serial = start, parallel = start
        for (out, split) in [(0, false), (1, true)] {
            var c = out == 0 ? serial : parallel
            a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
                let rb = rowBias?.withUnsafeBufferPointer { $0.baseAddress! }, cb = columnBias?.withUnsafeBufferPointer { $0.baseAddress! }
                let call = split ? Kernels.parallelGemm : Kernels.gemm
                call(transA, transB, m, n, k, ap.baseAddress!, lda, bp.baseAddress!, ldb, cp.baseAddress!, ldc,
                     accumulate, rb, cb, relu)
            } } }
            if out == 0 { serial = c } else { parallel = c }
        }
        let what = "m \(m) n \(n) k \(k) transA \(transA) transB \(transB) accumulate \(accumulate) bias \(bias) relu \(relu)"
        for i in 0..<m {
            for j in 0..<(n + 5) {
                let index = i * ldc + j
                guard j < n else {
                    #expect(serial[index] == start[index], "wrote past the row: \(what)"); return
                }
                let tolerance = 1e-5 * Float(k).squareRoot() * 4
                guard abs(serial[index] - expected[index]) <= tolerance else {
                    Issue.record("\(what): C[\(i)][\(j)] = \(serial[index]), reference \(expected[index])"); return
                }
            }
        }
        // However the product is split, every element is summed the same way. (Forcing
        // the portable kernels affects this thread only, not the pool's helpers.)
        if !portable { #expect(serial == parallel, "split product differs: \(what)") }
    }

    @Test(arguments: [false, true])
    func gemmMatchesTheReference(portable: Bool) {
        dl_force_portable(portable ? 1 : 0)
        defer { dl_force_portable(0) }
        for s in Self.shapes {
            for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
                check(m: s.m, n: s.n, k: s.k, transA: transA, transB: transB, accumulate: false, bias: false, relu: false, portable: portable)
            }
            check(m: s.m, n: s.n, k: s.k, transA: false, transB: true, accumulate: true, bias: true, relu: true, portable: portable)
            check(m: s.m, n: s.n, k: s.k, transA: true, transB: false, accumulate: true, bias: false, relu: false, portable: portable)
            check(m: s.m, n: s.n, k: s.k, transA: false, transB: false, accumulate: false, bias: true, relu: true, portable: portable)
        }
    }

    @Test func reluKeepsNaN() {
        // A NaN must reach the loss (the NaN fallback depends on it), not become 0.
        let a: [Float] = [.nan, 1], b: [Float] = [1, 1]
        var c: [Float] = [0]
        a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
            Kernels.gemm(m: 1, n: 1, k: 2, a: ap.baseAddress!, lda: 2, b: bp.baseAddress!, ldb: 1,
                         c: cp.baseAddress!, ldc: 1, relu: true)
        } } }
        #expect(c[0].isNaN)
    }

    @Test func orderedSumsAndRowSums() {
        let m = values(3 * 37, seed: 9)
        var sums = [Float](repeating: 1, count: 3)
        m.withUnsafeBufferPointer { mp in sums.withUnsafeMutableBufferPointer { sp in
            Kernels.rowSums(mp.baseAddress!, rows: 3, columns: 37, addingTo: sp.baseAddress!)
        } }
        for r in 0..<3 {
            let exact = 1 + m[(r * 37)..<((r + 1) * 37)].reduce(0.0) { $0 + Double($1) }
            #expect(abs(Double(sums[r]) - exact) < 1e-5)
        }
        var columns = [Float](repeating: 0, count: 37)
        m.withUnsafeBufferPointer { mp in columns.withUnsafeMutableBufferPointer { cp in
            Kernels.columnSums(mp.baseAddress!, rows: 3, columns: 37, into: cp.baseAddress!)
        } }
        #expect(columns[5] == (m[5] + m[42]) + m[79])
    }
}
