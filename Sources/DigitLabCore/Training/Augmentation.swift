import Glibc

/// Random changes to training images, so the network learns digits rather than pixels:
/// small shifts, rotations and rescalings, and elastic distortions (Simard et al. 2003).
/// Applied to each training batch only; evaluation always sees the real images.
/// Each image draws from its own generator seeded from the trainer's, so runs repeat
/// for a given seed on any number of threads.
public struct Augmentation: Equatable, Sendable {
    /// Largest shift in pixels, each direction.
    public var shift: Float = 0
    /// Largest rotation in degrees, either way.
    public var rotate: Float = 0
    /// Largest change of size as a fraction (0.1 = 90%…110%).
    public var scale: Float = 0
    /// Elastic distortion strength in pixels (0 = off); smoothed over `elasticSigma`.
    public var elastic: Float = 0
    public var elasticSigma: Float = 4
    /// Stroke changes (Augmentation+Strokes.swift): thickness in pixels, blur sigma in
    /// pixels, contrast as a fraction.
    public var thickness: Float = 0
    public var blur: Float = 0
    public var contrast: Float = 0
    /// The share of the 1s and 7s drawn in other writers' styles: a flag and a foot, a
    /// crossed stem (Augmentation+Styles.swift).
    public var styles: Float = 0
    /// The share of each batch replaced by pictures that are not one digit
    /// (Augmentation+Outliers.swift), labelled `Loss.notADigit`.
    public var outliers: Float = 0

    public init(shift: Float = 0, rotate: Float = 0, scale: Float = 0, elastic: Float = 0) {
        self.shift = shift; self.rotate = rotate; self.scale = scale; self.elastic = elastic
    }

    public var isIdentity: Bool { !warps && outliers == 0 }

    /// Whether each image is moved or restyled (everything but `outliers`).
    var warps: Bool { shift != 0 || rotate != 0 || scale != 0 || elastic != 0 || changesStrokes || styles != 0 }

    /// `shift 2 rotate 10 scale 0.1 elastic 34`, only the parts in force.
    public var description: String {
        if isIdentity { return "off" }
        var parts = [String]()
        if shift != 0 { parts.append("shift \(shift)") }
        if rotate != 0 { parts.append("rotate \(rotate)") }
        if scale != 0 { parts.append("scale \(scale)") }
        if elastic != 0 { parts.append("elastic \(elastic)") }
        if changesStrokes { parts.append(strokeDescription) }
        if styles != 0 { parts.append("styles \(styles)") }
        if outliers != 0 { parts.append("outliers \(outliers)") }
        return parts.joined(separator: " ")
    }

    /// Transforms every image of a `[n, 1, H, W]` batch in place, then replaces a share
    /// `outliers` of them (and their labels) by pictures that are not one digit.
    /// `background` is the value of blank paper after normalisation (what appears where
    /// the image moved away).
    public func apply(to batch: inout Tensor, labels: inout [Int], background: Float, using rng: inout SeededRNG) {
        if warps { warpAll(&batch, labels: labels, background: background, using: &rng) }
        if outliers > 0 { addOutliers(to: &batch, labels: &labels, background: background, using: &rng) }
    }

    private func warpAll(_ batch: inout Tensor, labels: [Int], background: Float, using rng: inout SeededRNG) {
        let (n, h, w) = (batch.batch, batch.shape[2], batch.shape[3])
        let seeds = (0..<n).map { _ in rng.next() }
        let grain = 8 // images per chunk
        batch.data.mutablePointer { data in
            Parallel.forEachChunk(Parallel.chunkCount(n, grain: grain)) { chunk, _ in
                var source = [Float](repeating: 0, count: h * w)
                for img in Parallel.chunk(chunk, grain: grain, count: n) {
                    var local = SeededRNG(seed: seeds[img])
                    let pixels = data + img * h * w
                    for i in 0..<(h * w) { source[i] = pixels[i] }
                    restyleWriting(&source, label: labels[img], height: h, width: w, background: background, using: &local)
                    warp(from: source, into: pixels, height: h, width: w, background: background, using: &local)
                }
            }
        }
    }

