/// Frames, table edges and a scan's dark rim: bands of ink along the picture's edges,
/// peeled before the lines are looked for (`RuledLines.remove`).
extension RuledLines {
    /// How deep a band was peeled from each edge at each position along it (empty where
    /// the side has none): the paper ends there, not at the picture's edge.
    struct Bands {
        var top = [Int](), bottom = [Int](), left = [Int](), right = [Int]()
    }

    /// Bands of ink along the picture's edges: a frame, a table edge, the dark rim of a
    /// scan. A side has one when its outermost rows (columns) are (almost) all ink; the
    /// band's inner edge is then a straight line, fitted to how deep the ink runs in from
    /// the edge, and everything outside it goes — at most 15% of the side deep. Peeling
    /// only the rows that are all ink left the wedge of a band that is a little askew,
    /// and a digit touching that wedge took it for a bar (a 2 under a tilted frame read 5).
    static func peelBorders(_ mask: inout [Bool], _ removed: inout [Bool], width w: Int, height h: Int) -> Bands {
        // Side 0 top, 1 bottom, 2 left, 3 right: `along` runs along it, `depth` inwards.
        func index(_ side: Int, _ along: Int, _ depth: Int) -> Int {
            switch side {
            case 0: return depth * w + along
            case 1: return (h - 1 - depth) * w + along
            case 2: return along * w + depth
            default: return along * w + (w - 1 - depth)
            }
        }
        var peel = [[Int]]()  // per side, how deep to peel at each position along it
        for side in 0..<4 {
            let (length, across) = side < 2 ? (w, h) : (h, w)
            let cap = max(1, across * 15 / 100)
            func coverage(_ depth: Int) -> Double {
                Double((0..<length).reduce(0) { $0 + (mask[index(side, $1, depth)] ? 1 : 0) }) / Double(length)
            }
            var full = 0
            while full < cap, coverage(full) >= 0.9 { full += 1 }
            guard full > 0 else { peel.append([]); continue }
            let runs = (0..<length).map { a in
                var d = 0
                while d < cap, mask[index(side, a, d)] { d += 1 }
                return d
            }
            peel.append(bandDepths(runs, full: full, cap: cap))
        }
        for side in 0..<4 {
            for (along, depth) in peel[side].enumerated() {
                for d in 0..<depth {
                    let i = index(side, along, d)
                    if mask[i] { mask[i] = false; removed[i] = true }
                }
            }
        }
        return Bands(top: peel[0], bottom: peel[1], left: peel[2], right: peel[3])
    }

    /// How deep a band along an edge reaches at each position, from how far the ink runs
    /// in there (`runs`, capped at `cap`), where its first `full` lines are all ink. The
    /// inner edge is the straight line through the shallower runs of sixteen stretches
    /// (a digit joined to the band only deepens the runs where it touches), refitted
    /// without the stretches more than two pixels above it. A band whose runs do not follow a line (most
    /// of them reach it, half of them end at it, within two pixels) is peeled only as
    /// deep as it is whole.
    static func bandDepths(_ runs: [Int], full: Int, cap: Int) -> [Int] {
        let n = runs.count, pieces = min(16, n)
        var points = [(x: Double, y: Double)]()
        for p in 0..<pieces {
            let stretch = runs[(p * n / pieces)..<max(p * n / pieces + 1, (p + 1) * n / pieces)].sorted()
            points.append((Double(p * n / pieces + (p + 1) * n / pieces) / 2, Double(stretch[stretch.count / 4])))
        }
        func fit(_ pts: [(x: Double, y: Double)]) -> (a: Double, b: Double) {
            let mx = pts.map(\.x).reduce(0, +) / Double(pts.count), my = pts.map(\.y).reduce(0, +) / Double(pts.count)
            let sxx = pts.map { ($0.x - mx) * ($0.x - mx) }.reduce(0, +)
            let b = sxx > 0 ? pts.map { ($0.x - mx) * ($0.y - my) }.reduce(0, +) / sxx : 0
            return (my - b * mx, b)
        }
        var line = fit(points)
        for _ in 0..<3 {
            let near = points.filter { $0.y - (line.a + line.b * $0.x) <= 2 }
            guard near.count >= pieces / 2 else { break }
            line = fit(near)
        }
        let whole = [Int](repeating: full, count: n)
        guard abs(line.b) <= 0.15 else { return whole }
        let edge = (0..<n).map { line.a + line.b * Double($0) }
        let reaching = (0..<n).filter { Double(runs[$0]) >= edge[$0] - 2 }.count
        let ending = (0..<n).filter { Double(runs[$0]) <= edge[$0] + 2 }.count
        guard Double(reaching) >= 0.9 * Double(n), 2 * ending >= n else { return whole }
        return edge.map { min(cap, max(full, Int($0.rounded()) + 1)) }
    }
}
