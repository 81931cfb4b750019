import CCairo
import CSixel

/// Versions of the libraries this layer links, for `digitlab version`.
public enum VizLibraries {
    public static var cairo: String { "cairo " + String(cString: cairo_version_string()) }
    public static var fontconfig: String {
        let v = Int(FcGetVersion())
        return "fontconfig \(v / 10000).\(v / 100 % 100).\(v % 100)"
    }
    public static var libsixel: String { "libsixel " + String(cString: digitlab_sixel_version()) }
}
