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
        for (n, seg) in segments.enumerated() {
            // A segment that evening its strokes thinned away is no digit (an empty 28x28
            // reads as a confident 1).
            guard n < p.count, framed[n].contains(where: { $0 >= 128 }),
                  let best = p[n].indices.max(by: { p[n][$0] < p[n][$1] }) else { continue }
            let probability = p[n][best]
            guard probability.isFinite else { continue }
            answer[n] = (best, probability)
            let aspect = Float(seg.box.width) / lineHeight
            let tall = Float(seg.box.height) / lineHeight
            var s = log(max(probability, 1e-6))
            s -= 4 * max(0, aspect - 0.95)          // wider than a digit: two that touch?
            // A fragment, not a digit: the digits of one line are of about one height,
            // and a piece under two thirds of it is a stroke of one (an open 0 whose two
            // strokes do not meet read "67", the bottom of a form's box under a 4 a "1");
            // from 0.45 to 0.65 on the dev set: numbers 80.8% → 81.7%, 0.8 one more.
            s -= 6 * max(0, 0.65 - tall)
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
        // A cut through a loop (a wide 0, the bowl of a 6) cuts one digit in two: touching
        // digits meet at a junction, not round a hole. Dev numbers 80.3% → 80.8% (a wide
        // 0 read "62" and "67"); costs of 1 to 3 alike.
        let loops = Self.loops(a, pixels: pixels, tallerThan: 0.3 * lineHeight)
        return picked.sorted { $0.x < $1.x }.map { m in
            let x = a.box.x + m.x
            let throughLoop = loops.contains { $0.lowerBound < x && x < $0.upperBound }
            return (x, 0.9 + 3 * m.depth / lineHeight + (throughLoop ? 1.5 : 0))
        }
    }

    /// The columns spanned by each hole in an atom's ink at least `tallerThan` pixels
    /// high: the inside of a loop (a 0, the bowl of a 6), which a cut between two digits
    /// does not go through.
    static func loops(_ a: Atom, pixels: [(x: Int, y: Int, v: Float)], tallerThan tall: Float) -> [ClosedRange<Int>] {
        let (w, h) = (a.box.width + 2, a.box.height + 2)
        // 0 = paper not yet reached, 1 = ink, 2 = paper reached from outside the box.
        var cell = [UInt8](repeating: 0, count: w * h)
        for p in pixels { cell[(p.y - a.box.y + 1) * w + p.x - a.box.x + 1] = 1 }
        func fill(from start: Int, with mark: UInt8) -> (minX: Int, maxX: Int, minY: Int, maxY: Int) {
            var stack = [start]
            cell[start] = mark
            var r = (minX: w, maxX: -1, minY: h, maxY: -1)
            while let i = stack.popLast() {
                let (x, y) = (i % w, i / w)
                r = (min(r.minX, x), max(r.maxX, x), min(r.minY, y), max(r.maxY, y))
                for (dx, dy) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                    let (nx, ny) = (x + dx, y + dy)
                    guard nx >= 0, ny >= 0, nx < w, ny < h, cell[ny * w + nx] == 0 else { continue }
                    cell[ny * w + nx] = mark
                    stack.append(ny * w + nx)
                }
            }
            return r
        }
        _ = fill(from: 0, with: 2)
        var found = [ClosedRange<Int>]()
        for i in cell.indices where cell[i] == 0 {
            let r = fill(from: i, with: 3)
            if Float(r.maxY - r.minY + 1) >= tall { found.append((a.box.x + r.minX - 1)...(a.box.x + r.maxX - 1)) }
        }
        return found
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
