import Foundation

/// Ruled and squared paper, form boxes and frames: long straight thin lines, and solid
/// bands along the picture's edges. Found on the ink mask and taken out of it, keeping
/// every pixel where a stroke crosses a line (there the ink is thicker than the line).
enum RuledLines {
    struct Line: Equatable {
        var horizontal: Bool
        /// Offset across the line at x (or y) = 0, and its slope.
        var offset: Double
        var slope: Double
        var thickness: Int
    }

    /// Removes lines and border bands from `mask` (w x h). `stroke` is the typical stroke
    /// width: ink thinner than the line criterion but thicker than strokes is never a rule.
    /// Returns the mask without them and what was removed.
    static func remove(_ mask: [Bool], width w: Int, height h: Int, stroke: Float) -> (kept: [Bool], removed: [Bool], lines: [Line]) {
        var kept = mask
        var removed = [Bool](repeating: false, count: w * h)
        peelBorders(&kept, &removed, width: w, height: h)
        var lines = [Line]()
        for horizontal in [true, false] {
            let found = find(kept, width: w, height: h, horizontal: horizontal, stroke: stroke)
            lines += found
            for line in found { erase(line, &kept, &removed, width: w, height: h) }
        }
        if lines.contains(where: \.horizontal) { eraseBoxWalls(&kept, &removed, width: w, height: h, stroke: stroke) }
        return (kept, removed, lines)
    }

    /// Rows or columns at the edge that are (almost) all ink: a frame, a table edge, the
    /// dark rim of a scan. Peeled from the outside in, at most 15% of the side deep.
    static func peelBorders(_ mask: inout [Bool], _ removed: inout [Bool], width w: Int, height h: Int) {
        func coverage(row y: Int) -> Double { Double((0..<w).reduce(0) { $0 + (mask[y * w + $1] ? 1 : 0) }) / Double(w) }
        func coverage(column x: Int) -> Double { Double((0..<h).reduce(0) { $0 + (mask[$1 * w + x] ? 1 : 0) }) / Double(h) }
        let sides: [(count: Int, index: (Int) -> Int, isRow: Bool)] = [
            (h, { $0 }, true), (h, { h - 1 - $0 }, true), (w, { $0 }, false), (w, { w - 1 - $0 }, false),
        ]
        var peel = [[Int]]()
        for side in sides {
            var lines = [Int]()
            for d in 0..<max(1, side.count * 15 / 100) {
                let i = side.index(d)
                guard (side.isRow ? coverage(row: i) : coverage(column: i)) >= 0.9 else { break }
                lines.append(i)
            }
            peel.append(lines)
        }
        for (s, lines) in peel.enumerated() {
            for i in lines {
                if s < 2 { for x in 0..<w where mask[i * w + x] { mask[i * w + x] = false; removed[i * w + x] = true } }
                else { for y in 0..<h where mask[y * w + i] { mask[y * w + i] = false; removed[y * w + i] = true } }
            }
        }
    }

    /// Straight thin lines at most ~6° from horizontal (or vertical) covering at least
    /// half of the picture's width (height): a projection of the thin ink pixels along
    /// each slope, where a rule makes a sharp peak.
    static func find(_ mask: [Bool], width w: Int, height h: Int, horizontal: Bool, stroke: Float) -> [Line] {
        let (along, across) = horizontal ? (w, h) : (h, w)
        guard along >= 16, across >= 4 else { return [] }
        // Thin: the run of ink across the line direction is short.
        let maxThickness = max(2, min(Int(Double(across) * 0.025), Int(stroke * 1.2) + 1))
        var thin = [(a: Int, c: Int)]()   // (position along, position across)
        for a in 0..<along {
            var c = 0
            while c < across {
                guard at(mask, a, c, w, horizontal) else { c += 1; continue }
                var end = c
                while end < across && at(mask, a, end, w, horizontal) { end += 1 }
                // One entry per run (its middle): a line then counts once per position
                // along it, however thick it is.
                if end - c <= maxThickness { thin.append((a, (c + end - 1) / 2)) }
                c = end
            }
        }
        guard thin.count >= along / 2 else { return [] }

        let maxSlope = tan(6.0 * Double.pi / 180)
        let step = 1.0 / Double(along)
        var lines = [Line]()
        var bestPerSlope = [(slope: Double, counts: [Int])]()
        var s = -maxSlope
        while s <= maxSlope + 1e-12 {
            var counts = [Int](repeating: 0, count: across + 2 * Int(maxSlope * Double(along)) + 2)
            let shift = Int(maxSlope * Double(along)) + 1
            for p in thin {
                let o = Int((Double(p.c) - s * Double(p.a)).rounded()) + shift
                if o >= 0 && o < counts.count { counts[o] += 1 }
            }
            bestPerSlope.append((s, counts))
            s += step * 2
        }
        // Peaks: an offset whose count (with its neighbour) covers half the length, taken
        // greedily from the strongest, each claiming the offsets near it on every slope.
        let shift = Int(maxSlope * Double(along)) + 1
        var claimed = Set<Int>()
        while true {
            var best = (count: 0, slope: 0.0, offset: 0)
            for (slope, counts) in bestPerSlope {
                for o in 0..<(counts.count - 1) where !claimed.contains(o) {
                    let c = counts[o] + counts[o + 1]
                    if c > best.count { best = (c, slope, o) }
                }
            }
            guard Double(best.count) >= 0.5 * Double(along) else { break }
            for d in -maxThickness...maxThickness + 1 { claimed.insert(best.offset + d) }
            lines.append(Line(horizontal: horizontal, offset: Double(best.offset - shift) + 0.5, slope: best.slope,
                              thickness: maxThickness))
            if lines.count > 200 { break }
        }
        return lines
    }

