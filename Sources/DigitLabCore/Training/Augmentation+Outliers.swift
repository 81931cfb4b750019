import Glibc

/// Pictures that are not one digit, for `augment outliers SHARE`.
///
/// A network trained only on digits calls anything a digit, and is sure of it: a touching
/// "10" framed like one digit is a 0 at 100%, half of a 4 is a 1, a frame's corner is a 7.
/// Reading a photo or a whole number means choosing among such candidates by how sure
/// the network is, so that certainty has to mean something. Outlier exposure (Hendrycks,
/// Mazeika and Dietterich 2019) teaches it: a share of each batch is replaced by things
/// that are not one digit, labelled `Loss.notADigit`, whose target is every class alike.
///
/// They are made from the batch's own (already augmented) digits and framed as the
/// picture pipeline frames a candidate — the longest side to 20 pixels, the centre of mass
/// in the middle — so they look like what the reader will meet:
/// - two digits side by side, touching, overlapping or a little apart (a number cut too
///   seldom);
/// - a vertical slice of a digit, a third to three fifths of it (a number cut too often);
/// - a bar, a corner, a cross, a blob or scattered specks (rules, frames, dirt).
/// A 1, and any digit narrower than half its height, is never sliced, and a slice that
/// is a thin upright stroke is not kept: those would be 1s. Each picture draws from its own generator, so batches repeat on any thread count.
extension Augmentation {
    /// Replaces about `outliers` of the batch's images in place and sets their labels to
    /// `Loss.notADigit`. Draws nothing from `rng` when `outliers` is 0.
    func addOutliers(to batch: inout Tensor, labels: inout [Int], background: Float, using rng: inout SeededRNG) {
        let (n, h, w) = (batch.batch, batch.shape[2], batch.shape[3])
        var chosen = [(image: Int, seed: UInt64)]()
        for i in 0..<n {
            let pick = rng.nextFloat() < outliers
            let seed = rng.next()
            if pick { chosen.append((i, seed)) }
        }
        guard !chosen.isEmpty else { return }
        // The digits as they are, ink only (0 = paper), to build from while images change.
        let sources = OutlierSources(ink: batch.data.map { max(0, $0 - background) }, labels: labels, count: n, height: h, width: w)
        let grain = 4
        batch.data.mutablePointer { data in
            Parallel.forEachChunk(Parallel.chunkCount(chosen.count, grain: grain)) { chunk, _ in
                for k in Parallel.chunk(chunk, grain: grain, count: chosen.count) {
                    let (i, seed) = chosen[k]
                    var local = SeededRNG(seed: seed)
                    let picture = sources.outlier(for: i, using: &local)
                    for p in 0..<(h * w) { data[i * h * w + p] = picture[p] + background }
                }
            }
        }
        for (i, _) in chosen { labels[i] = Loss.notADigit }
    }
}

/// The batch's digits as ink, and how to make a non-digit from them.
struct OutlierSources {
    let ink: [Float]
    let labels: [Int]
    let count: Int, height: Int, width: Int

    /// A picture (height x width, ink) that is not one digit, made around image `i`.
    func outlier(for i: Int, using rng: inout SeededRNG) -> [Float] {
        let peak = (0..<(height * width)).reduce(Float(0)) { max($0, ink[i * height * width + $1]) }
        let strength = peak > 0 ? peak : 1
        let kind = rng.nextFloat()
        var sheet: InkSheet?
        if kind < 0.45 {
            sheet = pair(i, using: &rng)
        } else if kind < 0.75 {
            sheet = slice(i, using: &rng) ?? pair(i, using: &rng)
        }
        let made = sheet ?? junk(strength: strength, using: &rng)
        return made.framed(height: height, width: width, peak: strength)
    }

    /// Image `i` and another of the batch side by side, the second a little larger or
    /// smaller, higher or lower; from 30% overlapping to 15% of a digit apart.
    func pair(_ i: Int, using rng: inout SeededRNG) -> InkSheet? {
        let j = count > 1 ? (i + 1 + rng.below(count - 1)) % count : i
        guard let a = box(i), let b = box(j) else { return nil }
        let size = 1 + rng.uniform(-0.15, 0.15)
        let gap = rng.uniform(-0.3, 0.15) * Float(min(a.width, b.width))
        let drop = rng.uniform(-0.12, 0.12) * Float(a.height)
        var sheet = InkSheet(width: 4 * width, height: 2 * height)
        let top = Float(height) / 2
        sheet.stamp(image(i), box: a, imageWidth: width, scale: 1, x: 2, y: top)
        sheet.stamp(image(j), box: b, imageWidth: width, scale: size, x: 2 + Float(a.width) + gap, y: top + drop)
        return sheet
    }

