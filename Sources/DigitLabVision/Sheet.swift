import DigitLabIO
import Foundation

/// A sheet of paper lying on a darker desk (or inside a wide dark frame), found before
/// anything else is decided, so that the desk is left out: it is neither paper nor ink,
/// and every later stage misread it — the polarity rules took a dark desk round a small
/// sheet for the ground of light ink, strips of desk joined the digit, a turned sheet's
/// edge became a 1.
///
/// The sheet is the largest light region of the picture (a threshold between the paper
/// and what is darker), taken as its convex hull (so that a digit touching the sheet's
/// edge stays on it), and only when it looks like paper on a desk:
/// - it is between a tenth and 93% of the picture, and fills most of its hull;
/// - its outline is straight edges (a sheet's sides or the picture's border), not curves
///   (a fat chalk 0 is a light region too);
/// - what lies outside is clearly darker, lies along most of one side of the picture or
///   more, holds no writing, and changes to it sharply at the outline (a soft shadow
///   across the page is no edge of a sheet: the writing goes on under it).
struct Sheet {
    /// Inside the sheet, at working size, four pixels in from its edge.
    let inside: [Bool]
    /// The paper's level in each channel (its median).
    let paper: [Float]

    /// The picture's channels (at working size) with everything outside the sheet set to
    /// the paper's level.
    func applied(to channels: [Plane]) -> [Plane] {
        channels.enumerated().map { c, plane in
            var out = plane
            for i in out.values.indices where !inside[i] { out.values[i] = paper[c] }
            return out
        }
    }

    /// The sheet in `channels` (grey or RGB, at working size), or nil when the picture
    /// does not look like one sheet on a darker ground.
    static func find(_ channels: [Plane]) -> Sheet? {
        let grey = InkMap.luminance(channels)
        let (w, h) = (grey.width, grey.height)
        guard w >= 32, h >= 32 else { return nil }
        // Smoothed a little: noise and wood grain should not cut the regions into crumbs.
        let smooth = grey.boxMean(radius: 2)
        let first = otsu(smooth.values)
        // The threshold between everything dark and the paper; when the desk is lighter
        // than that (a grey desk, black ink), the threshold among what is lighter.
        for t in [first, otsu(smooth.values.filter { $0 > first })] {
            if let sheet = sheet(smooth, channels: channels, threshold: t) { return sheet }
        }
        return nil
    }

