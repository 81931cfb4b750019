import Foundation

/// One digit as the segmentation chose it (working coordinates).
struct SegmentedDigit {
    var label: String
    var probability: Float
    var box: Box
    var pixels: [UInt8]
    /// The one-digit judge's probability that it is one whole digit (nil: no judge).
    var wholeness: Float? = nil
}

extension Analysis {
    /// A place where a segment may start or end: before atom `atom` (cut == nil), or a cut
    /// through atom `atom` along a seam.
    struct Boundary { var atom: Int; var cut: Seam? }

    /// A cut from the top of a piece of ink to its foot: in each row, the first column
    /// right of it. Not a straight line: digits that touch overlap (the foot of a 2 under
    /// the bowl of the next 6), and a column through them cuts a piece off each.
    struct Seam: Equatable {
        let top: Int
        let xs: [Int]
        func x(at y: Int) -> Int { xs[min(max(0, y - top), xs.count - 1)] }
    }

    /// Which of an atom's pixels a segment owns: those right of its first seam and left
    /// of its last (nil: the atom's edge).
    struct Share {
        var from: Seam?, to: Seam?
        func contains(_ x: Int, _ y: Int) -> Bool {
            (from.map { x >= $0.x(at: y) } ?? true) && (to.map { x < $0.x(at: y) } ?? true)
        }
    }

