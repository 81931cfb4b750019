/// An sRGB colour, 0–255 per channel.
public struct RGB: Equatable, Sendable {
    public let r, g, b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }
    var unit: (Double, Double, Double) { (Double(r) / 255, Double(g) / 255, Double(b) / 255) }

    public static let white = RGB(255, 255, 255)
    public static let text = RGB(33, 37, 41)
    public static let muted = RGB(108, 117, 125)
    public static let grid = RGB(222, 226, 230)
    public static let good = RGB(25, 135, 84)
    public static let bad = RGB(200, 35, 51)
}

/// Colour scales: perceptually uniform for counts and activations, diverging for
/// weights (symmetric around zero), grey ink for digits, ten distinct class colours.
public enum ColorMap: Sendable {
    /// Viridis (matplotlib), for values in 0…1.
    case viridis
    /// Blue (negative) – white (0) – red (positive), for values in -1…1.
    case diverging
    /// Paper white (0) to ink black (1), for digits.
    case ink

    public func color(_ t: Float) -> RGB {
        switch self {
        case .viridis: return Self.interpolate(Self.viridisStops, Double(max(0, min(1, t))))
        case .diverging: return Self.interpolate(Self.divergingStops, Double(max(-1, min(1, t)) + 1) / 2)
        case .ink:
            let v = UInt8((255 * (1 - max(0, min(1, t)))).rounded())
            return RGB(v, v, v)
        }
    }

    /// The value range this map expects.
    public var domain: ClosedRange<Float> { self == .diverging ? -1...1 : 0...1 }

    static let viridisStops: [RGB] = [RGB(68, 1, 84), RGB(71, 44, 122), RGB(59, 81, 139), RGB(44, 113, 142),
                                      RGB(33, 144, 141), RGB(39, 173, 129), RGB(92, 200, 99), RGB(170, 220, 50),
                                      RGB(253, 231, 37)]
    static let divergingStops: [RGB] = [RGB(5, 48, 97), RGB(67, 147, 195), RGB(247, 247, 247),
                                        RGB(214, 96, 77), RGB(103, 0, 31)]

    static func interpolate(_ stops: [RGB], _ t: Double) -> RGB {
        let x = t * Double(stops.count - 1)
        let i = min(stops.count - 2, Int(x))
        let f = x - Double(i)
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) * (1 - f) + Double(b) * f).rounded()) }
        return RGB(mix(stops[i].r, stops[i + 1].r), mix(stops[i].g, stops[i + 1].g), mix(stops[i].b, stops[i + 1].b))
    }

    /// Ten classes, told apart by colour (matplotlib's tab10).
    public static let classes: [RGB] = [RGB(31, 119, 180), RGB(255, 127, 14), RGB(44, 160, 44), RGB(214, 39, 40),
                                        RGB(148, 103, 189), RGB(140, 86, 75), RGB(227, 119, 194), RGB(127, 127, 127),
                                        RGB(188, 189, 34), RGB(23, 190, 207)]
}

extension ColorMap: Equatable {}
