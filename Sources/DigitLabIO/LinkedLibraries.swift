import CPNG
import CZlib

/// Versions of the libraries this layer links, for `digitlab version`.
public enum IOLibraries {
    public static var libpng: String { "libpng " + String(cString: png_get_libpng_ver(nil)) }
    public static var zlib: String { "zlib " + String(cString: zlibVersion()) }
    public static var libcrypto: String { SHA256.libraryVersion }
}