    /// Over-segments the atoms, classifies every plausible segment in one batch, and keeps
    /// the chain of segments with the best total score (dynamic programming).
    /// Also returns the helper networks whose answers were left out: any answer of one
    /// that is NaN or infinite (a damaged file) leaves all of its answers out, rather than
    /// every candidate it answered for (its answers averaged in made each cut candidate
    /// "broken", and digits went missing without a word).
    func segment(_ atoms: [Atom], classifier: DigitClassifier) -> (digits: [SegmentedDigit], unheard: Set<LineHelper>) {
        let heights = atoms.map { Float($0.box.height) }.sorted()
        let lineHeight = max(4, heights[heights.count / 2] > 0.5 * heights.last! ? heights[heights.count / 2] : heights.last!)
        let masses = atoms.map(\.mass).sorted()
        let typicalMass = max(1e-3, masses[masses.count / 2])
        // Which atom each component belongs to, and each atom's pixels.
        var atomOf = [Int32: Int]()
        for (k, a) in atoms.enumerated() { for l in a.labels { atomOf[l] = k } }
        var pixels = [[(x: Int, y: Int, v: Float)]](repeating: [], count: atoms.count)
        for i in 0..<(width * height) {
            let l = components.labels[i]
            guard l != 0, let k = atomOf[l] else { continue }
            pixels[k].append((i % width, i / width, ink.values[i]))
        }
        // Boundaries: before each atom, the cuts inside it, and the end.
        var bounds = [Boundary]()
        var cutCost = [Float]()
        for (k, a) in atoms.enumerated() {
            bounds.append(Boundary(atom: k, cut: nil)); cutCost.append(0)
            for (seam, cost) in cuts(a, pixels: pixels[k], lineHeight: lineHeight) {
                bounds.append(Boundary(atom: k, cut: seam)); cutCost.append(cost)
            }
        }
        bounds.append(Boundary(atom: atoms.count, cut: nil)); cutCost.append(0)

        // Candidate segments.
        struct Segment { var from: Int; var to: Int; var box: Box; var owns: [Int: Share]; var mass: Float }
        var segments = [Segment]()
        for i in bounds.indices {
            for j in (i + 1)..<bounds.count {
                let (s, e) = (bounds[i], bounds[j])
                let lastAtom = e.cut == nil ? e.atom - 1 : e.atom
                guard lastAtom - s.atom < 3 else { break }
                var owns = [Int: Share]()
                for k in s.atom...max(s.atom, lastAtom) where k < atoms.count {
                    owns[k] = Share(from: k == s.atom ? s.cut : nil, to: k == e.atom ? e.cut : nil)
                }
                var box: Box? = nil
                var mass: Float = 0
                var spans = [(from: Int, to: Int)]()
                for (k, share) in owns {
                    var span = (from: Int.max, to: Int.min)
                    for p in pixels[k] where share.contains(p.x, p.y) {
                        let b = Box(x: p.x, y: p.y, width: 1, height: 1)
                        box = box.map { $0.union(b) } ?? b
                        mass += p.v
                        span = (min(span.from, p.x), max(span.to, p.x))
                    }
                    if span.from <= span.to { spans.append(span) }
                }
                guard let box else { continue }
                if Float(box.width) > 1.9 * lineHeight { break }
                // Pieces with a clear column of paper between them, a third of a line
                // height wide, are two digits, not the parts of one (two upright 1s whose
                // judge doubted each, in a line of twelve, read as one 7 at 92%).
                if widestGap(spans) > lineHeight / 3 { continue }
                guard mass >= 0.04 * typicalMass else { continue }
                segments.append(Segment(from: i, to: j, box: box, owns: owns, mass: mass))
            }
        }
        guard !segments.isEmpty else { return ([], []) }
        // A whole piece keeps its ink when its strokes are evened (a marker 8 whose loops
        // are filled thins to a sliver, read as 2); a piece cut off one (the edge of a 0)
        // may thin away, and the network's doubt about an empty frame keeps it out.
        let framed = segments.map { seg in
            frame(box: seg.box, stages: false, keepingInk: bounds[seg.from].cut == nil && bounds[seg.to].cut == nil) { x, y in
                let l = components.labels[y * width + x]
                guard l != 0, let k = atomOf[l], let share = seg.owns[k] else { return false }
                return share.contains(x, y)
            }.pixels
        }
        var p = classifier.probabilities(framed)
        // A candidate with a cut at either end holds a piece of its neighbour, or lacks a
        // piece of its own, where digits overlap: the in-line network, trained on such
        // candidates, has an equal say in what it is. Whole pieces of ink are plain
        // digits, the digit network's alone. Dev numbers 86.4% -> 88.9% (touching 60.0% ->
        // 70.0%); with its say in whole pieces too, 88.3% (tight digits read worse); its
        // answer alone for cut candidates, 89.2%, but then the learner's own network
        // would not read them.
        var unheard = Set<LineHelper>()
        if let inLine = classifier.inLine {
            let cut = segments.indices.filter { bounds[segments[$0].from].cut != nil || bounds[segments[$0].to].cut != nil }
            let q = inLine.probabilities(cut.map { framed[$0] })
            if q.count == cut.count, q.allSatisfy({ $0.count == 10 && $0.allSatisfy(\.isFinite) }) {
                for (k, n) in cut.enumerated() where n < p.count && q[k].count == p[n].count {
                    p[n] = zip(p[n], q[k]).map { ($0 + $1) / 2 }
                }
            } else if !cut.isEmpty {
                unheard.insert(.inLine)
            }
        }
        var whole = classifier.judge?.wholeness(framed)
        if let w = whole, w.count != framed.count || !w.allSatisfy(\.isFinite) {
            whole = nil
            unheard.insert(.judge)
        }
        var score = [Float](repeating: -.infinity, count: segments.count)
        var answer = [(label: Int, probability: Float)](repeating: (0, 0), count: segments.count)
        // A broken network (NaN or infinite answers) must be said to be broken, not read
        // as "no digits found": its first such answer is kept for the caller to see.
        var broken: Int?
        for (n, seg) in segments.enumerated() {
            // A segment that evening its strokes thinned away is no digit (an empty 28x28
            // reads as a confident 1).
            guard n < p.count, framed[n].contains(where: { $0 >= 128 }),
                  let best = p[n].indices.max(by: { p[n][$0] < p[n][$1] }) else { continue }
            let probability = p[n][best]
            guard p[n].allSatisfy(\.isFinite) else { broken = broken ?? n; continue }
            answer[n] = (best, probability)
            let aspect = Float(seg.box.width) / lineHeight
            let tall = Float(seg.box.height) / lineHeight
            var s = log(max(probability, 1e-6))
            s -= 4 * max(0, aspect - 0.95)          // wider than a digit: two that touch?
            // A fragment, not a digit: under 0.45 of the line's height; under 0.65 when
            // it is cut from a piece of ink or lies above or below another (their columns
            // overlap): a stroke of a digit (an open 0 whose two strokes do not meet read
            // "67", the bottom of a form's box under a 4 a "1"). A small digit with paper
            // either side is still a digit (a short 1 in "717"). Dev numbers 80.8% →
            // 81.7% (the same with 0.65 everywhere, which lost such small digits).
            let cutFromMore = bounds[seg.from].cut != nil || bounds[seg.to].cut != nil
            let overUnder = atoms.indices.contains { k in
                seg.owns[k] == nil && min(atoms[k].box.maxX, seg.box.maxX) > max(atoms[k].box.x, seg.box.x)
            }
            s -= 6 * max(0, (cutFromMore || overUnder ? 0.65 : 0.45) - tall)
            s -= cutCost[seg.to]                    // each cut paid once, by the segment it ends
            // The one-digit judge's doubt: two touching digits the network is sure of as
            // one ("68" an 8 at 100%), a piece of a digit. Half its log-probability: dev
            // numbers 81.7% with straight cuts, 80.3% with seams alone, 82.8% with seams
            // and the judge (its whole log-probability: 81.7%; 1.5 times it: 81.1%).
            if let whole, n < whole.count {
                s += 0.5 * log(max(whole[n], 1e-4))
            }
            score[n] = s + 0.2
        }
        // Best chain from the first boundary to the last; a lone small atom may be skipped
        // (a speck, a stray mark) at a cost that grows with its ink, and with its width in
        // line heights: when all the digits touch, the typical atom is the whole line, and
        // skipping it was cheaper than reading five digits ("60289" was "blank").
        var best = [Float](repeating: -.infinity, count: bounds.count)
        var back = [(from: Int, segment: Int?)](repeating: (-1, nil), count: bounds.count)
        best[0] = 0
        let byEnd = Dictionary(grouping: segments.indices, by: { segments[$0].to })
        for j in 1..<bounds.count {
            for n in byEnd[j] ?? [] where best[segments[n].from] > -.infinity && score[n] > -.infinity {
                let v = best[segments[n].from] + score[n]
                if v > best[j] { best[j] = v; back[j] = (segments[n].from, n) }
            }
            // Skipping a whole atom: from the boundary before it to the one before the next.
            if bounds[j].cut == nil, j > 0, let i = bounds.lastIndex(where: { $0.atom == bounds[j].atom - 1 && $0.cut == nil }),
               best[i] > -.infinity {
                let skipped = atoms[bounds[j].atom - 1]
                let v = best[i] - 8 * skipped.mass / typicalMass * max(1, Float(skipped.box.width) / lineHeight) - 0.5
                if v > best[j] { best[j] = v; back[j] = (i, nil) }
            }
        }
        var chosen = [Int]()
        var j = bounds.count - 1
        while j > 0 && back[j].from >= 0 {
            if let n = back[j].segment { chosen.append(n) }
            j = back[j].from
        }
        if chosen.isEmpty, let n = broken {
            return ([SegmentedDigit(label: "?", probability: .nan, box: segments[n].box, pixels: framed[n])], unheard)
        }
        return (chosen.reversed().map { n in
            SegmentedDigit(label: classifier.classNames[safe: answer[n].label] ?? String(answer[n].label),
                           probability: answer[n].probability, box: segments[n].box, pixels: framed[n],
                           wholeness: whole.flatMap { $0[safe: n] })
        }, unheard)
    }