    static func sheet(_ s: Plane, channels: [Plane], threshold t: Float) -> Sheet? {
        let (w, h) = (s.width, s.height)
        let light = s.values.map { $0 > t }
        let pieces = Components(mask: light, weight: s)
        guard let largest = pieces.items.max(by: { $0.area < $1.area }) else { return nil }
        // The hull of the region, from each row's outermost pixels.
        var points = [(x: Double, y: Double)]()
        for y in largest.minY...largest.maxY {
            let row = y * w
            guard let x0 = (largest.minX...largest.maxX).first(where: { pieces.labels[row + $0] == largest.label }),
                  let x1 = (largest.minX...largest.maxX).last(where: { pieces.labels[row + $0] == largest.label }) else { continue }
            points.append((Double(x0), Double(y))); points.append((Double(x1) + 1, Double(y)))
            points.append((Double(x0), Double(y) + 1)); points.append((Double(x1) + 1, Double(y) + 1))
        }
        let hull = convexHull(points)
        guard hull.count >= 3 else { return nil }
        var inside = [Bool](repeating: false, count: w * h)
        var hullArea = 0
        for y in 0..<h {
            guard let (x0, x1) = span(of: hull, atY: Double(y) + 0.5) else { continue }
            let (a, b) = (max(0, Int(x0.rounded())), min(w, Int(x1.rounded())))
            guard a < b else { continue }
            for x in a..<b { inside[y * w + x] = true }
            hullArea += b - a
        }
        let area = Double(w * h)
        guard Double(hullArea) >= 0.1 * area, Double(hullArea) <= 0.93 * area,
              Double(largest.area) >= 0.75 * Double(hullArea) else { return nil }
        // Straight edges: sides at least a tenth of the outline long make most of it.
        let sides = straightRuns(hull)
        let perimeter = sides.reduce(0) { $0 + $1.length }
        let long = sides.filter { $0.length >= 0.1 * perimeter }
        guard long.reduce(0, { $0 + $1.length }) >= 0.75 * perimeter else { return nil }
        // Paper and desk.
        var onPaper = [Int](), deskValues = [Float]()
        for i in 0..<(w * h) {
            if pieces.labels[i] == largest.label { onPaper.append(i) } else if !inside[i] { deskValues.append(s.values[i]) }
        }
        let paperValues = onPaper.map { s.values[$0] }
        // The desk is dark: not another stretch of paper beyond a long straight stroke
        // (a tight crop of a 7, whose stem cut the paper in two).
        let lightOutside = deskValues.filter { $0 > t }.count
        guard Double(deskValues.count) >= 0.05 * area, 4 * lightOutside <= deskValues.count else { return nil }
        // And it lies along most of one of the picture's sides at least (the fat strokes of
        // a tight crop touch its edges only here and there).
        let sidesCovered = [(0..<w).map { $0 }, (0..<w).map { (h - 1) * w + $0 }, (0..<h).map { $0 * w }, (0..<h).map { $0 * w + w - 1 }]
            .filter { side in 10 * side.filter { !inside[$0] }.count >= 6 * side.count }.count
        guard sidesCovered >= 1 else { return nil }
        let paperLevel = median(paperValues), deskLevel = median(deskValues)
        let contrast = paperLevel - deskLevel
        guard contrast >= max(25, 0.15 * paperLevel) else { return nil }
        // Sharp: four pixels either side of the outline, away from the picture's border,
        // differ by half the contrast or more.
        // And the light region itself runs along those sides, two pixels in (in a tight
        // crop, the paper between strokes has a hull too, whose sides cut across the
        // strokes that reach the picture's edge).
        var (steps, along, alongLight, edgeLength) = ([Float](), 0, 0, 0.0)
        for side in long {
            let (p, q) = (side.from, side.to)
            if onBorder(p, q, w, h) { continue }
            edgeLength += side.length
            // The hull runs counter-clockwise in (x, y): the outward normal is (dy, -dx).
            let (dx, dy) = ((q.x - p.x) / side.length, (q.y - p.y) / side.length)
            let (nx, ny) = (dy, -dx)
            for k in 1..<20 {
                let f = Double(k) / 20
                let (x, y) = (p.x + f * (q.x - p.x), p.y + f * (q.y - p.y))
                let (xa, ya) = (Int(x - 2.5 * nx), Int(y - 2.5 * ny))
                if xa >= 0, ya >= 0, xa < w, ya < h {
                    along += 1
                    if pieces.labels[ya * w + xa] == largest.label { alongLight += 1 }
                }
                let (xi, yi, xo, yo) = (Int(x - 4 * nx), Int(y - 4 * ny), Int(x + 4 * nx), Int(y + 4 * ny))
                guard xi >= 0, yi >= 0, xo >= 0, yo >= 0, xi < w, yi < h, xo < w, yo < h else { continue }
                steps.append(s[xi, yi] - s[xo, yo])
            }
        }
        guard !steps.isEmpty, median(steps) >= 0.5 * contrast, edgeLength >= 0.2 * perimeter,
              10 * alongLight >= 8 * along else { return nil }
        // Writing is on the sheet: it holds some ink (pixels darker than their ground by
        // half the contrast; the paper beyond a fat tight crop's stroke holds none), and
        // what lies outside hardly any (a tenth as much), or it is paper in a hard shadow
        // with part of the digit in it, or a digit running off the sheet, and leaving it
        // out would erase writing.
        // (On the sheet four pixels in from its edge: the edge's blur is neither paper nor
        // desk, and two pixels left a faint line along it.)
        let kept = Plane(width: w, height: h, values: inside.map { $0 ? 1 : 0 }).minFilter(radius: 4).values.map { $0 > 0.5 }
        var (inkOn, inkOff) = (0, 0)
        for i in 0..<(w * h) {
            if kept[i] { if s.values[i] < paperLevel - contrast / 2 { inkOn += 1 } } else if !inside[i], s.values[i] < deskLevel - contrast / 2 { inkOff += 1 }
        }
        guard Double(inkOff) <= max(0.1 * Double(inkOn), 0.002 * area), Double(inkOn) >= max(20, 0.001 * area) else { return nil }
        let levels = channels.map { c in median(onPaper.map { c.values[$0] }) }
        return Sheet(inside: kept, paper: levels)
    }

