import COpenBLAS

/// The one door to OpenBLAS: row-major single-precision matrix products.
///
/// `C = alpha * op(A) * op(B) + beta * C`, with `op(X)` = X or Xᵀ. A is M×K after op,
/// B is K×N after op, C is M×N; leading dimensions are those of the stored matrices.
public enum BLAS {
    @inline(__always)
    public static func gemm(
        transA: Bool = false, transB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(CblasRowMajor,
                    transA ? CblasTrans : CblasNoTrans,
                    transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }

    /// OpenBLAS always runs single-threaded: DigitLab splits the work itself
    /// (`Parallel`), and nested thread pools fight over the cores.
    static func useSingleThread() { openblas_set_num_threads(1) }
}
