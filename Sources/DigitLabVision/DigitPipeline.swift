import DigitLabIO

/// Turns a photo or scan of one handwritten digit into an MNIST-style 28x28 image, the
/// way MNIST itself was made (white ink on black, longest side 20 px, centre of mass in
/// the middle of 28x28), after finding the digit in a real picture:
///
///     picture → paper estimated around every pixel → ink strength (from colour)
///     → lines and frames removed → the digit chosen among the pieces of ink
///     → cropped → strokes evened → 20 px → 28x28, centred
///
/// Each stage is kept, so `--stages` can show what happened. See Docs/real-world.md.
public enum DigitPipeline {
    public struct Stage: Sendable {
        public let name: String
        /// Grey or RGB; for the first two stages as in the picture, afterwards ink is white.
        public let image: RasterImage
    }

    public struct Result: Sendable {
        /// 784 bytes, 255 = ink, ready for the network.
        public let pixels: [UInt8]
        public let stages: [Stage]
        /// True when the paper was darker than the ink (chalk on a board, inverted scans).
        public let lightInkOnDark: Bool
        /// Where the digit is, in the picture's pixels.
        public let box: Box
        /// Other pieces of ink of a digit's size on its line (`Analysis.digitsBeside`): the
        /// picture may hold a number, of which this is one digit.
        public var digitsBeside = 0

        /// Whether the picture looks like a number rather than one digit: digits beside
        /// the one read, or ink far wider than a digit (a number whose digits touch).
        public var mayBeANumber: Bool { digitsBeside > 0 || box.width > 2 * box.height }
    }

    public enum Failure: Error, Equatable {
        /// No ink stands out from the paper.
        case blank
        /// The ink is a texture, not writing (`Analysis.scatteredPieces`).
        case scattered(pieces: Int)
        /// The ink is a net with this many holes (`Analysis.netHoles`): a grid, not writing.
        case net(holes: Int)
        /// What stood out as ink stands out no more than the paper's own grain
        /// (`Analysis.grain`): a blank page's noise.
        case grain
        /// Ink stood out, but all of it was lines that were removed: ruled or squared paper,
        /// a grid, a frame, with nothing written on them (`Analysis.onlyLines`).
        case onlyLines
        /// The only ink is a small solid round dot, `size` picture pixels across
        /// (`Analysis.dot`): a digit has strokes.
        case dot(size: Int, count: Int = 1)
        /// The only ink is a box drawn with nothing written in it (`Analysis.emptyBox`).
        case emptyBox
        /// The only writing is `size` picture pixels across, too small to read in a picture
        /// `across` pixels wide (it is a few pixels once the picture is at working size).
        case tooSmall(size: Int, across: Int)

        /// The one line for the user: `number` for `read` (digits), else one digit.
        public func message(number: Bool = false) -> String {
            let none = number ? "no digits found" : "no digit found"
            switch self {
            case .blank: return "\(none): the picture is blank or has no contrast — check that it shows the writing (dark on light, or light on dark), not an empty or faded page"
            case .onlyLines:
                return "\(none): the only ink is lines (ruled or squared paper, a grid, a frame or an edge), with nothing written on them — `--stages` shows them removed"
            case .scattered(let pieces):
                return "\(none): the ink is scattered in \(pieces) small pieces, none of them writing (noise, a texture or a grid?) — if the picture has writing, crop it to the writing"
            case .net(let holes):
                return "\(none): the ink is a net with \(holes) holes, not writing (a grid, squared paper or a texture?) — if the picture has writing, crop it to the writing"
            case .grain:
                return "\(none): nothing stands out clearly from the paper, only marks too faint or no stronger than its own grain (an empty page, noise, or writing too light) — check that the picture shows the writing, in focus and with contrast"
            case .tooSmall(let size, let across):
                return "\(none): the only ink is about \(size) px across, too small to read in a picture \(across) px across — crop the picture closer to the writing"
            case .emptyBox:
                return "\(none): the only ink is a box drawn with nothing written in it — write in the box, or crop the picture to the writing"
            case .dot(let size, let count):
                return "\(none): the only ink is \(count == 1 ? "a round dot" : "\(count) round dots") about \(size) px across (specks, full stops), not writing — if the picture has writing, crop it to the writing"
            }
        }
    }

