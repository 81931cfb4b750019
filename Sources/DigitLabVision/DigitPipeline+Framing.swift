import DigitLabIO

/// From a chosen digit to MNIST's framing: only its own ink, cropped, strokes evened to
/// MNIST's thickness, longest side 20 px, centre of mass in the middle of 28x28.
extension Analysis {
    /// MNIST's strokes, measured the same way (`strokeWidth`) on the test digits scaled
    /// to 20 px: median 3.5 px, 1st percentile 2.2, 99th 6.3. Pictures outside [low,
    /// high] are thickened or thinned towards `aim`; MNIST's own range is left alone.
    static let strokeTarget: (low: Float, aim: Float, high: Float) = (2.0, 3.4, 6.5)

    /// A single digit is the answer, so its ink is never thinned away (`keepingInk`).
    func frame(_ g: DigitGroup, stages wanted: Bool = true) -> (pixels: [UInt8], stages: [DigitPipeline.Stage]) {
        let chosen = Set(g.labels)
        return frame(box: g.box, stages: wanted, keepingInk: true, keepingLoops: true) { x, y in
            let l = components.labels[y * width + x]
            return l != 0 && chosen.contains(l)
        }
    }

    /// The ink inside `box` for which `owns(x, y)` holds (working coordinates), framed.
    /// `keepingInk`: thinning stops short of erasing a small blot (an empty 28x28 reads as
    /// a confident 1). Segments of a number leave it off: there, a blot that thinning
    /// erases is a sliver, and the network's doubt about an empty frame keeps it out.
    /// `keepingLoops`: thickening stops short of closing a loop (a single digit; a line
    /// of writing frames hundreds of candidates, and counting their loops made `read`
    /// 1.15 times as slow for no number read better on the dev sets).
    func frame(box b: Box, stages wanted: Bool = true, keepingInk: Bool = false, keepingLoops: Bool = false,
               owns: (Int, Int) -> Bool) -> (pixels: [UInt8], stages: [DigitPipeline.Stage]) {
        // Only the digit's own ink: its pixels, widened a little to keep soft edges.
        let soft = max(1, Int((map.strokeWidth / 3).rounded()))
        let (x0, y0) = (max(0, b.x - soft), max(0, b.y - soft))
        let (x1, y1) = (min(width - 1, b.maxX + soft), min(height - 1, b.maxY + soft))
        let (cw, ch) = (x1 - x0 + 1, y1 - y0 + 1)
        var own = Plane(width: cw, height: ch)
        var inside = [Bool](repeating: false, count: cw * ch)
        for y in 0..<ch { for x in 0..<cw {
            if owns(x0 + x, y0 + y) { own.values[y * cw + x] = 1; inside[y * cw + x] = true }
        } }
        own = own.maxFilter(radius: soft)
        // Ink strength scaled so the body of the strokes is full ink.
        var strengths = [Float]()
        for y in 0..<ch { for x in 0..<cw where inside[y * cw + x] { strengths.append(ink.values[(y0 + y) * width + x0 + x]) } }
        let full = max(0.05, strengths.isEmpty ? 1 : strengths.orderStatistic(strengths.count * 7 / 10))
        let base = threshold * 0.5
        var crop = Plane(width: cw, height: ch)
        for y in 0..<ch { for x in 0..<cw {
            let e = ink.values[(y0 + y) * width + x0 + x]
            crop.values[y * cw + x] = own.values[y * cw + x] * max(0, min(1, (e - base) / max(0.02, full - base)))
        } }
        var stages = [DigitPipeline.Stage]()
        if wanted { stages.append(stage("cropped", crop)) }
        // Strokes evened: measured at the 20 px scale, thickened or thinned towards MNIST's.
        let longer = Float(max(cw, ch))
        let measured = Self.strokeWidth(inside, width: cw, height: ch) * 20 / longer
        var evened = crop
        var note = "strokes kept"
        let t = Self.strokeTarget
        if measured < t.low {
            // Thickened no more than its loops survive: a thin pen's small loop (the top of
            // a narrow 8) closed up under MNIST's pen, and the 8 was read as 0. A loop
            // counts from three pixels of the 20 px frame, and must keep two of them.
            let pixel = (longer / 20) * (longer / 20)
            let loops = keepingLoops ? Self.enclosedPaper(inside, width: cw, height: ch, minimumArea: Int(3 * pixel)).count : 0
            var r = Int(((t.aim - measured) / 2 * longer / 20).rounded())
            while r >= 1 {
                let thick = padded(crop, by: r).maxFilter(radius: r)
                if loops == 0 || Self.enclosedPaper(thick.values.map { $0 >= 0.5 }, width: thick.width, height: thick.height,
                                                    minimumArea: max(1, Int(2 * pixel))).count >= loops {
                    evened = thick; note = "strokes thickened"; break
                }
                r -= max(1, r / 4)
            }
        } else if measured > t.high {
            let r = Int(((measured - t.aim) / 2 * longer / 20).rounded())
            let thinned = crop.minFilter(radius: r)
            let erased = keepingInk && thinned.values.reduce(0, +) < 0.25 * crop.values.reduce(0, +)
            if r >= 1 && !erased { evened = thinned; note = "strokes thinned" }
        }
        evened = tight(evened)
        if wanted { stages.append(stage(note, evened)) }
        // Longest side to 20 px, keeping the proportions.
        let scale = 20 / Float(max(evened.width, evened.height))
        let (rw, rh) = (max(1, Int((Float(evened.width) * scale).rounded())), max(1, Int((Float(evened.height) * scale).rounded())))
        var resized = evened.resized(width: rw, height: rh)
        // Thin strokes averaged down come out grey: the strongest ink is full ink again.
        let top = resized.values.max() ?? 0
        if top > 0 && top < 1 { resized = resized.map { $0 / top } }
        if wanted { stages.append(stage("20 px", resized)) }
        // Centre of mass to the middle of the 28x28 field, by whole pixels.
        var (mass, mx, my): (Float, Float, Float) = (0, 0, 0)
        for y in 0..<rh { for x in 0..<rw {
            let v = resized.values[y * rw + x]; mass += v; mx += v * (Float(x) + 0.5); my += v * (Float(y) + 0.5)
        } }
        let (cx, cy) = mass > 0 ? (mx / mass, my / mass) : (Float(rw) / 2, Float(rh) / 2)
        let (ox, oy) = (Int((14 - cx).rounded()), Int((14 - cy).rounded()))
        var out = [UInt8](repeating: 0, count: 784)
        for y in 0..<rh { for x in 0..<rw {
            let (tx, ty) = (x + ox, y + oy)
            if tx >= 0, tx < 28, ty >= 0, ty < 28 { out[ty * 28 + tx] = UInt8(max(0, min(255, (resized.values[y * rw + x] * 255).rounded()))) }
        } }
        if wanted { stages.append(DigitPipeline.Stage(name: "28x28, centred", image: RasterImage(width: 28, height: 28, channels: 1, pixels: out))) }
        return (out, stages)
    }

