import Foundation

/// Number formatting shared by every command, so outputs look alike (and replay
/// identically: fixed decimals, no locale).
enum Format {
    static func fixed(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }
    static func fixed(_ v: Float, _ digits: Int) -> String { fixed(Double(v), digits) }
    static func percent(_ v: Double, _ digits: Int = 2) -> String { fixed(v * 100, digits) + "%" }
    /// 12,345 style thousands.
    static func count(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, ch) in s.reversed().enumerated() {
            if i > 0 && i % 3 == 0 && ch != "-" { out.append(",") }
            out.append(ch)
        }
        return String(out.reversed())
    }
    static func scientific(_ v: Float) -> String { String(format: "%.2e", Double(v)) }
    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
    static func padLeft(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }
}
