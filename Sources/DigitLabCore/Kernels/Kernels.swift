import CKernels

/// The one door between the layers and the arithmetic: matrix products with fused
/// epilogues, convolution helpers and elementwise kernels. Layers call these and nothing
/// else; each has a plain reference implementation (`Kernels.Reference`) that the tests
/// compare it against.
///
/// The products are DigitLab's own (`Sources/CKernels/gemm.c`): AVX2+FMA micro-kernels
/// chosen at run time where the CPU has them, portable loops elsewhere. Measured on this
/// project's shapes they match the best library tried (oneDNN) once B is packed, and
/// they guarantee what no library promises: an element of C is summed in the same order
/// however the product is split, so results never depend on the thread count.
public enum Kernels {
    /// The kernel family in use: `avx2+fma` or `portable`.
    public static var name: String { String(cString: dl_kernel_name()) }

    /// `C = op(A)·op(B)` (`+ C` when `accumulate`) `+ rowBias[i] + columnBias[j]`, then
    /// ReLU when asked — on the calling thread. Row-major; op(A) is m×k, op(B) is k×n;
    /// `lda`, `ldb`, `ldc` are the stored rows' lengths.
    ///
    ///     // y = x·Wᵀ + b for a batch of rows: W is [units, inputs]
    ///     Kernels.gemm(transB: true, m: n, n: units, k: inputs, a: x, lda: inputs,
    ///                  b: w, ldb: inputs, c: y, ldc: units, columnBias: b)
    @inline(__always)
    public static func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false,
                            rowBias: UnsafePointer<Float>? = nil, columnBias: UnsafePointer<Float>? = nil,
                            relu: Bool = false) {
        var args = dl_gemm_args(trans_a: transA ? 1 : 0, trans_b: transB ? 1 : 0, m: m, n: n, k: k,
                                a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc,
                                accumulate: accumulate ? 1 : 0, row_bias: rowBias, col_bias: columnBias,
                                relu: relu ? 1 : 0)
        dl_gemm(&args)
    }

    /// The same product split over the threads: columns of C in chunks of whole panels
    /// (each chunk packs only its own columns of B), rows too when the columns alone
    /// give too few chunks. The chunks depend only on m, n and k.
    public static func parallelGemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                                    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                    c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false,
                                    rowBias: UnsafePointer<Float>? = nil, columnBias: UnsafePointer<Float>? = nil,
                                    relu: Bool = false) {
        let grid = ProductGrid(m: m, n: n, k: k)
        Parallel.forEachChunk(grid.chunks) { chunk, _ in
            let (rows, columns) = grid.block(chunk)
            guard !rows.isEmpty, !columns.isEmpty else { return }
            let aStart = transA ? rows.lowerBound : rows.lowerBound * lda
            let bStart = transB ? columns.lowerBound * ldb : columns.lowerBound
            gemm(transA: transA, transB: transB, m: rows.count, n: columns.count, k: k,
                 a: a + aStart, lda: lda, b: b + bStart, ldb: ldb,
                 c: c + rows.lowerBound * ldc + columns.lowerBound, ldc: ldc, accumulate: accumulate,
                 rowBias: rowBias.map { $0 + rows.lowerBound }, columnBias: columnBias.map { $0 + columns.lowerBound },
                 relu: relu)
        }
    }
}

/// How a product is cut into chunks: a grid of row blocks (multiples of the kernel's 6
/// rows) by column blocks (multiples of its 16 columns), about a megaflop or more each
/// (~10 µs: a parallel region costs a few µs), at most 16.
struct ProductGrid {
    static let rowUnit = 6, columnUnit = 16, flopsPerChunk = 1 << 20, maxChunks = 16
    let m, n: Int
    let rowBlocks, columnBlocks: Int
    let rowsPerBlock, columnsPerBlock: Int

    init(m: Int, n: Int, k: Int) {
        self.m = m; self.n = n
        let wanted = max(1, min(Self.maxChunks, 2 * m * n * k / Self.flopsPerChunk))
        let panels = (n + Self.columnUnit - 1) / Self.columnUnit
        let slivers = (m + Self.rowUnit - 1) / Self.rowUnit
        let columnBlocks = max(1, min(panels, wanted))
        let rowBlocks = max(1, min(slivers, wanted / columnBlocks))
        columnsPerBlock = (panels + columnBlocks - 1) / columnBlocks * Self.columnUnit
        rowsPerBlock = (slivers + rowBlocks - 1) / rowBlocks * Self.rowUnit
        self.columnBlocks = (n + columnsPerBlock - 1) / columnsPerBlock
        self.rowBlocks = (m + rowsPerBlock - 1) / rowsPerBlock
    }

    var chunks: Int { rowBlocks * columnBlocks }

    func block(_ chunk: Int) -> (rows: Range<Int>, columns: Range<Int>) {
        let (r, c) = chunk.quotientAndRemainder(dividingBy: columnBlocks)
        return (min(m, r * rowsPerBlock)..<min(m, (r + 1) * rowsPerBlock),
                min(n, c * columnsPerBlock)..<min(n, (c + 1) * columnsPerBlock))
    }
}
