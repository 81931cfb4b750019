/// Turns a photo or scan of one handwritten digit into an MNIST-style 28x28 image:
/// greyscale → paper level removed → white ink on black → cropped to the ink → longest
/// side 20 px → centre of mass in the middle of 28x28 (MNIST's own recipe). Each stage
/// is kept, so `--stages` can show what happened.
public enum DigitPipeline {
    public struct Stage: Sendable {
        public let name: String
        /// 0–255; for the first two stages paper is white, afterwards ink is white.
        public let image: PNG.Grey
    }

    public struct Result: Sendable {
        /// 784 bytes, 255 = ink, ready for the network.
        public let pixels: [UInt8]
        public let stages: [Stage]
        /// True when the paper was darker than the ink (chalk on a board, inverted scans).
        public let lightInkOnDark: Bool
    }

    public enum Failure: Error, Equatable { case blank }

    public static func run(_ input: PNG.Grey) throws(Failure) -> Result {
        var stages = [Stage(name: "greyscale", image: input)]
        let (w, h) = (input.width, input.height)
        // The paper is what the border is made of: the median of the outermost pixels.
        var border = [UInt8]()
        for x in 0..<w { border.append(input.pixels[x]); border.append(input.pixels[(h - 1) * w + x]) }
        for y in 0..<h { border.append(input.pixels[y * w]); border.append(input.pixels[y * w + w - 1]) }
        border.sort()
        let paper = Int(border[border.count / 2])
        let dark = paper < 128
        // Ink strength: how far each pixel is from the paper, in the ink's direction.
        var ink = input.pixels.map { dark ? max(0, Int($0) - paper) : max(0, paper - Int($0)) }
        // Noise floor: what the paper itself varies by (the border's 99th percentile).
        let borderInk = border.map { dark ? max(0, Int($0) - paper) : max(0, paper - Int($0)) }.sorted()
        let noise = borderInk[min(borderInk.count - 1, borderInk.count * 99 / 100)] + 8
        let peak = ink.max() ?? 0
        guard peak > noise + 16 else { throw .blank }
        ink = ink.map { max(0, min(255, ($0 - noise) * 255 / max(1, peak - noise))) }
        stages.append(Stage(name: "paper removed", image: PNG.Grey(width: w, height: h,
                                                                   pixels: ink.map { UInt8(255 - $0) })))
        let inverted = PNG.Grey(width: w, height: h, pixels: ink.map(UInt8.init))
        stages.append(Stage(name: "white ink on black", image: inverted))
        // Crop to the ink. The box comes from a 3x3-smoothed copy, where a stroke stays
        // strong but a lone noise pixel drops to a ninth (seen: noisy dark paper made
        // the box the whole picture).
        let smooth = Self.boxBlur(ink, width: w, height: h)
        var (x0, y0, x1, y1) = (w, h, -1, -1)
        for y in 0..<h { for x in 0..<w where smooth[y * w + x] >= 64 {
            x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y)
        } }
        guard x1 >= x0 else { throw .blank }
        let (cw, ch) = (x1 - x0 + 1, y1 - y0 + 1)
        var crop = [UInt8](repeating: 0, count: cw * ch)
        for y in 0..<ch { for x in 0..<cw { crop[y * cw + x] = inverted.pixels[(y0 + y) * w + x0 + x] } }
        let cropped = PNG.Grey(width: cw, height: ch, pixels: crop)
        stages.append(Stage(name: "cropped", image: cropped))
        // Longest side to 20 px, keeping the proportions.
        let scale = 20.0 / Double(max(cw, ch))
        let (rw, rh) = (max(1, Int((Double(cw) * scale).rounded())), max(1, Int((Double(ch) * scale).rounded())))
        let resized = Resample.image(cropped, width: rw, height: rh)
        stages.append(Stage(name: "20 px", image: resized))
        // Centre of mass to the middle of the 28x28 field, by whole pixels.
        var (mass, mx, my) = (0.0, 0.0, 0.0)
        for y in 0..<rh { for x in 0..<rw {
            let v = Double(resized.pixels[y * rw + x]); mass += v; mx += v * (Double(x) + 0.5); my += v * (Double(y) + 0.5)
        } }
        let (cx, cy) = mass > 0 ? (mx / mass, my / mass) : (Double(rw) / 2, Double(rh) / 2)
        let (ox, oy) = (Int((14 - cx).rounded()), Int((14 - cy).rounded()))
        var out = [UInt8](repeating: 0, count: 784)
        for y in 0..<rh { for x in 0..<rw {
            let (tx, ty) = (x + ox, y + oy)
            if tx >= 0, tx < 28, ty >= 0, ty < 28 { out[ty * 28 + tx] = resized.pixels[y * rw + x] }
        } }
        stages.append(Stage(name: "28x28, centred", image: PNG.Grey(width: 28, height: 28, pixels: out)))
        return Result(pixels: out, stages: stages, lightInkOnDark: dark)
    }
}

extension DigitPipeline {
    /// The mean of each pixel's 3x3 neighbourhood (edges use the pixels there are).
    static func boxBlur(_ v: [Int], width w: Int, height h: Int) -> [Int] {
        var out = [Int](repeating: 0, count: v.count)
        for y in 0..<h { for x in 0..<w {
            var (sum, n) = (0, 0)
            for yy in max(0, y - 1)...min(h - 1, y + 1) { for xx in max(0, x - 1)...min(w - 1, x + 1) { sum += v[yy * w + xx]; n += 1 } }
            out[y * w + x] = sum / n
        } }
        return out
    }
}

/// Image resizing: area averaging when shrinking (every source pixel counts, so thin
/// strokes survive), bilinear when enlarging.
public enum Resample {
    public static func image(_ g: PNG.Grey, width: Int, height: Int) -> PNG.Grey {
        let rows = axis(g.pixels.map(Double.init), count: g.height, length: g.width, to: width, stride: 1, step: g.width)
        // rows is height x width (new); now resample columns.
        let cols = axis(rows, count: width, length: g.height, to: height, stride: width, step: 1)
        return PNG.Grey(width: width, height: height, pixels: cols.map { UInt8(max(0, min(255, $0.rounded()))) })
    }

    /// Resamples `count` lines of `length` samples each to `to` samples. Sample i of line
    /// l is at `l * step + i * stride` in the input; the output is laid out the same way
    /// with the new length.
    static func axis(_ v: [Double], count: Int, length: Int, to n: Int, stride: Int, step: Int) -> [Double] {
        let scale = Double(length) / Double(n)
        var out = [Double](repeating: 0, count: count * n)
        for line in 0..<count {
            for i in 0..<n {
                var value = 0.0
                if scale >= 1 {
                    // Area average over [i·scale, (i+1)·scale).
                    let (a, b) = (Double(i) * scale, Double(i + 1) * scale)
                    var total = 0.0, j = Int(a)
                    while Double(j) < b && j < length {
                        let weight = min(b, Double(j + 1)) - max(a, Double(j))
                        value += weight * v[line * step + j * stride]; total += weight; j += 1
                    }
                    value /= max(total, 1e-9)
                } else {
                    let x = (Double(i) + 0.5) * scale - 0.5
                    let j = max(0, min(length - 1, Int(x.rounded(.down))))
                    let k = min(length - 1, j + 1)
                    let f = max(0, min(1, x - Double(j)))
                    value = v[line * step + j * stride] * (1 - f) + v[line * step + k * stride] * f
                }
                // Rows keep their layout; a column pass writes down the column.
                if stride == 1 { out[line * n + i] = value } else { out[i * stride + line] = value }
            }
        }
        return out
    }
}