    /// One image: every output pixel samples the source at its inversely transformed
    /// position (bilinear), so no holes appear.
    func warp(from source: [Float], into out: UnsafeMutablePointer<Float>, height h: Int, width w: Int,
              background: Float, using rng: inout SeededRNG) {
        let angle = Double(rng.uniform(-rotate, rotate)) * Double.pi / 180
        let size = 1 + rng.uniform(-scale, scale)
        let (dx, dy) = (rng.uniform(-shift, shift), rng.uniform(-shift, shift))
        let (cosA, sinA) = (Float(cos(angle)), Float(sin(angle)))
        let (cx, cy) = (Float(w - 1) / 2, Float(h - 1) / 2)
        let field = elastic > 0 ? displacementField(height: h, width: w, using: &rng) : nil
        for y in 0..<h {
            for x in 0..<w {
                // Undo shift, then rotation and scale about the centre.
                var px = Float(x) - cx - dx, py = Float(y) - cy - dy
                (px, py) = ((cosA * px + sinA * py) / size + cx, (-sinA * px + cosA * py) / size + cy)
                if let f = field { px += f.x[y * w + x]; py += f.y[y * w + x] }
                out[y * w + x] = Self.bilinear(source, px, py, height: h, width: w, background: background)
            }
        }
        restyle(out, height: h, width: w, background: background, using: &rng)
    }

    /// Random displacements in [-1, 1], blurred with a Gaussian and scaled by `elastic`.
    func displacementField(height h: Int, width w: Int, using rng: inout SeededRNG) -> (x: [Float], y: [Float]) {
        let kernel = Self.gaussian(sigma: elasticSigma)
        func smooth() -> [Float] {
            var f = (0..<(h * w)).map { _ in rng.uniform(-1, 1) }
            f = Self.blur(f, kernel, height: h, width: w)
            // Normalise so `elastic` is the largest displacement in pixels.
            let peak = f.map(abs).max() ?? 1
            return f.map { $0 / max(peak, 1e-6) * elastic }
        }
        return (smooth(), smooth())
    }

    static func gaussian(sigma: Float) -> [Float] {
        let radius = Int((3 * sigma).rounded(.up))
        let k = (-radius...radius).map { expf(-Float($0 * $0) / (2 * sigma * sigma)) }
        let sum = k.reduce(0, +)
        return k.map { $0 / sum }
    }

    /// Separable blur with clamped edges.
    static func blur(_ f: [Float], _ k: [Float], height h: Int, width w: Int) -> [Float] {
        let r = k.count / 2
        var tmp = f, out = f
        for y in 0..<h { for x in 0..<w {
            var s: Float = 0
            for (j, kv) in k.enumerated() { s += kv * f[y * w + min(w - 1, max(0, x + j - r))] }
            tmp[y * w + x] = s
        } }
        for y in 0..<h { for x in 0..<w {
            var s: Float = 0
            for (j, kv) in k.enumerated() { s += kv * tmp[min(h - 1, max(0, y + j - r)) * w + x] }
            out[y * w + x] = s
        } }
        return out
    }

    @inline(__always)
    static func bilinear(_ src: [Float], _ x: Float, _ y: Float, height h: Int, width w: Int, background: Float) -> Float {
        let (x0, y0) = (Int(x.rounded(.down)), Int(y.rounded(.down)))
        let (fx, fy) = (x - Float(x0), y - Float(y0))
        func at(_ xx: Int, _ yy: Int) -> Float {
            (xx >= 0 && xx < w && yy >= 0 && yy < h) ? src[yy * w + xx] : background
        }
        let top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx
        let bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx
        return top * (1 - fy) + bottom * fy
    }
}