    /// The widest stretch of columns that none of the spans covers, between the first
    /// and the last of them.
    func widestGap(_ spans: [(from: Int, to: Int)]) -> Float {
        var widest = 0, reach = Int.min
        for s in spans.sorted(by: { $0.from < $1.from }) {
            if reach != Int.min { widest = max(widest, s.from - reach - 1) }
            reach = max(reach, s.to)
        }
        return Float(widest)
    }

    /// Candidate cuts through a wide atom, with the cost of cutting there: the ink cut
    /// through, in line heights, plus 0.9 for cutting at all (tried on the dev set from
    /// 0.3 to 1.6: lower cut single digits in two, higher left touching pairs whole),
    /// plus 1.5 through a loop.
    ///
    /// Each starts from a column where the atom's vertical projection has a local minimum
    /// (touching digits meet thinly) or every 0.1 line heights, away from its edges, and
    /// follows the path from top to foot that crosses the least ink within a third of a
    /// line height of it (a seam), and within a twentieth of it.
    func cuts(_ a: Atom, pixels: [(x: Int, y: Int, v: Float)], lineHeight: Float) -> [(seam: Seam, cost: Float)] {
        guard Float(a.box.width) >= 0.55 * lineHeight else { return [] }
        let (w, h) = (a.box.width, a.box.height)
        var ink = [Float](repeating: 0, count: w * h)
        var column = [Float](repeating: 0, count: w)
        for p in pixels { ink[(p.y - a.box.y) * w + p.x - a.box.x] = 1; column[p.x - a.box.x] += 1 }
        // Smoothed over three columns.
        let smooth = column.indices.map { i in (column[max(0, i - 1)] + column[i] + column[min(column.count - 1, i + 1)]) / 3 }
        let margin = max(2, Int(0.18 * lineHeight))
        guard w > 2 * margin else { return [] }
        var minima = [(x: Int, depth: Float)]()
        for i in margin..<(w - margin) {
            let v = smooth[i]
            let left = smooth[max(0, i - margin / 2)...i].min()!, right = smooth[i...min(smooth.count - 1, i + margin / 2)].min()!
            if v <= left && v <= right { minima.append((i, v)) }
        }
        // The lowest few, spread apart: a long run of touching digits needs a cut each.
        var picked = [(x: Int, depth: Float)]()
        let most = max(8, Int(3 * Float(w) / lineHeight))
        for m in minima.sorted(by: { $0.depth < $1.depth }) where picked.allSatisfy({ abs($0.x - m.x) >= margin / 2 }) {
            picked.append(m)
            if picked.count == most { break }
        }
        // A cut through a loop (a wide 0, the bowl of a 6) most often cuts one digit in
        // two: touching digits mostly meet at a junction. Not always (a 1 leaning on a 0
        // at its top and its bottom encloses a sliver the right cut goes through), so it
        // is a cost, not a ban, and only for holes at least 0.3 line heights tall. Dev
        // numbers 80.3% → 80.8% (a wide 0 read "62", another "67"); costs of 1 to 3 alike.
        let loops = enclosedPaper(a.labels, in: a.box).filter { Float($0.height) >= 0.3 * lineHeight }
        let reach = max(1, Int(0.33 * lineHeight))
        var seams = [(seam: Seam, cost: Float)]()
        // Digits that overlap leave no minimum between them: seams also start every 0.1
        // line heights (the same seam found twice is kept once); at most 150 such starts
        // in a piece, besides the minima (a zigzag 20 line heights long made 3,800
        // candidates to classify).
        let step = max(1, Int(0.1 * lineHeight), w / 150)
        var anchors = picked.map(\.x)
        for x in stride(from: margin, to: w - margin, by: step) where !anchors.contains(where: { abs($0 - x) < step / 2 }) { anchors.append(x) }
        // From each start, a seam free to go a third of a line height either way for the
        // least ink, and in a piece wide enough for two digits that overlap (1.1 line
        // heights), one kept within a twentieth (nearly straight down). Where digits
        // overlap, the free seams from nearby starts all find the same path round one
        // digit's loop, and the cut between the two was never tried: dev touching
        // numbers 48.3% -> 60.0% (within a tenth: 58.3%; a thirtieth: 60.0%). In every
        // piece 0.9 line heights wide, the same, and 70% more time; in every piece,
        // three times the time, and 2 more of 360 dev numbers right (with the in-line
        // network below).
        let reaches = Float(w) >= 1.1 * lineHeight ? [reach, max(1, Int(0.05 * lineHeight))] : [reach]
        for anchor in anchors.sorted() { for reach in reaches {
            let (lo, hi) = (max(1, anchor - reach), min(w - 1, anchor + reach))
            let (xs, crossed) = seam(through: ink, width: w, height: h, columns: lo...hi)
            let seam = Seam(top: a.box.y, xs: xs.map { a.box.x + $0 })
            guard !seams.contains(where: { $0.seam == seam }) else { continue }
            // A segment ending at a seam owns the columns left of it: the seam splits a
            // hole when it passes through the hole's middle row inside it.
            let throughLoop = loops.contains { hole in
                let x = seam.x(at: hole.y + hole.height / 2)
                return hole.x < x && x <= hole.maxX
            }
            seams.append((seam, 0.9 + 3 * crossed / lineHeight + (throughLoop ? 1.5 : 0)))
        } }
        return seams.sorted { $0.seam.xs.reduce(0, +) < $1.seam.xs.reduce(0, +) }
    }

