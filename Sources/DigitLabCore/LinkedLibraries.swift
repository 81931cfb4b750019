/// What this layer runs its arithmetic with, for `digitlab version`.
public enum CoreLibraries {
    /// e.g. "DigitLab kernels: avx2+fma, 2 threads on 2 CPUs" — the kernel family chosen
    /// at run time (cpuid) and the pool's size. Core links no BLAS.
    public static var kernels: String {
        "DigitLab kernels: \(Kernels.name), \(Parallel.threads) threads on \(WorkerPool.availableCPUs) CPUs"
    }
}
