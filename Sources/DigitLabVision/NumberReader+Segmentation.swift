import Foundation

/// One digit as the segmentation chose it (working coordinates).
struct SegmentedDigit {
    var label: String
    var probability: Float
    var box: Box
    var pixels: [UInt8]
}

extension Analysis {
    /// A place where a segment may start or end: before atom `atom` (x == nil), or a cut
    /// through atom `atom` at column x.
    struct Boundary { var atom: Int; var x: Int? }

    /// Over-segments the atoms, classifies every plausible segment in one batch, and keeps
    /// the chain of segments with the best total score (dynamic programming).
    func segment(_ atoms: [Atom], classifier: DigitClassifier) -> [SegmentedDigit] {
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
            bounds.append(Boundary(atom: k, x: nil)); cutCost.append(0)
            for (x, cost) in cuts(a, pixels: pixels[k], lineHeight: lineHeight) {
                bounds.append(Boundary(atom: k, x: x)); cutCost.append(cost)
            }
        }
        bounds.append(Boundary(atom: atoms.count, x: nil)); cutCost.append(0)

        // Candidate segments.
        struct Segment { var from: Int; var to: Int; var box: Box; var owns: [Int: ClosedRange<Int>]; var mass: Float }
        var segments = [Segment]()
        for i in bounds.indices {
            for j in (i + 1)..<bounds.count {
                let (s, e) = (bounds[i], bounds[j])
                let lastAtom = e.x == nil ? e.atom - 1 : e.atom
                guard lastAtom - s.atom < 3 else { break }
                var owns = [Int: ClosedRange<Int>]()
                for k in s.atom...max(s.atom, lastAtom) where k < atoms.count {
                    let lo = k == s.atom ? (s.x ?? Int.min) : Int.min
                    let hi = k == e.atom ? (e.x.map { $0 - 1 } ?? Int.max) : Int.max
                    if lo <= hi { owns[k] = lo...hi }
                }
                var box: Box? = nil
                var mass: Float = 0
                for (k, range) in owns {
                    for p in pixels[k] where range.contains(p.x) {
                        let b = Box(x: p.x, y: p.y, width: 1, height: 1)
                        box = box.map { $0.union(b) } ?? b
                        mass += p.v
                    }
                }
                guard let box else { continue }
                if Float(box.width) > 1.9 * lineHeight { break }
                guard mass >= 0.04 * typicalMass else { continue }
                segments.append(Segment(from: i, to: j, box: box, owns: owns, mass: mass))
            }
        }
        guard !segments.isEmpty else { return [] }
        // A whole piece keeps its ink when its strokes are evened (a marker 8 whose loops
        // are filled thins to a sliver, read as 2); a piece cut off one (the edge of a 0)
        // may thin away, and the network's doubt about an empty frame keeps it out.
        let framed = segments.map { seg in
            frame(box: seg.box, stages: false, keepingInk: bounds[seg.from].x == nil && bounds[seg.to].x == nil) { x, y in
                let l = components.labels[y * width + x]
                guard l != 0, let k = atomOf[l], let r = seg.owns[k] else { return false }
                return r.contains(x)
            }.pixels
        }
        let p = classifier.probabilities(framed)
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
            let cutFromMore = bounds[seg.from].x != nil || bounds[seg.to].x != nil
            let overUnder = atoms.indices.contains { k in
                seg.owns[k] == nil && min(atoms[k].box.maxX, seg.box.maxX) > max(atoms[k].box.x, seg.box.x)
            }
            s -= 6 * max(0, (cutFromMore || overUnder ? 0.65 : 0.45) - tall)
            s -= cutCost[seg.to]                    // each cut paid once, by the segment it ends
            score[n] = s + 0.2
        }
        // Best chain from the first boundary to the last; a lone small atom may be skipped
        // (a speck, a stray mark) at a cost that grows with its ink.
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
            if bounds[j].x == nil, j > 0, let i = bounds.lastIndex(where: { $0.atom == bounds[j].atom - 1 && $0.x == nil }),
               best[i] > -.infinity {
                let v = best[i] - 8 * atoms[bounds[j].atom - 1].mass / typicalMass - 0.5
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
            return [SegmentedDigit(label: "?", probability: .nan, box: segments[n].box, pixels: framed[n])]
        }
        return chosen.reversed().map { n in
            SegmentedDigit(label: classifier.classNames[safe: answer[n].label] ?? String(answer[n].label),
                           probability: answer[n].probability, box: segments[n].box, pixels: framed[n])
        }
    }

    /// Candidate cuts through a wide atom: columns where its vertical projection has a
    /// local minimum, away from its edges, with the cost of cutting there (the ink cut
    /// through, in line heights, plus 0.9 for cutting at all: tried on the dev set from
    /// 0.3 to 1.6, lower cut single digits in two, higher left touching pairs whole; plus
    /// 1.5 through a loop).
    func cuts(_ a: Atom, pixels: [(x: Int, y: Int, v: Float)], lineHeight: Float) -> [(x: Int, cost: Float)] {
        guard Float(a.box.width) >= 0.55 * lineHeight else { return [] }
        var column = [Float](repeating: 0, count: a.box.width)
        for p in pixels { column[p.x - a.box.x] += 1 }
        // Smoothed over three columns.
        let smooth = column.indices.map { i in (column[max(0, i - 1)] + column[i] + column[min(column.count - 1, i + 1)]) / 3 }
        let margin = max(2, Int(0.18 * lineHeight))
        guard a.box.width > 2 * margin else { return [] }
        var minima = [(x: Int, depth: Float)]()
        for i in margin..<(a.box.width - margin) {
            let v = smooth[i]
            let left = smooth[max(0, i - margin / 2)...i].min()!, right = smooth[i...min(smooth.count - 1, i + margin / 2)].min()!
            if v <= left && v <= right { minima.append((i, v)) }
        }
        // The lowest few, spread apart.
        var picked = [(x: Int, depth: Float)]()
        for m in minima.sorted(by: { $0.depth < $1.depth }) where picked.allSatisfy({ abs($0.x - m.x) >= margin / 2 }) {
            picked.append(m)
            if picked.count == 8 { break }
        }
        // A cut through a loop (a wide 0, the bowl of a 6) most often cuts one digit in
        // two: touching digits mostly meet at a junction. Not always (a 1 leaning on a 0
        // at its top and its bottom encloses a sliver the right cut goes through), so it
        // is a cost, not a ban, and only for holes at least 0.3 line heights tall. Dev
        // numbers 80.3% → 80.8% (a wide 0 read "62", another "67"); costs of 1 to 3 alike.
        let loops = picked.isEmpty ? [] : enclosedPaper(a.labels, in: a.box).filter { Float($0.height) >= 0.3 * lineHeight }
        return picked.sorted { $0.x < $1.x }.map { m in
            // A segment ending at cut x owns the columns before x: the cut splits a hole
            // when some of its columns lie on each side.
            let x = a.box.x + m.x
            let throughLoop = loops.contains { $0.x < x && x <= $0.maxX }
            return (x, 0.9 + 3 * m.depth / lineHeight + (throughLoop ? 1.5 : 0))
        }
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