    /// The left or right part of image `i`, cut a third to three fifths of the way across;
    /// nil when that part is a thin upright stroke (the right of a 4, the left of a 0 in
    /// some hands): that is a 1, and must not be taught as "no digit".
    func slice(_ i: Int, using rng: inout SeededRNG) -> InkSheet? {
        guard labels[i] != 1, let a = box(i), a.width * 2 >= a.height else { return nil }
        let keep = max(1, Int((rng.uniform(0.33, 0.6) * Float(a.width)).rounded()))
        let part = rng.nextFloat() < 0.5
            ? PixelBox(x: a.x, y: a.y, width: keep, height: a.height)
            : PixelBox(x: a.x + a.width - keep, y: a.y, width: keep, height: a.height)
        var sheet = InkSheet(width: 2 * width, height: 2 * height)
        sheet.stamp(image(i), box: part, imageWidth: width, scale: 1, x: 4, y: 4)
        guard let inked = PixelBox.ofInk(sheet.ink, width: sheet.width, height: sheet.height),
              Self.isWide(inked) else { return nil }
        return sheet
    }

    /// At least 45% as wide as tall: no upright stroke (a 1).
    static func isWide(_ box: PixelBox) -> Bool { 20 * box.width >= 9 * box.height }

    /// A bar, a corner, a cross, a blob or specks, in strokes 1.5–3.5 pixels wide.
    func junk(strength: Float, using rng: inout SeededRNG) -> InkSheet {
        var sheet = InkSheet(width: 2 * width, height: 2 * height)
        let (cx, cy) = (Float(width), Float(height))
        let pen = rng.uniform(1.5, 3.5)
        let tilt = rng.uniform(-0.2, 0.2)
        let long = rng.uniform(10, 24), short = rng.uniform(6, 16)
        switch rng.below(5) {
        case 0: // a bar, roughly level: a rule or the edge of a frame
            sheet.line(cx - long / 2, cy - tilt * long / 2, cx + long / 2, cy + tilt * long / 2, pen: pen, ink: strength)
        case 1: // a corner of a frame or a box
            sheet.line(cx - long / 2, cy - short / 2, cx + long / 2, cy - short / 2 + tilt * long, pen: pen, ink: strength)
            sheet.line(cx - long / 2, cy - short / 2, cx - long / 2 - tilt * short, cy + short / 2, pen: pen, ink: strength)
        case 2: // a cross, where a rule meets a margin
            sheet.line(cx - long / 2, cy, cx + long / 2, cy + tilt * long, pen: pen, ink: strength)
            sheet.line(cx, cy - short / 2, cx + tilt * short, cy + short / 2, pen: pen, ink: strength)
        case 3: // a blob of ink, solid (a 0 has a hole)
            sheet.ellipse(cx, cy, long / 3, short / 3, ink: strength)
        default: // specks of dirt
            for _ in 0..<(3 + rng.below(6)) {
                let r = rng.uniform(0.8, 2.5)
                sheet.ellipse(cx + rng.uniform(-12, 12), cy + rng.uniform(-12, 12), r, r, ink: strength)
            }
        }
        return sheet
    }

    private func image(_ i: Int) -> ArraySlice<Float> { ink[(i * height * width)..<((i + 1) * height * width)] }

    /// The box of image `i`'s clear ink (a fifth of its strongest), or nil when blank.
    private func box(_ i: Int) -> PixelBox? { PixelBox.ofInk(image(i), width: width, height: height) }
}

/// Whole-pixel box.
struct PixelBox {
    var x, y, width, height: Int

    /// The box around every value above a fifth of the largest; nil when there is none.
    static func ofInk<C: RandomAccessCollection>(_ values: C, width: Int, height: Int) -> PixelBox?
        where C.Element == Float, C.Index == Int {
        let base = values.startIndex
        let peak = values.max() ?? 0
        guard peak > 0 else { return nil }
        var (x0, y0, x1, y1) = (width, height, -1, -1)
        for y in 0..<height {
            for x in 0..<width where values[base + y * width + x] > peak / 5 {
                x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y)
            }
        }
        return PixelBox(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1)
    }
}

/// A larger sheet to compose ink on before framing it like a digit.
struct InkSheet {
    let width: Int, height: Int
    var ink: [Float]

    init(width: Int, height: Int) {
        self.width = width; self.height = height
        ink = [Float](repeating: 0, count: width * height)
    }