    func stage(_ name: String, _ p: Plane) -> DigitPipeline.Stage {
        DigitPipeline.Stage(name: name, image: RasterImage(width: p.width, height: p.height, channels: 1, pixels: p.map { $0 * 255 }.bytes))
    }

    /// `p` with `r` pixels of nothing all round (room for thickening).
    func padded(_ p: Plane, by r: Int) -> Plane {
        var out = Plane(width: p.width + 2 * r, height: p.height + 2 * r)
        for y in 0..<p.height { for x in 0..<p.width { out.values[(y + r) * out.width + x + r] = p.values[y * p.width + x] } }
        return out
    }

    /// Cropped to where the ink is (at least a tenth of full strength).
    func tight(_ p: Plane) -> Plane {
        var (x0, y0, x1, y1) = (p.width, p.height, -1, -1)
        for y in 0..<p.height { for x in 0..<p.width where p.values[y * p.width + x] >= 0.1 {
            x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y)
        } }
        guard x1 >= x0 else { return p }
        return p.cropped(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1)
    }

    /// The typical stroke width of a mask: for each ink pixel the shorter of its
    /// horizontal and vertical runs of ink, and the median of those.
    static func strokeWidth(_ mask: [Bool], width w: Int, height h: Int) -> Float {
        var across = [Int](repeating: Int.max, count: w * h)
        for y in 0..<h {
            var x = 0
            while x < w {
                guard mask[y * w + x] else { x += 1; continue }
                var e = x; while e < w && mask[y * w + e] { e += 1 }
                for k in x..<e { across[y * w + k] = e - x }
                x = e
            }
        }
        // The median of the runs, counted (a run is at most the longer side): a line of
        // writing frames hundreds of candidates, and sorting their runs took a tenth of
        // the reading.
        var count = [Int](repeating: 0, count: max(w, h) + 1)
        var runs = 0
        for x in 0..<w {
            var y = 0
            while y < h {
                guard mask[y * w + x] else { y += 1; continue }
                var e = y; while e < h && mask[e * w + x] { e += 1 }
                for k in y..<e { count[min(across[k * w + x], e - y)] += 1 }
                runs += e - y
                y = e
            }
        }
        guard runs > 0 else { return 0 }
        var seen = 0
        for (run, n) in count.enumerated() {
            seen += n
            if seen > runs / 2 { return Float(run) }
        }
        return Float(count.count - 1)
    }
}

extension Array where Element == Float {
    /// The `k`th smallest value (from 0), as `sorted()[k]` gives it, by selection
    /// (Hoare's, the middle value as the pivot): in linear time, not a sort's.
    func orderStatistic(_ k: Int) -> Float {
        var a = self
        var (lo, hi) = (0, a.count - 1)
        while lo < hi {
            let pivot = a[(lo + hi) / 2]
            var (i, j) = (lo, hi)
            while i <= j {
                while a[i] < pivot { i += 1 }
                while a[j] > pivot { j -= 1 }
                if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { return a[k] }
        }
        return a[k]
    }
}
