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
    }

    public enum Failure: Error, Equatable {
        /// No ink stands out from the paper.
        case blank
        /// The ink is a texture, not writing (`Analysis.scatteredPieces`).
        case scattered(pieces: Int)
        /// The ink is a net with this many holes (`Analysis.holes`): a grid, not writing.
        case net(holes: Int)
        /// The only writing is `size` picture pixels across, too small to read in a picture
        /// `across` pixels wide (it is a few pixels once the picture is at working size).
        case tooSmall(size: Int, across: Int)

        /// The one line for the user: `number` for `read` (digits), else one digit.
        public func message(number: Bool = false) -> String {
            let none = number ? "no digits found" : "no digit found"
            switch self {
            case .blank: return "\(none): the picture is blank or has no contrast"
            case .scattered(let pieces):
                return "\(none): the ink is scattered in \(pieces) small pieces, none of them writing (noise, a texture or a grid?) — crop the picture to the writing"
            case .net(let holes):
                return "\(none): the ink is a net with \(holes) holes, not writing (a grid, squared paper or a texture?) — crop the picture to the writing"
            case .tooSmall(let size, let across):
                return "\(none): the only ink is about \(size) px across, too small to read in a picture \(across) px across — crop the picture closer to the writing"
            }
        }
    }

    /// The picture is analysed at most this large on its longer side (and at least
    /// `minimumSize`: small pictures are enlarged so that every filter has room).
    public static let workingSize = 640
    public static let minimumSize = 160

    public static func run(_ input: PNG.Grey) throws(Failure) -> Result { try run(RasterImage(input)) }

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
        // Readings: the best one or two groups; and when it is unclear which way round the
        // ink is (or the digit fills the picture), the best group read the other way round.
        var candidates = [(analysis: Analysis, group: DigitGroup, prior: Double)]()
        let groups = a?.groups() ?? []
        // A digit that fills the picture (a tight crop) leaves the border to the paper:
        // then the border decides which reading is likelier. Fat strokes fool both the
        // polarity rules and the local paper estimate there, so a tight crop is also read
        // with one paper level for the whole picture: both ways round (strokes so fat
        // that they are most of the edge fool the border too), the border's way likelier.
        let uniform = [rules.borderLight, !rules.borderLight].compactMap { tightReading(prepared, light: $0) }
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
        if let a {
            if let first = groups.first {
                candidates.append((a, first, a.strokeLikeness(first) * polarityPrior(a) * local))
                if let second = groups.dropFirst().first, first.score > 0, second.score >= 0.35 * first.score {
                    candidates.append((a, second, second.score / first.score * polarityPrior(a) * local))
                }
            }
            // One digit much fatter than the paper's closing (a marker in a frame, on ruled
            // paper) lost its middle, or all of it, to the paper estimate: read with a wider
            // closing too, as likely, when that brings back ink away from all the ink found.
            if let wide = a.withFatStrokesRestored(prepared, best: groups.first), let first = wide.groups().first {
                candidates.append((wide, first, wide.strokeLikeness(first) * polarityPrior(wide) * local))
            }
        }
        // Texture (noise, a grid, specks all over) is no reading of a digit, nor is a speck
        // a few working pixels across; why each was refused is kept for the message.
        var refusals = [Failure]()
        var smallest: (analysis: Analysis, group: DigitGroup, prior: Double)? = nil
        func refusal(_ c: (analysis: Analysis, group: DigitGroup, prior: Double)) -> Failure? {
            if let pieces = c.analysis.scatteredPieces(keptMass: c.group.mass, keptPieces: c.group.labels.count) {
                return .scattered(pieces: pieces)
            }
            let holes = c.analysis.holes(Set(c.group.labels), in: c.group.box)
            if holes > Analysis.maximumHoles { return .net(holes: holes) }
            let small = c.analysis.tooSmall(c.group.box)
            if small != nil, smallest == nil { smallest = c }
            return small
        }
        let verdicts = candidates.map(refusal)   // once each: counting holes is a pass over the box
        refusals += verdicts.compactMap { $0 }
        candidates = zip(candidates, verdicts).filter { $0.1 == nil }.map(\.0)
        // The other way round, when it is unclear which that is.
        if classifier != nil || a == nil, !rules.unanimous || tight || a == nil,
           let b = try? Analysis(prepared, light: !rules.light),
           let first = b.groups().first {
            let c = (analysis: b, group: first, prior: b.strokeLikeness(first) * polarityPrior(b) * local)
            if let r = refusal(c) { refusals.append(r) } else { candidates.append(c) }
        }
        // In a picture found to be texture one way round, the other way round finds the
        // gaps between its grains: only a digit's size is a digit there.
        if refusals.contains(where: { if case .tooSmall = $0 { false } else { true } }) {
            candidates.removeAll { $0.analysis.sizeLikeness($0.group) < 1 }
        }
        guard !candidates.isEmpty else {
            // Too small at working size may still be readable in the picture's own pixels.
            if case .tooSmall? = refusals.first, let small = smallest,
               let closer = closerLook(picture, at: small.group.box, in: small.analysis, after: small.analysis.stages, classifier: classifier) {
                return closer
            }
            throw refusals.first ?? .blank
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
        if let closer = closerLook(picture, at: group.box, in: chosen, after: stages, classifier: classifier) { return closer }
        let framed = chosen.frame(group)
        stages += framed.stages
        return Result(pixels: framed.pixels, stages: stages, lightInkOnDark: chosen.map.lightOnDark,
                      box: group.box.scaled(chosen.scale).clamped(to: picture))
    }

    /// A digit small in a large picture (under `closeSize` working pixels, the picture
    /// shrunk to find it) has lost most of its pixels: the paper estimate, the ink and the
    /// strokes are measured again on the picture's own pixels around it, as a reader
    /// leans in. nil when the picture holds no more detail there.
    static let closeSize = 48

    /// `before`: the stages that found the digit; the closer look's follow as "closer: …".
    static func closerLook(_ picture: RasterImage, at box: Box, in a: Analysis, after before: [Stage],
                           classifier: DigitClassifier?) -> Result? {
        guard max(box.width, box.height) < closeSize,
              let near = CloseUp(picture, around: box, in: a, margin: max(box.width, box.height) / 2),
              let inner = try? run(near.image, classifier: classifier) else { return nil }
        return Result(pixels: inner.pixels, stages: before + near.stages(inner.stages),
                      lightInkOnDark: inner.lightInkOnDark, box: near.inFile(inner.box))
    }
}

