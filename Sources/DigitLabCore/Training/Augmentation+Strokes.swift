import Glibc

/// Changes of the pen rather than of the geometry: thicker or thinner strokes, a blurred
/// or sharp picture, faint or saturated ink. Real pictures differ from MNIST in exactly
/// these ways (a marker, a hair-thin pen, a camera out of focus, pencil), and the
/// pipeline's framing cannot undo all of it; a network that has seen them on its
/// training batches generalises to them.
///
/// Applied after the geometric warp, on the normalised image (`background` is blank
/// paper), drawing from the same generator — and not at all, so not changing a single
/// draw, when `thickness`, `blur` and `contrast` are 0.
extension Augmentation {
    public var changesStrokes: Bool { thickness != 0 || blur != 0 || contrast != 0 }

    /// `thickness 1 blur 1 contrast 0.4`, the stroke changes in force.
    var strokeDescription: String {
        var parts = [String]()
        if thickness != 0 { parts.append("thickness \(thickness)") }
        if blur != 0 { parts.append("blur \(blur)") }
        if contrast != 0 { parts.append("contrast \(contrast)") }
        return parts.joined(separator: " ")
    }

    /// One image, in place.
    func restyle(_ image: UnsafeMutablePointer<Float>, height h: Int, width w: Int, background: Float,
                 using rng: inout SeededRNG) {
        guard changesStrokes else { return }
        let n = h * w
        var v = [Float](unsafeUninitializedCapacity: n) { buffer, count in
            for i in 0..<n { buffer[i] = image[i] - background }
            count = n
        }
        // Thickness: grey dilation (a pen that spreads) or erosion (a fine nib), by a
        // random amount in [-thickness, thickness] pixels; the fraction of a pixel is a
        // blend with the next step. Thinning goes at most half as far: MNIST's strokes are
        // only two or three pixels wide.
        let amount = rng.uniform(-thickness / 2, thickness)
        var steps = abs(amount)
        while steps > 0 {
            let f = min(1, steps)
            let grown = Self.neighbourhood(v, height: h, width: w, largest: amount > 0)
            for i in 0..<n { v[i] += f * (grown[i] - v[i]) }
            steps -= 1
        }
        // Blur: a Gaussian of random width up to `blur` pixels.
        let sigma = rng.uniform(0, blur)
        if sigma > 0.2 { v = Self.blur(v, Self.gaussian(sigma: sigma), height: h, width: w) }
        // Contrast: the ink's profile bent (gamma) and its strength scaled, as faint
        // pencil or an over-exposed photo would.
        let top = v.max() ?? 0
        if contrast > 0, top > 0 {
            let gamma = expf(rng.uniform(-contrast, contrast))
            let strength = 1 - rng.uniform(0, contrast) / 2
            for i in 0..<n where v[i] > 0 { v[i] = top * strength * powf(min(1, v[i] / top), gamma) }
        }
        for i in 0..<n { image[i] = v[i] + background }
    }

    /// The largest (or smallest) value among each pixel and its four neighbours: one step
    /// of dilation (erosion) with a small cross, the gentlest there is.
    static func neighbourhood(_ v: [Float], height h: Int, width w: Int, largest: Bool) -> [Float] {
        var out = v
        for y in 0..<h {
            for x in 0..<w {
                var m = v[y * w + x]
                for (dx, dy) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
                    let (xx, yy) = (x + dx, y + dy)
                    // Outside the image is blank paper (0 after taking the background off).
                    let n: Float = xx >= 0 && xx < w && yy >= 0 && yy < h ? v[yy * w + xx] : 0
                    m = largest ? max(m, n) : min(m, n)
                }
                out[y * w + x] = m
            }
        }
        return out
    }
}
