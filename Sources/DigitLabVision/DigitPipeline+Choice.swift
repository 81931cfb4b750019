import DigitLabIO
import Foundation

/// Which pieces of ink are the digit. Pieces close together form one digit (the bar of
/// a 5, a broken stroke); each group is scored by how much ink it holds, discounted when
/// it hugs the picture's edge (a frame, a table edge, a desk's rim), when it lies on dark
/// ground rather than paper (the desk around a sheet), and a little when it is far from
/// the middle.
extension Analysis {
    /// Groups, best first. Specks smaller than a dot of the pen are left out.
    /// `weighingStrokes`: whether the leading groups are weighed by `strokeLikeness`
    /// (choosing one digit); a line of writing leaves it off.
    func groups(joinGap: Int? = nil, weighingStrokes: Bool = true) -> [DigitGroup] {
        let items = components.items
        guard !items.isEmpty else { return [] }
        let w = max(1, map.strokeWidth)
        let minArea = minimumPieceArea
        let band = max(2, min(width, height) / 40)
        var borderMass = [Float](repeating: 0, count: items.count)
        var paperSum = [Float](repeating: 0, count: items.count)
        for i in 0..<(width * height) {
            let l = Int(components.labels[i])
            guard l != 0 else { continue }
            let (x, y) = (i % width, i / width)
            let inset = paperInset(x, y)
            if x < band + inset.left || y < band + inset.top || x >= width - band - inset.right || y >= height - band - inset.bottom {
                borderMass[l - 1] += ink.values[i]
            }
            paperSum[l - 1] += map.paperLevel.values[i]
        }
        // How much of each edge of the picture (or of a band peeled from it) each
        // component runs along.
        var contact = [[Int]](repeating: [0, 0, 0, 0], count: items.count)
        for x in 0..<width {
            let inset = paperInset(x, 0)
            let t = components.labels[min(height - 1, inset.top) * width + x]
            if t != 0 { contact[Int(t) - 1][0] += 1 }
            let b = components.labels[max(0, height - 1 - inset.bottom) * width + x]
            if b != 0 { contact[Int(b) - 1][1] += 1 }
        }
        for y in 0..<height {
            let inset = paperInset(0, y)
            let l = components.labels[y * width + min(width - 1, inset.left)]
            if l != 0 { contact[Int(l) - 1][2] += 1 }
            let r = components.labels[y * width + max(0, width - 1 - inset.right)]
            if r != 0 { contact[Int(r) - 1][3] += 1 }
        }
        let keep = items.indices.filter { items[$0].area >= minArea }
        guard !keep.isEmpty else { return [] }
        let paperRef = max(40, map.paperLevel.percentile(0.95))
        // Join pieces whose boxes come within `join` pixels of each other.
        let join = joinGap ?? max(2, Int((1.5 * w).rounded()))
        var parent = Array(keep.indices)
        func find(_ a: Int) -> Int { var a = a; while parent[a] != a { parent[a] = parent[parent[a]]; a = parent[a] }; return a }
        // A sweep from left to right: only pieces that start within reach of one's right
        // side can be near it (texture has thousands of pieces; every pair would be slow).
        let order = keep.indices.sorted { items[keep[$0]].minX < items[keep[$1]].minX }
        // A box drawn round the digit is no part of it: it is never joined to what it
        // holds, and counts a tenth.
        let kept = keep.map { items[$0] }
        let boxRound = Set(keep.filter { drawnBox(items[$0], holding: kept) })
        for (position, i) in order.enumerated() {
            let reach = items[keep[i]].maxX + join + 1
            for j in order[(position + 1)...] {
                guard items[keep[j]].minX <= reach else { break }
                guard !boxRound.contains(keep[i]), !boxRound.contains(keep[j]) else { continue }
                let g = items[keep[i]].box.gap(to: items[keep[j]].box)
                guard max(g.x, g.y) <= join, near(items[keep[i]], items[keep[j]], within: join) else { continue }
                let (a, b) = (find(i), find(j))
                if a != b { parent[max(a, b)] = min(a, b) }
            }
        }
        var members = [Int: [Int]]()
        for i in keep.indices { members[find(i), default: []].append(keep[i]) }
        let (cx, cy) = (Float(width) / 2, Float(height) / 2)
        let halfDiagonal = (cx * cx + cy * cy).squareRoot()
        var groups = [DigitGroup]()
        var edgeContact = [Double]()
        for (_, list) in members {
            var box = items[list[0]].box
            var (mass, border, paper, area, sx, sy): (Float, Float, Float, Float, Float, Float) = (0, 0, 0, 0, 0, 0)
            for k in list {
                let c = items[k]
                box = box.union(c.box)
                mass += c.mass; border += borderMass[k]; paper += paperSum[k]; area += Float(c.area)
                sx += c.centre.x * c.mass; sy += c.centre.y * c.mass
            }
            guard mass > 0 else { continue }
            let hugging = border / mass
            let onPaper = min(1, paper / area / paperRef)
            let (dx, dy) = (sx / mass - cx, sy / mass - cy)
            let off = (dx * dx + dy * dy).squareRoot() / max(1, halfDiagonal)
            // Lying along most of one side of the picture: a frame or an edge, unless alone.
            let at = boxAtEdges(box, within: 0)
            let spans = (at[0] || at[1]) && box.width >= width * 8 / 10 || (at[2] || at[3]) && box.height >= height * 8 / 10
            var score = Double(mass) * Double((1 - hugging) * (1 - hugging)) * Double(onPaper * onPaper) * Double(1 - 0.5 * off * off)
            if spans { score *= 0.15 }
            if list.contains(where: boxRound.contains) { score *= 0.1 }
            groups.append(DigitGroup(labels: list.map { items[$0].label }, box: box, mass: mass, area: Int(area), score: score))
            let sides = (0..<4).map { side in Double(list.reduce(0) { $0 + contact[$1][side] }) / Double(side < 2 ? width : height) }
            edgeContact.append(sides.max() ?? 0)
        }
        // A piece that runs along a quarter or more of an edge is a desk, a frame or a
        // table edge, when there is other ink that keeps clear of the edges (a digit
        // cropped tightly touches the edges too, but then it is all there is).
        for i in groups.indices where edgeContact[i] >= 0.25 {
            if groups.indices.contains(where: { $0 != i && edgeContact[$0] < 0.1 && groups[$0].mass >= 0.03 * groups[i].mass }) {
                groups[i].score *= 0.1
            }
        }
        groups.sort { $0.score > $1.score || ($0.score == $1.score && $0.box.x < $1.box.x) }
        // Slabs (a strip of desk, a sheet read the wrong way round) are not strokes: the
        // leading few are weighed by how stroke-like they are, and sorted again.
        if weighingStrokes { for i in groups.indices.prefix(6) { groups[i].score *= strokeLikeness(groups[i]) } }
        return groups.sorted { $0.score > $1.score || ($0.score == $1.score && $0.box.x < $1.box.x) }
    }

