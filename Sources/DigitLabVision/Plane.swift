import DigitLabIO

/// A picture of `Float` values, row by row: the working currency of the vision code
/// (one colour channel, an ink map, a background estimate). Float rather than Double:
/// the pipeline keeps a few of these at working size (at most `DigitPipeline.workingSize`
/// on the longer side), never at the size of the file.
public struct Plane: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var values: [Float]

    public init(width: Int, height: Int, values: [Float]) {
        precondition(values.count == width * height, "values and size disagree")
        self.width = width; self.height = height; self.values = values
    }

    public init(width: Int, height: Int, repeating v: Float = 0) {
        self.init(width: width, height: height, values: [Float](repeating: v, count: width * height))
    }

    /// One channel of a raster (0–255).
    public init(_ raster: RasterImage, channel: Int) {
        var v = [Float](repeating: 0, count: raster.pixelCount)
        let c = raster.channels
        raster.pixels.withUnsafeBufferPointer { p in
            for i in 0..<v.count { v[i] = Float(p[i * c + channel]) }
        }
        self.init(width: raster.width, height: raster.height, values: v)
    }

    @inline(__always) public subscript(x: Int, y: Int) -> Float {
        get { values[y * width + x] }
        set { values[y * width + x] = newValue }
    }

    public func map(_ f: (Float) -> Float) -> Plane { Plane(width: width, height: height, values: values.map(f)) }

    /// Grey bytes, clamped to 0–255.
    public var bytes: [UInt8] { values.map { UInt8(max(0, min(255, $0.rounded()))) } }

    /// The rectangle at (x, y), w x h (inside the plane).
    public func cropped(x: Int, y: Int, width w: Int, height h: Int) -> Plane {
        var out = [Float](repeating: 0, count: w * h)
        for r in 0..<h { for c in 0..<w { out[r * w + c] = values[(y + r) * width + x + c] } }
        return Plane(width: w, height: h, values: out)
    }

    /// The value below which a fraction `p` of the values lie (sampled: about 16,384
    /// values are sorted, enough for a percentile of a picture).
    public func percentile(_ p: Double) -> Float { percentiles([p])[0] }

    /// Several percentiles from one sort.
    public func percentiles(_ ps: [Double]) -> [Float] {
        guard !values.isEmpty else { return ps.map { _ in 0 } }
        let step = max(1, values.count / 16_384)
        var sample = [Float](); sample.reserveCapacity(values.count / step + 1)
        var i = 0
        while i < values.count { sample.append(values[i]); i += step }
        sample.sort()
        return ps.map { sample[min(sample.count - 1, max(0, Int($0 * Double(sample.count - 1))))] }
    }
}

// MARK: - Resizing

extension Plane {
    /// Area averaging when shrinking (every source pixel counts, so thin strokes survive),
    /// bilinear when enlarging; each axis on its own.
    public func resized(width w: Int, height h: Int) -> Plane {
        let rows = Self.axis(values, lines: height, length: width, to: w, along: 1, across: width)
        let both = Self.axis(rows, lines: w, length: height, to: h, along: w, across: 1)
        return Plane(width: w, height: h, values: both)
    }

    /// Resamples `lines` lines of `length` samples to `n` samples. Sample i of line l is
    /// at `l * across + i * along`; the output keeps that layout with the new length.
    static func axis(_ v: [Float], lines: Int, length: Int, to n: Int, along: Int, across: Int) -> [Float] {
        let scale = Double(length) / Double(n)
        var out = [Float](repeating: 0, count: lines * n)
        // The weights depend only on i: work them out once.
        var taps = [[(Int, Float)]]()
        for i in 0..<n {
            var t = [(Int, Float)]()
            if scale >= 1 {
                let (a, b) = (Double(i) * scale, Double(i + 1) * scale)
                var j = Int(a)
                while Double(j) < b && j < length {
                    t.append((j, Float((min(b, Double(j + 1)) - max(a, Double(j))) / scale))); j += 1
                }
            } else {
                let x = (Double(i) + 0.5) * scale - 0.5
                let j = max(0, min(length - 1, Int(x.rounded(.down))))
                let k = min(length - 1, j + 1)
                let f = Float(max(0, min(1, x - Double(j))))
                t = [(j, 1 - f), (k, f)]
            }
            taps.append(t)
        }
        v.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for l in 0..<lines {
                    for i in 0..<n {
                        var s: Float = 0
                        for (j, w) in taps[i] { s += w * src[l * across + j * along] }
                        dst[l * (along == 1 ? n : 1) + i * (along == 1 ? 1 : lines)] = s
                    }
                }
            }
        }
        return out
    }
}

extension Plane {
    /// Half the size each way, each pixel the mean of a 2x2 block (an odd last row or
    /// column is dropped).
    public func halved() -> Plane {
        let (w, h) = (max(1, width / 2), max(1, height / 2))
        guard width >= 2, height >= 2 else { return self }
        var out = [Float](repeating: 0, count: w * h)
        for y in 0..<h { for x in 0..<w {
            let i = 2 * y * width + 2 * x
            out[y * w + x] = (values[i] + values[i + 1] + values[i + width] + values[i + width + 1]) / 4
        } }
        return Plane(width: w, height: h, values: out)
    }
}

// MARK: - Neighbourhood filters