    /// Copies `box` of an image (`imageWidth` wide) with its top-left corner at (x, y),
    /// `scale` times as large; where ink overlaps the darker wins (max), as with pens.
    mutating func stamp(_ image: ArraySlice<Float>, box: PixelBox, imageWidth: Int, scale: Float, x: Float, y: Float) {
        let base = image.startIndex
        let (w, h) = (Float(box.width) * scale, Float(box.height) * scale)
        for sy in max(0, Int(y.rounded(.down)))..<min(height, Int((y + h).rounded(.up)) + 1) {
            for sx in max(0, Int(x.rounded(.down)))..<min(width, Int((x + w).rounded(.up)) + 1) {
                // Bilinear within the box only, so a slice never takes ink from beyond its cut.
                let u = (Float(sx) - x) / scale, v = (Float(sy) - y) / scale
                guard u >= 0, v >= 0, u <= Float(box.width - 1), v <= Float(box.height - 1) else { continue }
                let (u0, v0) = (Int(u), Int(v))
                let (u1, v1) = (min(u0 + 1, box.width - 1), min(v0 + 1, box.height - 1))
                let (fu, fv) = (u - Float(u0), v - Float(v0))
                func at(_ uu: Int, _ vv: Int) -> Float { image[base + (box.y + vv) * imageWidth + box.x + uu] }
                let value = (at(u0, v0) * (1 - fu) + at(u1, v0) * fu) * (1 - fv) + (at(u0, v1) * (1 - fu) + at(u1, v1) * fu) * fv
                ink[sy * width + sx] = max(ink[sy * width + sx], value)
            }
        }
    }

    /// A straight stroke `pen` pixels wide with soft edges.
    mutating func line(_ x0: Float, _ y0: Float, _ x1: Float, _ y1: Float, pen: Float, ink value: Float) {
        let (dx, dy) = (x1 - x0, y1 - y0)
        let length2 = max(dx * dx + dy * dy, 1e-6)
        for y in 0..<height {
            for x in 0..<width {
                let (px, py) = (Float(x) - x0, Float(y) - y0)
                let t = min(1, max(0, (px * dx + py * dy) / length2))
                let (ex, ey) = (px - t * dx, py - t * dy)
                let cover = min(1, max(0, pen / 2 + 0.5 - (ex * ex + ey * ey).squareRoot()))
                ink[y * width + x] = max(ink[y * width + x], cover * value)
            }
        }
    }

    /// A solid ellipse with soft edges.
    mutating func ellipse(_ cx: Float, _ cy: Float, _ rx: Float, _ ry: Float, ink value: Float) {
        for y in 0..<height {
            for x in 0..<width {
                let (ux, uy) = ((Float(x) - cx) / max(rx, 0.5), (Float(y) - cy) / max(ry, 0.5))
                let d = (ux * ux + uy * uy).squareRoot()
                let cover = min(1, max(0, (1 - d) * min(rx, ry) + 0.5))
                ink[y * width + x] = max(ink[y * width + x], cover * value)
            }
        }
    }

    /// Framed as MNIST frames a digit and the picture pipeline a candidate: the ink's box
    /// scaled (area-averaged) so its longer side is 20/28 of the picture, the strongest ink
    /// back to `peak`, and the centre of mass moved to the middle by whole pixels.
    func framed(height outH: Int, width outW: Int, peak: Float) -> [Float] {
        var out = [Float](repeating: 0, count: outH * outW)
        guard let box = PixelBox.ofInk(ink, width: width, height: height) else { return out }
        let side = Float(min(outH, outW)) * 20 / 28
        let scale = side / Float(max(box.width, box.height))
        let (bw, bh) = (max(1, Int((Float(box.width) * scale).rounded())), max(1, Int((Float(box.height) * scale).rounded())))
        var small = [Float](repeating: 0, count: bw * bh)
        let steps = 4 // samples per pixel and direction
        for oy in 0..<bh {
            for ox in 0..<bw {
                var sum: Float = 0
                for sy in 0..<steps {
                    for sx in 0..<steps {
                        let u = Float(box.x) + (Float(ox) + (Float(sx) + 0.5) / Float(steps)) / scale - 0.5
                        let v = Float(box.y) + (Float(oy) + (Float(sy) + 0.5) / Float(steps)) / scale - 0.5
                        sum += sample(u, v)
                    }
                }
                small[oy * bw + ox] = sum / Float(steps * steps)
            }
        }
        let top = small.max() ?? 0
        guard top > 0 else { return out }
        var (mass, mx, my): (Float, Float, Float) = (0, 0, 0)
        for y in 0..<bh {
            for x in 0..<bw {
                small[y * bw + x] *= peak / top
                mass += small[y * bw + x]; mx += Float(x) * small[y * bw + x]; my += Float(y) * small[y * bw + x]
            }
        }
        let left = outW / 2 - Int((mx / mass).rounded()), up = outH / 2 - Int((my / mass).rounded())
        for y in 0..<bh where (0..<outH).contains(y + up) {
            for x in 0..<bw where (0..<outW).contains(x + left) {
                out[(y + up) * outW + x + left] = small[y * bw + x]
            }
        }
        return out
    }

    private func sample(_ u: Float, _ v: Float) -> Float {
        let (x0, y0) = (Int(u.rounded(.down)), Int(v.rounded(.down)))
        let (fx, fy) = (u - Float(x0), v - Float(y0))
        func at(_ x: Int, _ y: Int) -> Float { x >= 0 && x < width && y >= 0 && y < height ? ink[y * width + x] : 0 }
        return (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy
    }
}