    /// Whether two pieces whose boxes come within `distance` of each other really do.
    /// Boxes say so for most pieces; not for a sparse piece whose box is much larger
    /// (the L of desk left round a turned sheet holds the digit in its box, far from it).
    func near(_ p: Component, _ q: Component, within distance: Int) -> Bool {
        let (small, large) = p.box.width * p.box.height <= q.box.width * q.box.height ? (p, q) : (q, p)
        let largeBox = large.box.width * large.box.height
        guard Float(large.area) < 0.35 * Float(largeBox), largeBox >= 2 * small.box.width * small.box.height else { return true }
        // The small piece's pixels that lie within reach of the large one's box, looked at
        // for the large one's label nearby.
        let (x0, x1) = (max(small.minX, large.minX - distance), min(small.maxX, large.maxX + distance))
        let (y0, y1) = (max(small.minY, large.minY - distance), min(small.maxY, large.maxY + distance))
        guard x0 <= x1, y0 <= y1 else { return false }
        // The large piece's extent in each of its rows: a row whose extent is out of reach
        // is passed over without looking at its pixels (parallel lines of hatching).
        var rowMin = [Int](repeating: Int.max, count: large.maxY - large.minY + 1)
        var rowMax = [Int](repeating: Int.min, count: rowMin.count)
        for i in components.pixels(of: large.label) {
            let (x, r) = (Int(i) % width, Int(i) / width - large.minY)
            rowMin[r] = min(rowMin[r], x); rowMax[r] = max(rowMax[r], x)
        }
        for i in components.pixels(of: small.label) {
            let (x, y) = (Int(i) % width, Int(i) / width)
            guard y >= y0, y <= y1, x >= x0, x <= x1 else { continue }
            for v in max(large.minY, y - distance)...min(large.maxY, y + distance) {
                let r = v - large.minY
                guard rowMin[r] <= x + distance, rowMax[r] >= x - distance else { continue }
                for u in max(0, x - distance)...min(width - 1, x + distance) where components.labels[v * width + u] == large.label {
                    return true
                }
            }
        }
        return false
    }