extension Plane {
    /// The mean over each pixel's (2r+1)² square (edges average what lies inside),
    /// through a summed-area table: the same cost for any radius.
    public func boxMean(radius r: Int) -> Plane {
        guard r > 0 else { return self }
        let (w, h) = (width, height)
        var sat = [Double](repeating: 0, count: (w + 1) * (h + 1))
        for y in 0..<h {
            var row = 0.0
            for x in 0..<w {
                row += Double(values[y * w + x])
                sat[(y + 1) * (w + 1) + x + 1] = sat[y * (w + 1) + x + 1] + row
            }
        }
        var out = [Float](repeating: 0, count: w * h)
        for y in 0..<h {
            let (y0, y1) = (max(0, y - r), min(h, y + r + 1))
            for x in 0..<w {
                let (x0, x1) = (max(0, x - r), min(w, x + r + 1))
                let s = sat[y1 * (w + 1) + x1] - sat[y0 * (w + 1) + x1] - sat[y1 * (w + 1) + x0] + sat[y0 * (w + 1) + x0]
                out[y * w + x] = Float(s / Double((y1 - y0) * (x1 - x0)))
            }
        }
        return Plane(width: w, height: h, values: out)
    }

    /// The largest value in each pixel's (2r+1)² square (grey dilation).
    public func maxFilter(radius r: Int) -> Plane { extremum(radius: r, largest: true) }
    /// The smallest value in each pixel's (2r+1)² square (grey erosion).
    public func minFilter(radius r: Int) -> Plane { extremum(radius: r, largest: false) }
    /// Dilation then erosion: dark details narrower than 2r+1 fill in with their
    /// surroundings — on paper with dark ink, the paper without the ink.
    public func closing(radius r: Int) -> Plane { maxFilter(radius: r).minFilter(radius: r) }
    /// Erosion then dilation: light details narrower than 2r+1 disappear.
    public func opening(radius r: Int) -> Plane { minFilter(radius: r).maxFilter(radius: r) }

    /// Separable van Herk/Gil-Werman filter: three comparisons per pixel and pass,
    /// whatever the radius. Outside the picture counts as absent, not as zero.
    func extremum(radius r: Int, largest: Bool) -> Plane {
        guard r > 0 else { return self }
        // Rows, then rows of the transposed plane (columns read down a row are far
        // apart in memory; a transposition in tiles is cheaper than striding).
        let rows = Plane(width: width, height: height, values: Self.rowExtremum(values, width: width, height: height, radius: r, largest: largest))
        let t = rows.transposed()
        return Plane(width: t.width, height: t.height, values: Self.rowExtremum(t.values, width: t.width, height: t.height, radius: r, largest: largest)).transposed()
    }

    /// The plane turned about its diagonal (width and height swapped), tile by tile.
    public func transposed() -> Plane {
        var out = [Float](repeating: 0, count: values.count)
        let tile = 32
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y0 in stride(from: 0, to: height, by: tile) {
                    for x0 in stride(from: 0, to: width, by: tile) {
                        for y in y0..<min(height, y0 + tile) {
                            for x in x0..<min(width, x0 + tile) { dst[x * height + y] = src[y * width + x] }
                        }
                    }
                }
            }
        }
        return Plane(width: height, height: width, values: out)
    }

    static func rowExtremum(_ values: [Float], width w: Int, height h: Int, radius r: Int, largest: Bool) -> [Float] {
        var out = values
        let padded = w + 2 * r
        var line = [Float](repeating: 0, count: padded), g = line, hh = line
        out.withUnsafeMutableBufferPointer { o in
            line.withUnsafeMutableBufferPointer { v in
                g.withUnsafeMutableBufferPointer { g in
                    hh.withUnsafeMutableBufferPointer { hb in
                        for l in 0..<h {
                            for i in 0..<w { v[r + i] = o[l * w + i] }
                            extremum1D(v, length: w, radius: r, largest: largest, g: g, h: hb,
                                       into: UnsafeMutableBufferPointer(rebasing: o[(l * w)..<((l + 1) * w)]))
                        }
                    }
                }
            }
        }
        return out
    }

    /// One line: `v` holds the `n` values from index r on; the r slots either side are
    /// filled here with "absent".
    static func extremum1D(_ v: UnsafeMutableBufferPointer<Float>, length n: Int, radius r: Int, largest: Bool,
                           g: UnsafeMutableBufferPointer<Float>, h: UnsafeMutableBufferPointer<Float>,
                           into out: UnsafeMutableBufferPointer<Float>) {
        let k = 2 * r + 1
        let padded = n + 2 * r
        let none: Float = largest ? -.infinity : .infinity
        for i in 0..<r { v[i] = none; v[n + r + i] = none }
        // g: running extremum from each block's start; h: from each block's end. The
        // window [i, i + 2r] (padded) spans at most two blocks.
        var b = 0
        if largest {
            while b < padded {
                let e = min(b + k, padded) - 1
                g[b] = v[b]
                if b < e { for i in (b + 1)...e { g[i] = max(g[i - 1], v[i]) } }
                h[e] = v[e]
                var i = e - 1
                while i >= b { h[i] = max(h[i + 1], v[i]); i -= 1 }
                b += k
            }
            for i in 0..<n { out[i] = max(h[i], g[i + 2 * r]) }
        } else {
            while b < padded {
                let e = min(b + k, padded) - 1
                g[b] = v[b]
                if b < e { for i in (b + 1)...e { g[i] = min(g[i - 1], v[i]) } }
                h[e] = v[e]
                var i = e - 1
                while i >= b { h[i] = min(h[i + 1], v[i]); i -= 1 }
                b += k
            }
            for i in 0..<n { out[i] = min(h[i], g[i + 2 * r]) }
        }
    }
}