    /// The picture is analysed at most this large on its longer side (and at least
    /// `minimumSize`: small pictures are enlarged so that every filter has room).
    public static let workingSize = 640
    public static let minimumSize = 160

    public static func run(_ input: PNG.Grey) throws(Failure) -> Result { try run(RasterImage(input)) }

    /// The stages a picture went through before the pipeline gave up on it (`--stages`
    /// after "no digit found": the learner sees why): `number` for a whole number's reading.
    /// As `run` does, a large picture with no ink at 640 px is looked at as a number is.
    public static func stagesBeforeFailing(_ picture: RasterImage, number: Bool = false) -> [Stage] {
        let large = max(picture.sourceWidth, picture.sourceHeight) > 2 * workingSize
        let sizes = number ? [NumberReader.workingSize] : large ? [workingSize, NumberReader.workingSize] : [workingSize]
        return Analysis.stagesBeforeFailing(picture, workingSizes: sizes)
    }

    /// The digit in `picture`. With a classifier, when the picture could be read more than
    /// one way (a band along one edge: a table edge or the top bar of a tightly cropped 7?),
    /// the reading the network is surest of wins; without one, the geometric best.
    public static func run(_ picture: RasterImage, classifier: DigitClassifier? = nil) throws(Failure) -> Result {
        do { return try run(picture, classifier: classifier, workingSize: workingSize) } catch .blank {
            // Writing a few pixels across on a page thousands wide fades into the paper
            // when the page is shrunk to 640 px: looked for at a whole number's working
            // size, it is found, then read closer or said to be too small (as `read` does),
            // not "blank".
            guard max(picture.sourceWidth, picture.sourceHeight) > 2 * workingSize else { throw .blank }
            return try run(picture, classifier: classifier, workingSize: NumberReader.workingSize)
        }
    }