    /// How much a group looks like strokes rather than a slab (a sheet of paper read as
    /// ink, a filled blob): 1 for anything a pen draws, falling towards 0 as the ink
    /// fills its box or grows as thick as it is long. One upright stroke (a 1 drawn with
    /// a marker) fills its narrow box too, so filling counts only for boxes wider than a
    /// third of their height (a strip of desk lying along the sheet still counts).
    func strokeLikeness(_ g: DigitGroup) -> Double {
        let fill = Double(g.area) / Double(max(1, g.box.width * g.box.height))
        let thickness = Double(strokeWidth(of: g)) / Double(max(1, max(g.box.width, g.box.height)))
        let upright = 3 * g.box.width < g.box.height
        var p = 1.0
        if fill > 0.6 && !upright { p *= exp(-pow((fill - 0.6) / 0.12, 2)) }
        if thickness > 0.35 { p *= exp(-pow((thickness - 0.35) / 0.1, 2)) }
        return p
    }

    /// How likely a group is, by its size alone, to be the digit photographed: a digit
    /// that someone photographs or scans spans at least a twentieth of the picture's
    /// shorter side (a small digit on a sheet on a desk, far away, still does). A reading
    /// that lost the digit itself to the paper (fat strokes, a paper estimate too narrow
    /// for them) leaves specks, and the network can be sure of a speck: 1 from a
    /// twentieth up, falling with the square of the size below it.
    func sizeLikeness(_ g: DigitGroup) -> Double {
        let r = Double(max(g.box.width, g.box.height)) / (Double(min(width, height)) / 20)
        return min(1, r * r)
    }

    /// How many holes the ink of components `chosen` within `b` has when it is a net
    /// rather than writing, or nil (the count is of every hole, for the message). Holes
    /// are paper enclosed by the ink, at least `minimumPieceArea` large: a digit has two
    /// at most (an 8); a grid, squared paper, foam or a wall of bricks that hangs together
    /// as one piece has dozens to thousands. Dusty chalk or a grainy photo pits a digit's
    /// strokes with up to 46 (dev2 chalk-0016, a 4 refused as a net), most of them
    /// smaller than a net's. So a net has more than `maximumHoles` holes whose box has at
    /// least the area of a square two strokes wide; or more than that of any size in ink
    /// that spans three quarters of the picture each way (a mesh whose wires are as thick
    /// as its holes are wide); or more than four times that of any size (a fine mesh).
    func netHoles(_ chosen: Set<Int32>, in b: Box) -> Int? {
        let holes = enclosedPaper(chosen, in: b)
        let stroke = max(1, map.strokeWidth)
        let wide = holes.filter { Float($0.width * $0.height) >= 4 * stroke * stroke }.count
        let spans = 4 * b.width >= 3 * width && 4 * b.height >= 3 * height
        let many = holes.count > (spans ? 1 : 4) * Self.maximumHoles
        return wide > Self.maximumHoles || many ? holes.count : nil
    }

    /// The box of each hole in the ink of components `chosen` within `b`, at least
    /// `minimumPieceArea` large (working coordinates).
    func enclosedPaper(_ chosen: Set<Int32>, in b: Box) -> [Box] {
        var ink = [Bool](repeating: false, count: b.width * b.height)
        for y in 0..<b.height { for x in 0..<b.width {
            let l = components.labels[(b.y + y) * width + b.x + x]
            ink[y * b.width + x] = l != 0 && chosen.contains(l)
        } }
        return Self.enclosedPaper(ink, width: b.width, height: b.height, minimumArea: minimumPieceArea)
            .map { Box(x: b.x + $0.x, y: b.y + $0.y, width: $0.width, height: $0.height) }
    }