/// The picture's own pixels around writing found small at working size, for a closer look
/// (a digit, or a line of them): the working copy lost most of its pixels.
struct CloseUp {
    let image: RasterImage
    /// Where the close-up starts in the picture as read (raster pixels), and how much it
    /// was enlarged.
    let x0: Int, y0: Int
    let enlargement: Double
    let picture: RasterImage

    /// nil when the picture holds no more detail there: at most 1.5 raster pixels per
    /// working pixel. `margin`: working pixels kept round `box` above and below, and
    /// `sideways` (default the same) left and right. `tall`: enlarged (bilinear) until
    /// the box is this many pixels high, when it is smaller in the picture (a line of
    /// digits 15 px high is read at the height the pipeline is made for).
    init?(_ picture: RasterImage, around box: Box, in a: Analysis, margin: Int, sideways: Int? = nil, tall: Int? = nil) {
        let rasterScale = a.scale / picture.sourceScale
        guard rasterScale > 1.5 else { return nil }
        let b = box.scaled(rasterScale)
        let m = Int((Double(margin) * rasterScale).rounded()) + 4
        let side = Int((Double(sideways ?? margin) * rasterScale).rounded()) + 4
        let (x0, y0) = (max(0, b.x - side), max(0, b.y - m))
        let x1 = min(picture.width, b.x + b.width + side), y1 = min(picture.height, b.y + b.height + m)
        guard x1 > x0 + 4, y1 > y0 + 4 else { return nil }
        let c = picture.channels
        var pixels = [UInt8]()
        pixels.reserveCapacity((x1 - x0) * (y1 - y0) * c)
        for y in y0..<y1 { pixels += picture.pixels[((y * picture.width + x0) * c)..<((y * picture.width + x1) * c)] }
        let crop = RasterImage(width: x1 - x0, height: y1 - y0, channels: c, pixels: pixels)
        var f = 1.0
        if let tall {
            f = max(1, min(Double(tall) / Double(b.height), Double(NumberReader.workingSize) / Double(max(crop.width, crop.height))))
        }
        image = f > 1 ? Resample.image(crop, width: Int((Double(crop.width) * f).rounded()), height: Int((Double(crop.height) * f).rounded())) : crop
        (self.x0, self.y0, self.enlargement, self.picture) = (x0, y0, f, picture)
    }

