import COpenBLAS

/// Versions of the libraries this layer links, for `digitlab version`.
public enum CoreLibraries {
    /// e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64 (kernels for Zen)".
    public static var openBLAS: String {
        let config = String(cString: openblas_get_config())
        let core = String(cString: openblas_get_corename())
        return "\(config.split(separator: " ").joined(separator: " ")) (kernels for \(core))"
    }
}