    /// The box of each region of paper a mask of ink encloses, at least `minimumArea`
    /// pixels: paper 4-connected (ink is 8-connected, so paper does not leak through a
    /// diagonal stroke), not reaching the mask's edge. Holes in a digit's ink, and the
    /// loops a thickened digit must keep (`frame`).
    static func enclosedPaper(_ ink: [Bool], width w: Int, height h: Int, minimumArea: Int) -> [Box] {
        var seen = ink
        var found = [Box]()
        var stack = [Int]()
        for start in 0..<(w * h) where !seen[start] {
            var area = 0
            var open = false
            var (x0, y0, x1, y1) = (w, h, -1, -1)
            seen[start] = true
            stack.append(start)
            while let i = stack.popLast() {
                area += 1
                let (x, y) = (i % w, i / w)
                (x0, y0, x1, y1) = (min(x0, x), min(y0, y), max(x1, x), max(y1, y))
                if x == 0 || y == 0 || x == w - 1 || y == h - 1 { open = true }
                for j in [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1] where j >= 0 && !seen[j] {
                    seen[j] = true
                    stack.append(j)
                }
            }
            if !open && area >= minimumArea { found.append(Box(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1)) }
        }
        return found
    }

    /// The smallest piece of ink that counts: a speck smaller than a stroke is dust.
    var minimumPieceArea: Int {
        let w = max(1, map.strokeWidth)
        return max(4, Int(0.4 * w * w))
    }

    /// When the ink is a texture rather than writing — noise, a grid, specks all over —
    /// the number of its pieces, else nil: more than 30 pieces of a stroke's size of which
    /// what was kept (`keptMass`, a digit or a number's digits) holds under 15%, or one
    /// "digit" joined from more than 100 of them. The network is sure of anything it is
    /// shown, so such pictures are refused here. On the dev and held-out sets (2,520
    /// pictures) no reading comes near either bound: a kept digit holds 44 pieces at most
    /// (a speckled camera photo), and where there are more than 30, it holds their ink.
    /// A net rather than writing: more holes than this as wide as a net's, or in ink that
    /// spans the picture (`netHoles`).
    static let maximumHoles = 40

    func scatteredPieces(keptMass: Float, keptPieces: Int) -> Int? {
        let pieces = components.items.filter { $0.area >= minimumPieceArea }
        let total = pieces.reduce(Float(0)) { $0 + $1.mass }
        return keptPieces > 100 || pieces.count > 30 && keptMass < 0.15 * total ? pieces.count : nil
    }

    /// Why the ink kept (`labels`, in `box`) is a texture and not writing — specks all
    /// over, a net of lines, or the paper's own grain — or nil. Shared by a digit and a
    /// number, so both give one picture one reason.
    func texture(_ labels: Set<Int32>, in box: Box, keptMass: Float) -> DigitPipeline.Failure? {
        if let pieces = scatteredPieces(keptMass: keptMass, keptPieces: labels.count) { return .scattered(pieces: pieces) }
        if let holes = netHoles(labels, in: box) { return .net(holes: holes) }
        return grain(labels, in: box, paper: paperGrain)
    }

    /// A small solid round dot, alone: one piece, filling 60% of its box (a disc 78%; with
    /// its soft edge a 13 px dot filled 69.8%), no longer one way than 1.3 times the
    /// other, without a hole, under a tenth of the picture's shorter side. A digit has strokes; a dot on a blank page was a 0 at 99% (a filled
    /// marker 0 or 8 is taller than wide, or fills much more of the picture). Only in a
    /// picture seen at its own size or larger: shrunk, a small digit is a blob too, and
    /// the closer look reads it from the picture's own pixels.
    func dot(_ labels: Set<Int32>, in box: Box) -> DigitPipeline.Failure? {
        guard scale <= 1, labels.count == 1, let piece = components.items.first(where: { labels.contains($0.label) }),
              Float(piece.area) >= 0.6 * Float(box.width * box.height),
              Float(max(box.width, box.height)) <= 1.3 * Float(min(box.width, box.height)),
              Float(max(box.width, box.height)) < 0.1 * Float(min(width, height)),
              enclosedPaper(labels, in: box).isEmpty else { return nil }
        let size = box.scaled(scale)
        return .dot(size: max(size.width, size.height))
    }

    /// Whether what stood out as ink was lines, nearly all removed (ruled paper, a grid, an
    /// empty frame): a reason to give instead of "blank" when nothing else is found.
    var onlyLines: Bool {
        let gone = removed.lazy.filter { $0 }.count
        return gone > 0 && mask.lazy.filter { $0 }.count * 10 < gone
    }