    /// The path from the top row to the foot, one column per row, moving at most one
    /// column a row within `columns`, that crosses the least ink (a sideways step costs a
    /// tenth of a pixel of ink, so that through paper it goes straight). The columns are
    /// those just right of the cut; returns them and the ink crossed.
    func seam(through ink: [Float], width w: Int, height h: Int, columns: ClosedRange<Int>) -> (xs: [Int], crossed: Float) {
        let n = columns.count
        var cost = (0..<n).map { ink[columns.lowerBound + $0] }
        var from = [Int](repeating: 0, count: n * h)
        for y in 1..<max(1, h) {
            var next = [Float](repeating: 0, count: n)
            for i in 0..<n {
                var (best, at) = (cost[i], i)
                if i > 0, cost[i - 1] + 0.1 < best { (best, at) = (cost[i - 1] + 0.1, i - 1) }
                if i < n - 1, cost[i + 1] + 0.1 < best { (best, at) = (cost[i + 1] + 0.1, i + 1) }
                next[i] = best + ink[y * w + columns.lowerBound + i]
                from[y * n + i] = at
            }
            cost = next
        }
        var i = cost.indices.min { cost[$0] < cost[$1] }!
        var xs = [Int](repeating: 0, count: h)
        var crossed: Float = 0
        for y in stride(from: h - 1, through: 0, by: -1) {
            xs[y] = columns.lowerBound + i
            crossed += ink[y * w + xs[y]]
            if y > 0 { i = from[y * n + i] }
        }
        return (xs, crossed)
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