    /// A box found in the close-up, in the file's pixels.
    func inFile(_ inner: Box) -> Box {
        let s = picture.sourceScale
        let (x, y) = (Double(x0) + Double(inner.x) / enlargement, Double(y0) + Double(inner.y) / enlargement)
        return Box(x: Int((x * s).rounded(.down)), y: Int((y * s).rounded(.down)),
                   width: max(1, Int((Double(inner.width) / enlargement * s).rounded(.up))),
                   height: max(1, Int((Double(inner.height) / enlargement * s).rounded(.up))))
            .clamped(to: picture)
    }

    /// The close-up's stages, named so in `--stages`.
    func stages(_ inner: [DigitPipeline.Stage]) -> [DigitPipeline.Stage] {
        inner.map { DigitPipeline.Stage(name: "closer: " + $0.name, image: $0.image) }
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

/// A digit made of one or more components (the bar of a 5 is often apart from its body).
struct DigitGroup {
    var labels: [Int32]
    var box: Box
    var mass: Float
    var area: Int
    var score: Double
}

/// What the pipeline learns about a picture before choosing digits: shared by single
/// digits and whole numbers.
struct Analysis {
    let picture: RasterImage
    /// Pixels of the picture in its file per working pixel.
    let scale: Double
    let working: RasterImage
    var map: InkMap
    /// Ink strength, 0…1, at working size.
    var ink: Plane
    /// Ink after lines and frames were taken out.
    var mask: [Bool]
    var removed: [Bool]
    var components: Components
    /// Ink strength that counts as ink.
    var threshold: Float
    var stages: [DigitPipeline.Stage]
    /// The plane read for ink, and which way round.
    let plane: Plane
    /// The first reading's second, wider paper closing (`InkMap.widerRadius`), kept when
    /// the strokes of the digit itself set another radius.
    var widerRadius: Int?

    var width: Int { ink.width }
    var height: Int { ink.height }

    /// The picture at working size and what the polarity rules say of it: the same for
    /// every reading of one picture, so worked out once.
    struct Prepared {
        let picture: RasterImage
        let scale: Double
        let working: RasterImage
        let choice: InkMap.Choice

        init(_ picture: RasterImage, workingSize: Int) throws(DigitPipeline.Failure) {
            guard picture.width > 0, picture.height > 0 else { throw .blank }
            self.picture = picture
            // The working copy: whole-factor shrink on bytes first (cheap, no float copy
            // of a big picture), then an exact resize of each channel.
            let longer = max(picture.width, picture.height)
            let target = longer > workingSize ? workingSize : max(longer, DigitPipeline.minimumSize)
            let s = Double(target) / Double(longer)
            let (w, h) = (max(1, Int((Double(picture.width) * s).rounded())), max(1, Int((Double(picture.height) * s).rounded())))
            let small = picture.downscaled(maxPixels: 4 * w * h)
            let channels = (0..<small.channels).map { Plane(small, channel: $0).resized(width: w, height: h) }
            // In the file's pixels: a picture shrunk while it was read reports its boxes
            // where they are in the file.
            scale = picture.sourceScale * Double(picture.width) / Double(w)
            working = RasterImage(width: w, height: h, channels: channels.count,
                                  pixels: (0..<(w * h * channels.count)).map { i in
                                      UInt8(max(0, min(255, channels[i % channels.count].values[i / channels.count].rounded())))
                                  })
            choice = InkMap.choose(channels)
        }
    }

    init(_ picture: RasterImage, workingSize: Int) throws(DigitPipeline.Failure) {
        try self.init(Prepared(picture, workingSize: workingSize))
    }

    /// `light`: read the picture as light ink on dark ground (true), dark on light (false)
    /// or decide (nil). `paper`: how to estimate the paper — nil for a closing whose
    /// width is found from the strokes (and checked against the chosen digit's own);
    /// `.uniform` for one level (a tight crop); a given closing radius, taken as it is.
    init(_ prepared: Prepared, light: Bool? = nil, paper: InkMap.PaperEstimate? = nil) throws(DigitPipeline.Failure) {
        (picture, scale, working) = (prepared.picture, prepared.scale, prepared.working)
        let choice = prepared.choice
        let (w, h) = (working.width, working.height)
        plane = choice.plane
        let first = try Self.read(plane, light: light ?? choice.light, paper: paper ?? .closing(tight: false))
        (map, ink, threshold, mask, removed, components) = (first.map, first.ink, first.threshold, first.mask, first.removed, first.components)
        widerRadius = first.map.widerRadius
        stages = []
        let paperGiven = paper != nil
        // A digit that fills the picture may have strokes far wider than a tenth of it.
        if !paperGiven, let g = groups().first, fills(g),
           let wide = try? Self.read(plane, light: map.lightOnDark, paper: .closing(tight: true)) {
            (map, ink, threshold, mask, removed, components) = (wide.map, wide.ink, wide.threshold, wide.mask, wide.removed, wide.components)
        }
        // Second look: the paper's closing radius from the strokes of the digit itself,
        // when the whole picture's estimate was off (ruled lines, noise or a frame can
        // outweigh the digit's strokes in it).
        if !paperGiven, let g = groups().first, strokeLikeness(g) > 0.5 {
            let measured = strokeWidth(of: g)
            let wanted = max(2, Int((0.8 * measured + 1).rounded()))
            if map.radius < wanted * 8 / 10 || map.radius > wanted * 16 / 10,
               let second = try? Self.read(plane, light: map.lightOnDark, paper: .closingRadius(wanted)) {
                (map, ink, threshold, mask, removed, components) = (second.map, second.ink, second.threshold, second.mask, second.removed, second.components)
            }
        }
        stages.append(DigitPipeline.Stage(name: "picture", image: working))
        stages.append(DigitPipeline.Stage(name: "paper (estimated)", image: map.paper))
        stages.append(DigitPipeline.Stage(name: map.lightOnDark ? "ink (light on dark, turned round)" : "ink",
                                          image: RasterImage(width: w, height: h, channels: 1, pixels: ink.map { $0 * 255 }.bytes)))
        var rgb = [UInt8](repeating: 0, count: w * h * 3)
        for i in 0..<(w * h) {
            let v: [UInt8] = mask[i] ? [255, 255, 255] : removed[i] ? [220, 40, 40] : [UInt8(min(255, ink.values[i] * 90)), UInt8(min(255, ink.values[i] * 90)), UInt8(min(255, ink.values[i] * 90))]
            rgb[3 * i] = v[0]; rgb[3 * i + 1] = v[1]; rgb[3 * i + 2] = v[2]
        }
        stages.append(DigitPipeline.Stage(name: "lines and frames removed", image: RasterImage(width: w, height: h, channels: 3, pixels: rgb)))
    }

    /// Ink strength, the ink mask without lines and frames, and its components.
    static func read(_ plane: Plane, light: Bool, paper: InkMap.PaperEstimate) throws(DigitPipeline.Failure)
        -> (map: InkMap, ink: Plane, threshold: Float, mask: [Bool], removed: [Bool], components: Components) {
        let (map, t, raw) = try inkMask(plane, light: light, paper: paper)
        let cleaned = RuledLines.remove(raw, width: plane.width, height: plane.height, stroke: map.strokeWidth)
        return (map, map.ink, t, cleaned.kept, cleaned.removed, Components(mask: cleaned.kept, weight: map.ink))
    }

    /// The ink strength and what counts as ink, before lines and frames are taken out.
    static func inkMask(_ plane: Plane, light: Bool, paper: InkMap.PaperEstimate) throws(DigitPipeline.Failure)
        -> (map: InkMap, threshold: Float, mask: [Bool]) {
        let map = InkMap.analyse(plane, light: light, paper: paper)
        // How strong is ink: a share of the strongest ink there is (smoothed, so a lone
        // bright pixel does not set the scale), above the paper's own variation.
        let smooth = map.ink.boxMean(radius: 1)
        let q = smooth.percentiles([0.5, 0.999])
        let (floor, peak) = (q[0], max(q[1], 0.6 * (smooth.values.max() ?? 0)))
        guard peak - floor > 0.08 else { throw .blank }
        let t = floor + 0.3 * (peak - floor)
        return (map, t, smooth.values.map { $0 >= t })
    }

    /// The paper's closing is made just wider than the typical stroke. One digit written
    /// much fatter than the rest (a marker 1 among pen digits) is wider than that, so
    /// the middle of its strokes passed for paper and little of it is left. Read again
    /// with a closing three times as wide, and keep that reading when it brings back
    /// ink away from all the ink found before (a fat stroke's middle), not merely a
    /// rim around it (every stroke's soft edge).
    /// The ink alone is looked at first (most pictures stop there, at a quarter of the
    /// cost of a whole reading); lines and frames taken out before do not count as new.
    /// `best`: this reading's best group (`groups().first`), which the caller has.
    func withFatStrokesRestored(_ prepared: Prepared, best: DigitGroup?) -> Analysis? {
        // When nothing of a digit's size is left (only specks: the strokes all went to the
        // paper), the whole picture's second, wider stroke scale says how wide to go.
        let lost = best.map { sizeLikeness($0) < 1 } ?? true
        let radius = lost ? max(3 * map.radius, widerRadius ?? 0) : 3 * map.radius
        guard radius < min(width, height) / 2,
              let wide = try? Self.inkMask(plane, light: map.lightOnDark, paper: .closingRadius(radius)) else { return nil }
        let near = Plane(width: width, height: height, values: mask.indices.map { mask[$0] || removed[$0] ? 1 : 0 }).maxFilter(radius: 2)
        var (inkThen, newInk) = (0, 0)
        for i in 0..<mask.count {
            if mask[i] { inkThen += 1 }
            if wide.mask[i] && near.values[i] == 0 { newInk += 1 }
        }
        guard Double(newInk) >= 0.08 * Double(max(1, inkThen)) else { return nil }
        return try? Analysis(prepared, light: map.lightOnDark, paper: .closingRadius(radius))
    }

    /// The stroke width of a group's ink (working pixels).
    func strokeWidth(of g: DigitGroup) -> Float {
        let chosen = Set(g.labels)
        let b = g.box
        var inside = [Bool](repeating: false, count: b.width * b.height)
        for y in 0..<b.height { for x in 0..<b.width {
            let l = components.labels[(b.y + y) * width + b.x + x]
            inside[y * b.width + x] = l != 0 && chosen.contains(l)
        } }
        return Self.strokeWidth(inside, width: b.width, height: b.height)
    }
}