    /// Whether the lines removed are a page's: at least three rows, or three columns, of
    /// removed ink across half the picture, apart from each other (ruled or squared
    /// paper). A tight crop of a fat 0 loses its four sides as bands, two each way (held-
    /// out tight-0057 was read as 6 when four in all counted).
    var ruledPage: Bool {
        func runs(_ across: [Bool]) -> Int {
            zip(across, [false] + across.dropLast()).filter { $0 && !$1 }.count
        }
        let rows = (0..<height).map { y in (0..<width).reduce(0) { $0 + (removed[y * width + $1] ? 1 : 0) } * 2 >= width }
        let columns = (0..<width).map { x in (0..<height).reduce(0) { $0 + (removed[$1 * width + x] ? 1 : 0) } * 2 >= height }
        return runs(rows) >= 3 || runs(columns) >= 3
    }

    /// Refuses writing smaller than 8 pixels on its longer side, at working size or in the
    /// picture itself: the network sees a blot there, whatever it was (a digit far too
    /// small in a huge picture, a speck of dust; a small picture, or the close-up of a
    /// small line, is enlarged to be worked on, but holds no more than its own pixels).
    /// In picture pixels, for the message.
    func tooSmall(_ box: Box) -> DigitPipeline.Failure? {
        let size = box.scaled(scale)
        guard max(box.width, box.height) < 8 || max(size.width, size.height) < 8 else { return nil }
        return .tooSmall(size: max(size.width, size.height), across: max(picture.sourceWidth, picture.sourceHeight))
    }

    /// Whether a group reaches `edges` edges of the picture (within `slack` of the
    /// shorter side): a tight crop, where little paper is left to tell which way round
    /// the ink is.
    func fills(_ g: DigitGroup, slack: Double = 0, edges: Int = 3) -> Bool {
        let m = max(1, Int(slack * Double(min(width, height))))
        return [g.box.x <= m, g.box.y <= m, g.box.maxX >= width - 1 - m, g.box.maxY >= height - 1 - m].filter { $0 }.count >= edges
    }

    /// Whether a box comes within `m` pixels of the top, bottom, left and right edge.
    /// The edge is where the paper ends: the picture's, or the inner edge of a band
    /// peeled from it (a frame, a desk), which a piece cut from the band still touches.
    func boxAtEdges(_ b: Box, within m: Int) -> [Bool] {
        func deepest(_ band: [Int], _ along: ClosedRange<Int>) -> Int { band.isEmpty ? 0 : along.map { band[$0] }.max() ?? 0 }
        return [b.y <= m + deepest(bands.top, b.x...b.maxX), b.maxY >= height - 1 - m - deepest(bands.bottom, b.x...b.maxX),
                b.x <= m + deepest(bands.left, b.y...b.maxY), b.maxX >= width - 1 - m - deepest(bands.right, b.y...b.maxY)]
    }

    /// How far in from each edge the paper starts at (x, y): top, bottom, left, right.
    func paperInset(_ x: Int, _ y: Int) -> (top: Int, bottom: Int, left: Int, right: Int) {
        (bands.top.isEmpty ? 0 : bands.top[x], bands.bottom.isEmpty ? 0 : bands.bottom[x],
         bands.left.isEmpty ? 0 : bands.left[y], bands.right.isEmpty ? 0 : bands.right[y])
    }

    /// Whether a group comes within 2% of the picture's shorter side of any edge, or of
    /// the inner edge of a band peeled from it (a piece of desk cut from its band).
    func reachesEdge(_ g: DigitGroup) -> Bool {
        boxAtEdges(g.box, within: max(1, Int(0.02 * Double(min(width, height))))).contains(true)
    }

    /// The working picture with the chosen digit's ink in white, other ink dim, and its box.
    func chosenPicture(_ g: DigitGroup) -> RasterImage {
        let chosen = Set(g.labels)
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            let l = components.labels[i]
            let v: UInt8 = l != 0 && chosen.contains(l) ? 255 : mask[i] ? 70 : 0
            rgb[3 * i] = v; rgb[3 * i + 1] = v; rgb[3 * i + 2] = v
        }
        let b = g.box
        for x in b.x...b.maxX { for y in [b.y, b.maxY] { let i = 3 * (y * width + x); rgb[i] = 60; rgb[i + 1] = 200; rgb[i + 2] = 90 } }
        for y in b.y...b.maxY { for x in [b.x, b.maxX] { let i = 3 * (y * width + x); rgb[i] = 60; rgb[i + 1] = 200; rgb[i + 2] = 90 } }
        return RasterImage(width: width, height: height, channels: 3, pixels: rgb)
    }
}