    /// The hull's outline as straight runs: consecutive edges whose direction stays
    /// within 4° of the run's first (a pixelated straight side has many short edges that
    /// all point the same way; a curve turns steadily), from the sharpest corner on.
    static func straightRuns(_ hull: [(x: Double, y: Double)]) -> [(from: (x: Double, y: Double), to: (x: Double, y: Double), length: Double)] {
        let n = hull.count
        let angle = (0..<n).map { i in atan2(hull[(i + 1) % n].y - hull[i].y, hull[(i + 1) % n].x - hull[i].x) }
        func turn(_ a: Double, _ b: Double) -> Double {
            var d = b - a
            while d <= -Double.pi { d += 2 * Double.pi }
            while d > Double.pi { d -= 2 * Double.pi }
            return abs(d)
        }
        let start = (0..<n).max { turn(angle[($0 + n - 1) % n], angle[$0]) < turn(angle[($1 + n - 1) % n], angle[$1]) } ?? 0
        var runs = [(from: (x: Double, y: Double), to: (x: Double, y: Double), length: Double)]()
        var (first, direction) = (start, angle[start])
        for k in 1...n {
            let i = (start + k) % n
            if k == n || turn(direction, angle[i]) > 4 * Double.pi / 180 {
                let (p, q) = (hull[first], hull[i])
                runs.append((p, q, ((q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y)).squareRoot()))
                (first, direction) = (i, angle[i])
            }
        }
        return runs
    }

    static func onBorder(_ p: (x: Double, y: Double), _ q: (x: Double, y: Double), _ w: Int, _ h: Int) -> Bool {
        let (W, H) = (Double(w), Double(h))
        return (p.x <= 1 && q.x <= 1) || (p.y <= 1 && q.y <= 1) || (p.x >= W - 1 && q.x >= W - 1) || (p.y >= H - 1 && q.y >= H - 1)
    }

    /// The median of `v`, as `Plane.percentile` takes it (sampled).
    static func median(_ v: [Float]) -> Float { Plane(width: v.count, height: 1, values: v).percentile(0.5) }

    /// Otsu's threshold over 0…255: the level that best splits the values in two.
    static func otsu(_ values: [Float]) -> Float {
        guard !values.isEmpty else { return 128 }
        var histogram = [Double](repeating: 0, count: 256)
        for v in values { histogram[max(0, min(255, Int(v)))] += 1 }
        let total = Double(values.count)
        let sumAll = histogram.indices.reduce(0.0) { $0 + Double($1) * histogram[$1] }
        var (weightBelow, sumBelow, best, bestT) = (0.0, 0.0, -1.0, 128)
        for t in 0..<255 {
            weightBelow += histogram[t]; sumBelow += Double(t) * histogram[t]
            let weightAbove = total - weightBelow
            guard weightBelow > 0, weightAbove > 0 else { continue }
            let (m0, m1) = (sumBelow / weightBelow, (sumAll - sumBelow) / weightAbove)
            let between = weightBelow * weightAbove * (m0 - m1) * (m0 - m1)
            if between > best { (best, bestT) = (between, t) }
        }
        return Float(bestT) + 0.5
    }

    /// Andrew's monotone chain.
    static func convexHull(_ points: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        let p = points.sorted { $0.x != $1.x ? $0.x < $1.x : $0.y < $1.y }
        guard p.count >= 3 else { return p }
        func cross(_ o: (x: Double, y: Double), _ a: (x: Double, y: Double), _ b: (x: Double, y: Double)) -> Double {
            (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
        }
        var lower = [(x: Double, y: Double)](), upper = [(x: Double, y: Double)]()
        for q in p {
            while lower.count >= 2, cross(lower[lower.count - 2], lower[lower.count - 1], q) <= 0 { lower.removeLast() }
            lower.append(q)
        }
        for q in p.reversed() {
            while upper.count >= 2, cross(upper[upper.count - 2], upper[upper.count - 1], q) <= 0 { upper.removeLast() }
            upper.append(q)
        }
        return Array(lower.dropLast() + upper.dropLast())
    }

    /// Where the horizontal line at `y` crosses the convex polygon: its leftmost and
    /// rightmost x, or nil when it misses it.
    static func span(of polygon: [(x: Double, y: Double)], atY y: Double) -> (Double, Double)? {
        var xs = [Double]()
        for i in polygon.indices {
            let (p, q) = (polygon[i], polygon[(i + 1) % polygon.count])
            guard (p.y <= y && q.y > y) || (q.y <= y && p.y > y) else { continue }
            xs.append(p.x + (y - p.y) / (q.y - p.y) * (q.x - p.x))
        }
        guard let lo = xs.min(), let hi = xs.max() else { return nil }
        return (lo, hi)
    }
}