    static func run(_ picture: RasterImage, classifier: DigitClassifier?, workingSize: Int) throws(Failure) -> Result {
        let prepared = try Analysis.Prepared(picture, workingSize: workingSize)
        let rules = prepared.choice
        // The usual reading; it may find nothing when it took the wrong way round (a fat
        // digit that is most of a tight crop), so the others are still tried.
        let a = try? Analysis(prepared)
        // Whether the usual reading found ink: not when it had none at all and was read
        // again with the fat-stroke closing.
        let usualFoundInk = a.map { !$0.readAgainWide } ?? false
        // Readings: the best one or two groups; and when it is unclear which way round the
        // ink is (or the digit fills the picture), the best group read the other way round.
        var candidates = [(analysis: Analysis, group: DigitGroup, prior: Double)]()
        let groups = a?.groups() ?? []
        // A digit that fills the picture (a tight crop) leaves the border to the paper:
        // then the border decides which reading is likelier. Fat strokes fool both the
        // polarity rules and the local paper estimate there, so a tight crop is also read
        // with one paper level for the whole picture: both ways round (strokes so fat
        // that they are most of the edge fool the border too), the border's way likelier.
        // Not when the usual reading found nothing but a page's lines: ruled paper with a
        // margin is one piece from edge to edge, and read with one paper level it was "0"
        // at 96% (a blank exercise-book page, in two reviews). A fat 0 cropped tightly
        // loses its sides as lines, but is no page of them.
        let pageOfLines = a.map { $0.onlyLines && $0.ruledPage } ?? false
        let uniform = pageOfLines ? [] : [rules.borderLight, !rules.borderLight].compactMap { tightReading(prepared, light: $0) }
        let fillsPicture = a.flatMap { a in groups.first.map { a.fills($0) } } ?? true
        let tight = !uniform.isEmpty || fillsPicture
        func polarityPrior(_ x: Analysis) -> Double {
            if tight { return x.map.lightOnDark == rules.borderLight ? 1 : 0.25 }
            if rules.unanimous { return x.map.lightOnDark == rules.light ? 1 : 0.5 }
            // The rules disagree: when one ground covers the picture (a board), its margins
            // have a say too; not when a sheet lies on a desk, whose margins are the desk.
            let border = rules.sameGround ? (x.map.lightOnDark == rules.borderLight ? 1 : 0.6) : 1
            return (x.map.lightOnDark == rules.light ? 1 : 0.8) * border
        }
        for u in uniform { candidates.append((u.analysis, u.group, u.analysis.map.lightOnDark == rules.borderLight ? 1 : 0.5)) }
        // Beside a tight reading, the local estimate is the less likely one.
        let local = uniform.isEmpty ? 1.0 : 0.5
        // A marker digit on paper is one fat dark blob, clear of the edges (or running off
        // one of them: a fat 0 a few percent off the left edge was its loop, a 6 at 100%),
        // that does not fill its box as a slab does. Its fat strokes fool the polarity
        // rules (most of what is busy is ink) and make it look like a slab: the paper
        // round it, the margins, says which way round it is.
        func isMarker(_ x: Analysis, _ g: DigitGroup) -> Bool {
            guard !x.map.lightOnDark, !rules.borderLightInsideFrames, !tight else { return false }
            return !x.fills(g, slack: 0.02, edges: 2) && Double(g.area) < 0.85 * Double(g.box.width * g.box.height)
        }
        func likelihood(_ x: Analysis, _ g: DigitGroup) -> Double {
            isMarker(x, g) ? max(0.5, x.strokeLikeness(g)) : x.strokeLikeness(g) * polarityPrior(x)
        }
        if let a {
            if let first = groups.first {
                candidates.append((a, first, likelihood(a, first) * local))
                if let second = groups.dropFirst().first, first.score > 0, second.score >= 0.35 * first.score {
                    candidates.append((a, second, second.score / first.score * polarityPrior(a) * local))
                }
            }
            // One digit much fatter than the paper's closing (a marker in a frame, on ruled
            // paper) lost its middle, or all of it, to the paper estimate: read with a wider
            // closing too, as likely, when that brings back ink away from all the ink found.
            // Less likely when its digit reaches the picture's edge (within 2%) where the
            // usual one, of a digit's size, kept clear of it: the wider closing cannot follow
            // the edge of a sheet on a desk, and a strip of desk joined an 8 clear on its
            // sheet (read as 6 at 99.9%).
            if usualFoundInk, let wide = a.withFatStrokesRestored(prepared, best: groups.first), let first = wide.groups().first {
                let reachedEdge = groups.first.map { usual in
                    a.sizeLikeness(usual) == 1 && !a.reachesEdge(usual) && wide.reachesEdge(first)
                } ?? false
                candidates.append((wide, first, likelihood(wide, first) * local * (reachedEdge ? 0.25 : 1)))
                // The usual reading's digit may be what is left of a fat one: a sliver of
                // its edge, inside the wider reading's digit and a third of its size or
                // less (a filled marker 8 close up was its rim, a 7 at 98%): a quarter as
                // likely.
                if !reachedEdge, let usual = groups.first,
                   let i = candidates.firstIndex(where: { $0.group.labels == usual.labels && $0.analysis.map.radius == a.map.radius }),
                   first.box.union(usual.box) == first.box, 3 * usual.box.width * usual.box.height <= first.box.width * first.box.height {
                    candidates[i].prior *= 0.25
                }
            }
        }
        // Texture (noise, a grid, specks all over) is no reading of a digit, nor is a speck
        // a few working pixels across; why each was refused is kept for the message.
        var refusals = [Failure]()
        var smallest: (analysis: Analysis, group: DigitGroup, prior: Double)? = nil
        func refusal(_ c: (analysis: Analysis, group: DigitGroup, prior: Double)) -> Failure? {
            if let texture = c.analysis.texture(Set(c.group.labels), in: c.group.box, keptMass: c.group.mass) { return texture }
            let small = c.analysis.tooSmall(c.group.box)
            if small != nil, smallest == nil { smallest = c }
            return small ?? c.analysis.dot(Set(c.group.labels), in: c.group.box) ?? c.analysis.emptyBox(c.group.labels)
        }
        let verdicts = candidates.map(refusal)   // once each: counting holes is a pass over the box
        refusals += verdicts.compactMap { $0 }
        candidates = zip(candidates, verdicts).filter { $0.1 == nil }.map(\.0)
        // The stroke scale may come from strips of desk round the sheet (a wide peak that
        // outweighs the pen's): then the pen's closing is read too, as likely (dev
        // desk-0087: a 5 joined to the desk read as 2). Only a rival for the network, so
        // when refused it takes nothing away from the others.
        if classifier != nil, let a, usualFoundInk, let finer = a.finerRadius, finer != a.map.radius,
           let fine = try? Analysis(prepared, light: a.map.lightOnDark, paper: .closingRadius(finer)),
           let first = fine.groups().first {
            let c = (analysis: fine, group: first, prior: likelihood(fine, first) * local)
            if refusal(c) == nil { candidates.append(c) }
        }
        // A digit joined to a strip of desk or to a frame reaches the picture's edge; when
        // another reading the same way round finds a digit's worth of ink inside that one,
        // clear of the edges, it is the digit alone, and the joined reading is a quarter as
        // likely (dev desk-0044: a 4 read with the desk's strips above and below it, a 3).
        if !tight {
            for i in candidates.indices where candidates[i].analysis.reachesEdge(candidates[i].group) {
                let (light, outer) = (candidates[i].analysis.map.lightOnDark, candidates[i].group.box)
                if candidates.contains(where: { o in
                    o.analysis.map.lightOnDark == light && !o.analysis.reachesEdge(o.group) && o.analysis.sizeLikeness(o.group) == 1
                        && outer.union(o.group.box) == outer
                }) { candidates[i].prior *= 0.25 }
            }
        }
        // A reading whose digit is (or holds) a ring of ink round the digit another reading
        // finds inside it is the box drawn round that digit, alone or joined to it: a
        // tenth as likely. (A thin box set the paper's scale, the usual reading lost the
        // 6 inside to the paper and read the box as a 0 at 100%, the wider closing found
        // the 6; or the wider closing joined the box and the 1 inside, a 0 at 99%.)
        for i in candidates.indices {
            let a = candidates[i].analysis
            let pieces = a.components.items.filter { candidates[i].group.labels.contains($0.label) }
            let isBox = pieces.contains { piece in
                guard let inner = a.ringInside(piece) else { return false }
                return candidates.contains { o in
                    o.analysis.map.lightOnDark == a.map.lightOnDark && inner.holds(o.group.box) && 3 * o.group.box.height >= piece.height
                }
            }
            if isBox { candidates[i].prior *= 0.1 }
        }
        // The other way round, when it is unclear which that is (or the margins say dark
        // ink on paper where the rules say light: a marker digit).
        if classifier != nil || !usualFoundInk, !rules.unanimous || tight || !usualFoundInk || (rules.light && !rules.borderLight),
           let b = try? Analysis(prepared, light: !rules.light),
           let first = b.groups().first {
            let c = (analysis: b, group: first, prior: likelihood(b, first) * local)
            if let r = refusal(c) { refusals.append(r) } else { candidates.append(c) }
        }
        // In a picture found to be texture one way round, the other way round finds the
        // gaps between its grains: only a digit's size is a digit there. (Not when the
        // other way round found only the paper's grain: between a small digit's strokes,
        // the paper, read as light ink, is that; a 16 px digit on a 1200 px page was
        // then no digit at all.)
        if refusals.contains(where: { switch $0 { case .tooSmall, .grain: false; default: true } }) {
            candidates.removeAll { $0.analysis.sizeLikeness($0.group) < 1 }
        }
        guard !candidates.isEmpty else {
            // Too small at working size may still be readable in the picture's own pixels.
            if case .tooSmall? = refusals.first, let small = smallest,
               let closer = closerLook(picture, at: small.group.box, in: small.analysis, after: small.analysis.stages, classifier: classifier) {
                return closer
            }
            // Ruled or squared paper alone: its lines went, and the readings that keep them
            // see a net. Lines are the plainer reason, and `read` gives the same.
            throw a?.onlyLines == true ? .onlyLines : refusals.first ?? .blank
        }
        // Beside a marker digit, the other way round finds paper: inside its loop, or the
        // brighter paper along an edge of the picture (a gradient). Neither is a digit.
        if candidates.contains(where: { isMarker($0.analysis, $0.group) }) {
            for i in candidates.indices where candidates[i].analysis.map.lightOnDark {
                let inner = candidates[i].group.box
                if candidates[i].analysis.fills(candidates[i].group, edges: 1) || candidates.contains(where: { o in
                    isMarker(o.analysis, o.group) && inner.x > o.group.box.x && inner.y > o.group.box.y
                        && inner.maxX < o.group.box.maxX && inner.maxY < o.group.box.maxY
                }) { candidates[i].prior *= 0.5 }
            }
        }
        var best = candidates[0]
        if let classifier, candidates.count > 1 {
            let p = classifier.probabilities(candidates.map { $0.analysis.frame($0.group, stages: false).pixels })
            // The network's certainty, tempered by how likely each reading looked.
            let score = candidates.indices.map { i in
                Double(p[i].max() ?? 0) * (candidates[i].prior * candidates[i].analysis.sizeLikeness(candidates[i].group)).squareRoot()
            }
            best = candidates[score.indices.max { score[$0] < score[$1] }!]
        }
        let (chosen, group) = (best.analysis, best.group)
        var stages = chosen.stages
        stages.append(Stage(name: "the digit", image: chosen.chosenPicture(group)))
        let beside = chosen.digitsBeside(group)
        if var closer = closerLook(picture, at: group.box, in: chosen, after: stages, classifier: classifier) {
            closer.digitsBeside = beside
            return closer
        }
        let framed = chosen.frame(group)
        stages += framed.stages
        return Result(pixels: framed.pixels, stages: stages, lightInkOnDark: chosen.map.lightOnDark,
                      box: group.box.scaled(chosen.scale).clamped(to: picture), digitsBeside: beside)
    }
}

