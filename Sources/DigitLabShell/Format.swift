import Foundation

/// Number formatting shared by every command, so outputs look alike (and replay
/// identically: fixed decimals, no locale).
public enum Format {
    public static func fixed(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }
    public static func fixed(_ v: Float, _ digits: Int) -> String { fixed(Double(v), digits) }
    public static func percent(_ v: Double, _ digits: Int = 2) -> String { fixed(v * 100, digits) + "%" }
    /// 12,345 style thousands.
    public static func count(_ n: Int) -> String {
        let s = String(n.magnitude)
        var out = ""
        for (i, ch) in s.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + String(out.reversed())
    }
    public static func scientific(_ v: Float) -> String { String(format: "%.2e", Double(v)) }
    /// A setting's value as it is typed: `0.05`, `100`, `1e-06`.
    public static func number(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
        return "\(v)"
    }
    public static func number(_ v: Float) -> String {
        if v == v.rounded(), abs(v) < 1e7 { return String(Int(v)) }
        return "\(v)"
    }
    /// 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st.
    public static func ordinal(_ n: Int) -> String {
        let suffix = (11...13).contains(n % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][n % 10] ?? "th"
        return "\(n)\(suffix)"
    }

    /// "1 picture", "3 pictures".
    public static func plural(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(count(n)) \(n == 1 ? singular : (plural ?? singular + "s"))"
    }
    public static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
    public static func padLeft(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }
}
