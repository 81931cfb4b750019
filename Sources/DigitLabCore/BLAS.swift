/// The BLAS-style product `C = alpha · op(A) · op(B) + beta · C`, kept for code outside
/// the layers that reads as BLAS (the embedding's PCA). It goes through DigitLab's own
/// kernels (`Kernels.gemm`): OpenBLAS is no longer linked — the kernels are as fast on
/// these shapes and sum the same way however a product is split (Docs/performance.md).
public enum BLAS {
    public static func gemm(
        transA: Bool = false, transB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        if alpha == 1 {
            // beta · C first, then the product added on top (beta 0 overwrites).
            if beta != 0 && beta != 1 { for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } } }
            Kernels.gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                         c: c, ldc: ldc, accumulate: beta != 0)
            return
        }
        let product = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
        defer { product.deallocate() }
        Kernels.gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: product, ldc: n)
        for i in 0..<m {
            for j in 0..<n {
                let scaled = alpha * product[i * n + j]
                c[i * ldc + j] = beta == 0 ? scaled : scaled + beta * c[i * ldc + j]
            }
        }
    }
}