extension DigitPipeline {
    /// How near each edge a tight crop's writing must come, as a share of the shorter side.
    static let tightSlack = 0.1

    /// The picture read as a tight crop, `light` ink or dark, with one paper level; nil
    /// unless the best piece of ink then fills the picture (all four edges) and looks like
    /// strokes (a sheet of paper inside a dark frame also fills it, but as a slab), in a
    /// few pieces (the grain of a desk around a sheet is many).
    static func tightReading(_ prepared: Analysis.Prepared, light: Bool) -> (analysis: Analysis, group: DigitGroup)? {
        // Most pictures have paper round the writing: one pass over the plane tells, before
        // a whole analysis is spent on them.
        guard InkMap.inkNearEveryEdge(prepared.choice.plane, light: light, within: tightSlack),
              let u = try? Analysis(prepared, light: light, paper: .uniform),
              let first = u.groups().first, u.fills(first, slack: tightSlack, edges: 4), u.strokeLikeness(first) > 0.5,
              first.labels.count <= 4 else { return nil }
        return (u, first)
    }
}

extension Box {
    /// Inside the picture as it is in its file.
    func clamped(to p: RasterImage) -> Box {
        let (pw, ph) = (p.sourceWidth, p.sourceHeight)
        let x0 = max(0, min(pw - 1, x)), y0 = max(0, min(ph - 1, y))
        return Box(x: x0, y: y0, width: max(1, min(pw - x0, width)), height: max(1, min(ph - y0, height)))
    }
}
