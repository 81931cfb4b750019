@preconcurrency import CReadline
import DigitLabCore
import DigitLabIO
import DigitLabViz

/// `digitlab --version`, `digitlab version`: DigitLab's version, the compiler it was
/// built with and the libraries it runs with (read from the libraries themselves).
public enum Version {
    public static var text: String {
        ["DigitLab \(ModelFile.digitLabVersion) (GPL-3.0-or-later)",
         "built with \(swift)",
         "readline " + String(cString: rl_library_version),
         IOLibraries.libpng, IOLibraries.zlib, VizLibraries.cairo, VizLibraries.fontconfig, VizLibraries.libsixel,
         IOLibraries.libcrypto, CoreLibraries.kernels].joined(separator: "\n")
    }

    /// The Swift compiler, as far as `#if compiler` can tell.
    static var swift: String {
        #if compiler(>=6.4)
        return "Swift 6.4 or later"
        #elseif compiler(>=6.3)
        return "Swift 6.3"
        #elseif compiler(>=6.2)
        return "Swift 6.2"
        #else
        return "Swift 6"
        #endif
    }
}
