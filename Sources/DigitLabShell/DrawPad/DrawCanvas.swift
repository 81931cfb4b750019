import DigitLabIO

/// The drawing pad's paper: a grid of ink values (0 = paper, 255 = full ink) painted with
/// a round pen whose edge fades over about two pixels, as a felt pen's does. The soft edge
/// matters: MNIST digits have grey rims, and a network trained on them reads hard-edged
/// blocks less surely.
///
/// Coordinates are continuous, in pixels: pixel (i, j) covers [i, i+1) x [j, j+1) and its
/// centre is (i + 0.5, j + 0.5).
public struct DrawCanvas: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// Row by row, 255 = ink.
    public private(set) var ink: [UInt8]
    /// The pen's radius in pixels, to the middle of its soft edge.
    public var radius: Double

    /// A pen that draws strokes about as thick, relative to a digit filling the pad, as
    /// MNIST's are relative to their 20-pixel box.
    public static let defaultRadius = 2.6
    public static let radii: ClosedRange<Double> = 1.0...6.0

    public init(width: Int = 56, height: Int = 56, radius: Double = DrawCanvas.defaultRadius) {
        self.width = width; self.height = height; self.radius = radius
        ink = [UInt8](repeating: 0, count: width * height)
    }

    public var isBlank: Bool { !ink.contains { $0 > 0 } }

    public mutating func clear() { ink = [UInt8](repeating: 0, count: width * height) }

    /// Paints (or, with `erase`, rubs out) a stroke from `from` to `to`; from nil, a dot at
    /// `to`. Each pixel gets the pen's coverage at its distance from the segment, and
    /// keeps the darker of old and new ink (the lighter, when erasing), so going over a
    /// line again never makes it thicker than the pen.
    public mutating func stroke(from: (x: Double, y: Double)?, to: (x: Double, y: Double), erase: Bool = false) {
        let a = from ?? to
        let reach = radius + 1.5
        let x0 = max(0, Int((min(a.x, to.x) - reach).rounded(.down)))
        let x1 = min(width - 1, Int((max(a.x, to.x) + reach).rounded(.up)))
        let y0 = max(0, Int((min(a.y, to.y) - reach).rounded(.down)))
        let y1 = min(height - 1, Int((max(a.y, to.y) + reach).rounded(.up)))
        guard x0 <= x1, y0 <= y1 else { return }
        for y in y0...y1 {
            for x in x0...x1 {
                let d = Self.distance(from: (Double(x) + 0.5, Double(y) + 0.5), toSegment: a, to)
                let cover = coverage(d)
                guard cover > 0 else { continue }
                let i = y * width + x
                let value = UInt8((cover * 255).rounded())
                ink[i] = erase ? min(ink[i], 255 - value) : max(ink[i], value)
            }
        }
    }

    /// 1 inside the pen, 0 outside, a smooth ramp over the edge (one pixel either side of
    /// the radius): the smoothstep keeps the rim free of visible steps.
    func coverage(_ d: Double) -> Double {
        let t = max(0, min(1, (radius + 1 - d) / 2))
        return t * t * (3 - 2 * t)
    }

    /// Distance from point p to the segment a–b (to a when a == b).
    static func distance(from p: (Double, Double), toSegment a: (x: Double, y: Double), _ b: (x: Double, y: Double)) -> Double {
        let (dx, dy) = (b.x - a.x, b.y - a.y)
        let length2 = dx * dx + dy * dy
        let t = length2 == 0 ? 0 : max(0, min(1, ((p.0 - a.x) * dx + (p.1 - a.y) * dy) / length2))
        let (cx, cy) = (a.x + t * dx - p.0, a.y + t * dy - p.1)
        return (cx * cx + cy * cy).squareRoot()
    }

    /// The drawing as a picture file would hold it: dark ink on white paper, with a white
    /// margin all round. The digit pipeline takes the paper's level from the border, so
    /// the margin keeps a stroke drawn to the pad's edge from being read as paper.
    public func paperPicture(margin: Int = 4) -> PNG.Grey {
        let (w, h) = (width + 2 * margin, height + 2 * margin)
        var pixels = [UInt8](repeating: 255, count: w * h)
        for y in 0..<height {
            for x in 0..<width { pixels[(y + margin) * w + x + margin] = 255 - ink[y * width + x] }
        }
        return PNG.Grey(width: w, height: h, pixels: pixels)
    }
}
