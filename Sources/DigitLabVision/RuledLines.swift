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
        /// The share of the picture's width (height) its thin ink covers, when measured.
        var covers: Double = 1
    }

    /// Removes lines and border bands from `mask` (w x h). `stroke` is the typical stroke
    /// width: ink thinner than the line criterion but thicker than strokes is never a rule.
    /// Returns the mask without them and what was removed.
    static func remove(_ mask: [Bool], width w: Int, height h: Int, stroke: Float) -> (kept: [Bool], removed: [Bool], lines: [Line], bands: Bands) {
        var kept = mask
        var removed = [Bool](repeating: false, count: w * h)
        let bands = peelBorders(&kept, &removed, width: w, height: h)
        var lines = [Line]()
        var ruleRuns = [Int]()
        for line in find(kept, width: w, height: h, horizontal: true, stroke: stroke) {
            lines.append(line)
            ruleRuns += erase(line, &kept, &removed, width: w, height: h)
        }
        // Upright lines and box walls are drawn with the same pen as the rules: as thin as
        // the rules are measured to be, not merely as thin as a stroke. In a strip of form
        // boxes, a 1 from rule to rule is as long as a wall and often no fatter than a
        // stroke, but fatter than the rules.
        let penOfRules = ruleRuns.isEmpty ? nil : ruleRuns.sorted()[ruleRuns.count / 2] + 2
        // Without rules across, an upright line inside the picture has to run (nearly) its
        // height, or be thinner than the writing (a form's box walls): in a tight crop of
        // a number, a straight 1 covers more than half of it, and was taken out as a line
        // ("1984" read as 984). At the picture's sides half its height still does (the
        // slivers a frame leaves). The dev sets read as before with 0.8 and 0.6 (0.9 lost
        // a frame and a ruled number; without the thinner pass, a form's walls were 1s).
        // The thinner pass only when a line was let go: most pictures have none at all.
        // A sliver runs on to the top or bottom edge, as the frame did; a 1 written near a
        // side has paper above and below it (a line of twelve 1s lost its first).
        func atASide(_ line: Line) -> Bool {
            let x = line.offset + line.slope * Double(h) / 2
            return (x < 0.05 * Double(w) || x > 0.95 * Double(w)) && reachesTopOrBottom(line)
        }
        func reachesTopOrBottom(_ line: Line) -> Bool {
            let band = max(1, h / 50), reach = line.thickness / 2 + 1
            for y in Array(0..<band) + Array((h - band)..<h) {
                let x = Int((line.offset + line.slope * Double(y)).rounded())
                let (from, to) = (max(0, x - reach), min(w - 1, x + reach))
                guard from <= to else { continue }
                for u in from...to where mask[y * w + u] { return true }
            }
            return false
        }
        let upright = find(kept, width: w, height: h, horizontal: false, stroke: stroke, thickness: penOfRules)
        var taken = penOfRules == nil ? upright.filter { $0.covers >= 0.8 || atASide($0) } : upright
        for line in taken { erase(line, &kept, &removed, width: w, height: h) }
        if taken.count < upright.count {
            let thinner = find(kept, width: w, height: h, horizontal: false, stroke: stroke, thickness: max(1, Int(stroke * 0.6)))
            for line in thinner { erase(line, &kept, &removed, width: w, height: h) }
            taken += thinner
        }
        // A ruled page (three rules or more, not a strip of form boxes) may have a margin
        // line drawn with a fatter pen than its rules, down the whole page: in a 800 px
        // exercise-book page its 5 px red line was read as a 1 at 100%, and the number
        // written there was dropped. No written digit runs 0.8 of a ruled page's height.
        if lines.count >= 3 {
            let margins = find(kept, width: w, height: h, horizontal: false, stroke: stroke).filter { $0.covers >= 0.8 }
            for line in margins { erase(line, &kept, &removed, width: w, height: h) }
            taken += margins
        }
        lines += taken
        if let penOfRules { eraseBoxWalls(&kept, &removed, width: w, height: h, maxThickness: penOfRules) }
        if lines.isEmpty, let box = drawnFrame(kept, width: w, height: h, stroke: stroke) {
            for line in box { erase(line, &kept, &removed, width: w, height: h) }
            lines = box
        }
        return (kept, removed, lines, bands)
    }

    /// A box drawn round the writing with a pen as fat as the writing's (fatter than a
    /// rule may be): three or four straight lines near the picture's sides, each along
    /// most of its side. A digit written touching it was one piece with it, read as the
    /// box, a 0 (an attacker's 40 boxed digits: 24 wrong). No digit makes three such
    /// sides; one side may be hidden where a digit runs along it (a 7's bar). Lines
    /// across the middle as well are a grid, not a box.
    static func drawnFrame(_ mask: [Bool], width w: Int, height h: Int, stroke: Float) -> [Line]? {
        let pen = Int(stroke * 1.5) + 1
        func sides(_ horizontal: Bool) -> (first: Line?, last: Line?, grid: Bool) {
            let (along, across) = horizontal ? (w, h) : (h, w)
            let lines = find(mask, width: w, height: h, horizontal: horizontal, stroke: stroke, thickness: pen).filter { $0.covers >= 0.6 }
            func middle(_ l: Line) -> Double { (l.offset + l.slope * Double(along) / 2) / Double(across) }
            return (lines.filter { middle($0) < 0.25 }.min { middle($0) < middle($1) },
                    lines.filter { middle($0) > 0.75 }.max { middle($0) < middle($1) },
                    lines.contains { (0.25...0.75).contains(middle($0)) })
        }
        let (top, bottom, gridAcross) = sides(true)
        let (left, right, gridUpright) = sides(false)
        let found = [top, bottom, left, right].compactMap { $0 }
        return found.count >= 3 && !gridAcross && !gridUpright ? found : nil
    }

    /// Straight thin lines at most ~6° from horizontal (or vertical) covering at least
    /// half of the picture's width (height): a projection of the thin ink pixels along
    /// each slope, where a rule makes a sharp peak.
    static func find(_ mask: [Bool], width w: Int, height h: Int, horizontal: Bool, stroke: Float, thickness: Int? = nil) -> [Line] {
        let (along, across) = horizontal ? (w, h) : (h, w)
        guard along >= 16, across >= 4 else { return [] }
        // Thin: the run of ink across the line direction is short — no wider than a
        // stroke, and than a fortieth of the picture's longer side (not of the side across
        // the line: a strip of form boxes is short, its rules no thinner for that).
        let maxThickness = thickness ?? max(2, min(Int(Double(max(along, across)) * 0.025), Int(stroke * 1.2) + 1))
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
        var claimed = [Bool](repeating: false, count: bestPerSlope.first?.counts.count ?? 0)
        func claim(around o: Int) {
            for d in -maxThickness...maxThickness + 1 where claimed.indices.contains(o + d) { claimed[o + d] = true }
        }
        func peaks(covering share: Double, atMost limit: Int) -> [(line: Line, count: Int)] {
            var found = [(line: Line, count: Int)]()
            while found.count < limit {
                var best = (count: 0, slope: 0.0, offset: 0)
                for (slope, counts) in bestPerSlope {
                    for o in 0..<(counts.count - 1) where !claimed[o] {
                        let c = counts[o] + counts[o + 1]
                        if c > best.count { best = (c, slope, o) }
                    }
                }
                guard Double(best.count) >= share * Double(along) else { break }
                claim(around: best.offset)
                found.append((Line(horizontal: horizontal, offset: Double(best.offset - shift) + 0.5, slope: best.slope,
                                   thickness: maxThickness, covers: Double(best.count) / Double(along)), best.count))
            }
            return found
        }
        lines = peaks(covering: 0.5, atMost: 200).map(\.line)
        // A strip of form boxes narrower than half the picture: two parallel rules of the
        // same extent, longer than they are apart (a digit's bars are shorter than the
        // digit is tall), each thin along most of it.
        if horizontal && lines.isEmpty {
            let candidates = peaks(covering: 0.2, atMost: 12).map { ($0.line, $0.count, Self.extent(of: $0.line, thin)) }
            pairs: for (i, a) in candidates.enumerated() {
                for b in candidates[(i + 1)...] {
                    let apart = abs(a.0.offset - b.0.offset)
                    let common = a.2.clamped(to: b.2).count
                    if abs(a.0.slope - b.0.slope) <= 2 * step, apart >= Double(2 * maxThickness + 4),
                       Double(common) >= 0.85 * Double(max(a.2.count, b.2.count)), Double(common) >= 1.8 * apart,
                       Double(min(a.1, b.1)) >= 0.4 * Double(common) {
                        lines = [a.0, b.0]
                        break pairs
                    }
                }
            }
        }
        // The other rule of a strip of form boxes: as long as a rule found, parallel to it
        // and beside it along its whole length, but short of half the picture where the
        // digits touch it (there the ink is no longer thin). Ruled paper's rules span the
        // picture, so a digit's bar is never such a partner. Only across: a box's walls
        // are as tall as the 1 inside it (eraseBoxWalls takes them). A strip has two
        // rules: with more lines found, the page is ruled (or a grid), and looking for
        // partners of each would cost a pass over the thin ink per offset and line.
        let found = horizontal && lines.count <= 2 ? lines : []
        for line in found {
            let extent = Self.extent(of: line, thin)
            guard extent.count > 0 else { continue }
            for (slope, counts) in bestPerSlope where abs(slope - line.slope) <= 2 * step {
                for o in 0..<(counts.count - 1) where !claimed[o] && Double(counts[o] + counts[o + 1]) >= 0.2 * Double(along) {
                    let partner = Line(horizontal: horizontal, offset: Double(o - shift) + 0.5, slope: slope, thickness: maxThickness)
                    let span = Self.extent(of: partner, thin)
                    guard span.count > 0, Double(span.count) >= 0.85 * Double(extent.count),
                          Double(span.clamped(to: extent).count) >= 0.85 * Double(extent.count),
                          Double(counts[o] + counts[o + 1]) >= 0.4 * Double(extent.count) else { continue }
                    claim(around: o)
                    lines.append(partner)
                }
            }
        }
        return lines
    }

    /// From the first to the last thin run on a line (within a pixel and a half of it).
    static func extent(of line: Line, _ thin: [(a: Int, c: Int)]) -> Range<Int> {
        var (first, last) = (Int.max, Int.min)
        for p in thin where abs(Double(p.c) - (line.offset + line.slope * Double(p.a))) <= 1.5 {
            first = min(first, p.a); last = max(last, p.a)
        }
        return first <= last ? first..<(last + 1) : 0..<0
    }

    /// The walls of form boxes (one box per digit): vertical runs of ink, mostly thin, that
    /// reach from a removed rule above to one below. Too short to be lines of the page,
    /// and a digit's stroke seldom joins two rules like that — but a 1 written from rule
    /// to rule does, so walls must also keep the form's pitch: each has another wall one
    /// pitch away (the median gap between candidates), where a 1 has its box's walls only
    /// half a pitch away.
    static func eraseBoxWalls(_ mask: inout [Bool], _ removed: inout [Bool], width w: Int, height h: Int, maxThickness: Int) {
        let reach = maxThickness + 2
        func thin(_ x: Int, _ y: Int) -> Bool {
            guard mask[y * w + x] else { return false }
            var (l, r) = (x, x)
            while l > 0 && mask[y * w + l - 1] { l -= 1 }
            while r + 1 < w && mask[y * w + r + 1] { r += 1 }
            return r - l + 1 <= maxThickness
        }
        // Near a removed rule: within a wall's width sideways, since where the wall meets
        // the rule the ink runs down the wall and that corner is never removed (at the
        // strip's ends the rule begins at the wall).
        func removedNear(_ x: Int, _ y: Int) -> Bool {
            for yy in max(0, y - reach)...min(h - 1, y + reach) {
                for xx in max(0, x - maxThickness)...min(w - 1, x + maxThickness) where removed[yy * w + xx] { return true }
            }
            return false
        }
        // A wall is a column of ink from rule to rule, mostly thin; where a digit touches
        // or crosses it the ink is wider there, and those rows stay (they are the digit's).
        // Erasing a column thins the next, so a wall several pixels wide goes column by
        // column; the first pass only looks.
        func scan(_ columns: [Int], erase: Bool) -> [Int] {
            var found = [Int]()
            for x in columns {
                var y = 0
                while y < h {
                    guard mask[y * w + x] else { y += 1; continue }
                    var end = y
                    while end + 1 < h && mask[(end + 1) * w + x] { end += 1 }
                    if end - y >= 4 * maxThickness, removedNear(x, y), removedNear(x, end) {
                        let thinRows = (y...end).filter { thin(x, $0) }
                        if thinRows.count * 10 >= (end - y + 1) * 6 {
                            found.append(x)
                            if erase { for k in thinRows { mask[k * w + x] = false; removed[k * w + x] = true } }
                        }
                    }
                    y = end + 1
                }
            }
            return found
        }
        // Columns a wall's thickness apart are one wall; its place is their middle.
        var walls = [(first: Int, last: Int)]()
        for x in scan(Array(0..<w), erase: false) {
            if let last = walls.last, x - last.last <= maxThickness { walls[walls.count - 1].last = x } else { walls.append((x, x)) }
        }
        let centres = walls.map { Double($0.first + $0.last) / 2 }
        let gaps = zip(centres, centres.dropFirst()).map { $1 - $0 }.sorted()
        let pitch = gaps.isEmpty ? 0 : gaps[gaps.count / 2]
        for (wall, centre) in zip(walls, centres) {
            let keepsPitch = walls.count < 3 || centres.contains { abs(abs($0 - centre) - pitch) <= 0.25 * pitch }
            guard keepsPitch else { continue }
            _ = scan(Array(max(0, wall.first - maxThickness)...min(w - 1, wall.last + maxThickness)), erase: true)
        }
    }

    @inline(__always) static func at(_ mask: [Bool], _ a: Int, _ c: Int, _ w: Int, _ horizontal: Bool) -> Bool {
        horizontal ? mask[c * w + a] : mask[a * w + c]
    }

    /// Clears the thin ink along a line: pixels whose run across the line is no thicker
    /// than the line. Where a stroke crosses, the run is longer and the pixels stay.
    /// Returns the lengths of the runs cleared (how thick the line really is).
    @discardableResult
    static func erase(_ line: Line, _ mask: inout [Bool], _ removed: inout [Bool], width w: Int, height h: Int) -> [Int] {
        let (along, across) = line.horizontal ? (w, h) : (h, w)
        let reach = Double(line.thickness) / 2 + 1.5
        // The runs of ink through the line, position by position along it.
        func runs(at a: Int) -> [ClosedRange<Int>] {
            let centre = line.offset + line.slope * Double(a)
            let lo = max(0, Int((centre - reach).rounded(.down))), hi = min(across - 1, Int((centre + reach).rounded(.up)))
            var found = [ClosedRange<Int>]()
            var c = lo
            while c <= hi {
                guard at(mask, a, c, w, line.horizontal) else { c += 1; continue }
                var start = c, end = c
                while start > 0 && at(mask, a, start - 1, w, line.horizontal) { start -= 1 }
                while end + 1 < across && at(mask, a, end + 1, w, line.horizontal) { end += 1 }
                found.append(start...end)
                c = end + 1
            }
            return found
        }
        // How thick the line really is (the median of its thin runs), so that a stroke
        // lying along it — a digit sitting on a rule — is thicker there and stays.
        let thin = (0..<along).flatMap { runs(at: $0) }.map(\.count).filter { $0 <= line.thickness + 1 }.sorted()
        guard !thin.isEmpty else { return [] }
        let limit = min(line.thickness + 1, thin[thin.count / 2] + 2)
        var erased = [Int]()
        for a in 0..<along {
            for run in runs(at: a) where run.count <= limit {
                erased.append(run.count)
                for k in run {
                    let i = line.horizontal ? k * w + a : a * w + k
                    mask[i] = false; removed[i] = true
                }
            }
        }
        return erased
    }
}