    /// The walls of form boxes (one box per digit): thin vertical runs that reach from a
    /// removed rule above to one below. Too short to be lines of the page, but a digit's
    /// stroke never joins two rules exactly like that.
    static func eraseBoxWalls(_ mask: inout [Bool], _ removed: inout [Bool], width w: Int, height h: Int, stroke: Float) {
        let maxThickness = max(2, Int(stroke * 1.2) + 1)
        let reach = maxThickness + 2
        func thin(_ x: Int, _ y: Int) -> Bool {
            guard mask[y * w + x] else { return false }
            var (l, r) = (x, x)
            while l > 0 && mask[y * w + l - 1] { l -= 1 }
            while r + 1 < w && mask[y * w + r + 1] { r += 1 }
            return r - l + 1 <= maxThickness
        }
        func removedNear(_ x: Int, _ y: Int) -> Bool {
            for yy in max(0, y - reach)...min(h - 1, y + reach) {
                for xx in max(0, x - 1)...min(w - 1, x + 1) where removed[yy * w + xx] { return true }
            }
            return false
        }
        for x in 0..<w {
            var y = 0
            while y < h {
                guard thin(x, y) else { y += 1; continue }
                var end = y
                while end + 1 < h && thin(x, end + 1) { end += 1 }
                if end - y >= 4 * maxThickness, removedNear(x, y), removedNear(x, end) {
                    for k in y...end { mask[k * w + x] = false; removed[k * w + x] = true }
                }
                y = end + 1
            }
        }
    }

    @inline(__always) static func at(_ mask: [Bool], _ a: Int, _ c: Int, _ w: Int, _ horizontal: Bool) -> Bool {
        horizontal ? mask[c * w + a] : mask[a * w + c]
    }

    /// Clears the thin ink along a line: pixels whose run across the line is no thicker
    /// than the line. Where a stroke crosses, the run is longer and the pixels stay.
    static func erase(_ line: Line, _ mask: inout [Bool], _ removed: inout [Bool], width w: Int, height h: Int) {
        let (along, across) = line.horizontal ? (w, h) : (h, w)
        let reach = Double(line.thickness) / 2 + 1.5
        for a in 0..<along {
            let centre = line.offset + line.slope * Double(a)
            let lo = max(0, Int((centre - reach).rounded(.down))), hi = min(across - 1, Int((centre + reach).rounded(.up)))
            guard lo <= hi else { continue }
            // The run of ink through the line at this position.
            var c = lo
            while c <= hi {
                guard at(mask, a, c, w, line.horizontal) else { c += 1; continue }
                var start = c, end = c
                while start > 0 && at(mask, a, start - 1, w, line.horizontal) { start -= 1 }
                while end + 1 < across && at(mask, a, end + 1, w, line.horizontal) { end += 1 }
                if end - start + 1 <= line.thickness + 1 {
                    for k in start...end {
                        let i = line.horizontal ? k * w + a : a * w + k
                        mask[i] = false; removed[i] = true
                    }
                }
                c = end + 1
            }
        }
    }
}
