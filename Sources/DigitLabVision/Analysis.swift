import DigitLabIO

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
    /// The working copy with the desk left out, when the picture is a sheet on a desk.
    let sheet: RasterImage?
    var map: InkMap
    /// Ink strength, 0…1, at working size.
    var ink: Plane
    /// Ink after lines and frames were taken out.
    var mask: [Bool]
    var removed: [Bool]
    /// How deep a band (a frame, a desk) was peeled from each edge, position by position.
    var bands: RuledLines.Bands
    var components: Components
    /// Ink strength that counts as ink.
    var threshold: Float
    var stages: [DigitPipeline.Stage]
    /// The plane read for ink, and which way round.
    let plane: Plane
    /// The first reading's second, wider paper closing (`InkMap.widerRadius`), kept when
    /// the strokes of the digit itself set another radius.
    var widerRadius: Int?
    /// The first reading's narrower closing (`InkMap.finerRadius`).
    var finerRadius: Int?
    /// Whether the usual closing found no ink at all and the picture was read again with
    /// the fat-stroke closing: then the usual reading, as such, found nothing.
    var readAgainWide = false

    var width: Int { ink.width }
    var height: Int { ink.height }

    /// The picture at working size and what the polarity rules say of it: the same for
    /// every reading of one picture, so worked out once.
    struct Prepared {
        let picture: RasterImage
        let scale: Double
        let working: RasterImage
        /// The working copy with the desk round a sheet of paper left out (`Sheet`), or
        /// nil when the picture is no sheet on a desk.
        let sheet: RasterImage?
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
            working = Self.raster(channels)
            // A sheet on a desk: the desk is left out before the rest is decided.
            if let found = Sheet.find(channels) {
                let onSheet = found.applied(to: channels)
                sheet = Self.raster(onSheet)
                choice = InkMap.choose(onSheet)
            } else {
                sheet = nil
                choice = InkMap.choose(channels)
            }
        }

        /// Planes of one picture (grey, or R, G, B) as its bytes.
        static func raster(_ planes: [Plane]) -> RasterImage {
            let (w, h, n) = (planes[0].width, planes[0].height, planes.count)
            return RasterImage(width: w, height: h, channels: n, pixels: (0..<(w * h * n)).map { i in
                UInt8(max(0, min(255, planes[i % n].values[i / n].rounded())))
            })
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
        (picture, scale, working, sheet) = (prepared.picture, prepared.scale, prepared.working, prepared.sheet)
        let choice = prepared.choice
        let (w, h) = (working.width, working.height)
        plane = choice.plane
        let side = light ?? choice.light
        let usual = InkMap.analyse(plane, light: side, paper: paper ?? .closing(tight: false))
        let first: Reading
        do { first = try Self.read(plane, map: usual) } catch .blank where paper == nil {
            // No ink at all with the closing the picture's spectrum chose. A stroke wider
            // than that closing passes for paper, all of it (one fat marker stroke on a plain
            // page sets no clear peak of its own): read with the fat-stroke closing (as
            // `withFatStrokesRestored` does); the second look below then measures the
            // digit's own strokes. A page that is really blank stays blank there too.
            guard let radius = Self.fatStrokeRadius(usual.radius, wider: usual.widerRadius, lost: true, width: w, height: h) else { throw .blank }
            first = try Self.read(plane, light: side, paper: .closingRadius(radius))
            // A closing that wide also finds shading (a dim spot, a vignette, a soft shadow
            // on a blank page), whose "ink" fades in over many pixels. A marker's stroke is
            // solid up to a sharp edge: most of its pixels are at least halfway from the
            // threshold to its strongest ink.
            guard Self.solidShare(first.ink, mask: first.mask, threshold: first.threshold) >= 0.75 else { throw .blank }
            readAgainWide = true
        }
        (map, ink, threshold, mask, removed, bands, components) = (first.map, first.ink, first.threshold, first.mask, first.removed, first.bands, first.components)
        widerRadius = first.map.widerRadius
        finerRadius = first.map.finerRadius
        stages = []
        let paperGiven = paper != nil
        // A digit that fills the picture may have strokes far wider than a tenth of it.
        if !paperGiven, let g = groups().first, fills(g),
           let wide = try? Self.read(plane, light: map.lightOnDark, paper: .closing(tight: true)) {
            adopt(wide)
        }
        // Second look: the paper's closing radius from the strokes of the digit itself,
        // when the whole picture's estimate was off (ruled lines, noise or a frame can
        // outweigh the digit's strokes in it).
        if !paperGiven, let g = groups().first, strokeLikeness(g) > 0.5 {
            let measured = strokeWidth(of: g)
            let wanted = max(2, Int((0.8 * measured + 1).rounded()))
            if map.radius < wanted * 8 / 10 || map.radius > wanted * 16 / 10,
               let second = try? Self.read(plane, light: map.lightOnDark, paper: .closingRadius(wanted)) {
                adopt(second)
            }
        }
        stages = Self.firstStages(working, sheet: sheet, map)
        var rgb = [UInt8](repeating: 0, count: w * h * 3)
        for i in 0..<(w * h) {
            let v: [UInt8] = mask[i] ? [255, 255, 255] : removed[i] ? [220, 40, 40] : [UInt8(min(255, ink.values[i] * 90)), UInt8(min(255, ink.values[i] * 90)), UInt8(min(255, ink.values[i] * 90))]
            rgb[3 * i] = v[0]; rgb[3 * i + 1] = v[1]; rgb[3 * i + 2] = v[2]
        }
        stages.append(DigitPipeline.Stage(name: "ink kept, lines in red", image: RasterImage(width: w, height: h, channels: 3, pixels: rgb)))
    }

    /// The picture, its paper and its ink, as `--stages` shows them first.
    static func firstStages(_ working: RasterImage, sheet: RasterImage?, _ map: InkMap, inkName: String? = nil) -> [DigitPipeline.Stage] {
        [DigitPipeline.Stage(name: "picture", image: working)]
        + (sheet.map { [DigitPipeline.Stage(name: "the sheet (desk left out)", image: $0)] } ?? [])
        + [DigitPipeline.Stage(name: "paper (estimated)", image: map.paper),
         DigitPipeline.Stage(name: inkName ?? (map.lightOnDark ? "ink (light on dark, turned round)" : "ink"),
                             image: RasterImage(width: map.ink.width, height: map.ink.height, channels: 1, pixels: map.ink.map { $0 * 255 }.bytes))]
    }

    /// What a reading saw of a picture it could not read, for `--stages` after a failure:
    /// every stage up to the ink that was left once lines and frames were removed, at the
    /// first of `workingSizes` where any ink stood out; or, when none did at any, the
    /// picture, its paper and its (faint) ink at the last. Empty when the picture cannot
    /// be prepared at all.
    static func stagesBeforeFailing(_ picture: RasterImage, workingSizes: [Int]) -> [DigitPipeline.Stage] {
        var blank = [DigitPipeline.Stage]()
        for size in workingSizes {
            guard let prepared = try? Prepared(picture, workingSize: size) else { return blank }
            if let a = try? Analysis(prepared) { return a.stages }
            let map = InkMap.analyse(prepared.choice.plane, light: prepared.choice.light, paper: .closing(tight: false))
            blank = firstStages(prepared.working, sheet: prepared.sheet, map, inkName: "ink: none stands out from the paper")
        }
        return blank
    }

    /// The share of the ink that is solid: at least halfway from `threshold` to the
    /// strongest ink (its 95th percentile).
    static func solidShare(_ ink: Plane, mask: [Bool], threshold: Float) -> Double {
        var values = [Float]()
        for i in mask.indices where mask[i] { values.append(ink.values[i]) }
        guard !values.isEmpty else { return 0 }
        values.sort()
        let half = threshold + 0.5 * (values[values.count * 95 / 100] - threshold)
        return Double(values.count - (values.firstIndex { $0 >= half } ?? values.count)) / Double(values.count)
    }

    /// Ink strength, the ink mask without lines and frames, and its components.
    typealias Reading = (map: InkMap, ink: Plane, threshold: Float, mask: [Bool], removed: [Bool], bands: RuledLines.Bands, components: Components)

    /// Takes a reading's ink, mask and pieces as this analysis's own.
    private mutating func adopt(_ r: Reading) {
        (map, ink, threshold, mask, removed, bands, components) = (r.map, r.ink, r.threshold, r.mask, r.removed, r.bands, r.components)
    }

    static func read(_ plane: Plane, light: Bool, paper: InkMap.PaperEstimate) throws(DigitPipeline.Failure) -> Reading {
        try read(plane, map: InkMap.analyse(plane, light: light, paper: paper))
    }

    /// The same, from a paper estimate already made (`InkMap.analyse`).
    static func read(_ plane: Plane, map: InkMap) throws(DigitPipeline.Failure) -> Reading {
        var (t, raw) = try inkMask(map)
        var map = map
        restoreFilledLoops(&raw, ink: &map.ink, plane: plane, map: map, threshold: t)
        let cleaned = RuledLines.remove(raw, width: plane.width, height: plane.height, stroke: map.strokeWidth)
        // A desk or a frame taken out was measured with the strokes: a grey desk 50 px
        // wide round a sheet made the "stroke" 128 px, and every digit of a number was
        // smaller than a speck of such a pen ("608650" was blank). The strokes are what is
        // left.
        if cleaned.removed.contains(true), cleaned.kept.contains(true) {
            let left = strokeWidth(cleaned.kept, width: plane.width, height: plane.height)
            if left > 0 && left < map.strokeWidth { map.strokeWidth = max(1, left) }
        }
        return (map, map.ink, t, cleaned.kept, cleaned.removed, cleaned.bands, Components(mask: cleaned.kept, weight: map.ink))
    }

    /// The ink strength and what counts as ink, before lines and frames are taken out.
    static func inkMask(_ plane: Plane, light: Bool, paper: InkMap.PaperEstimate) throws(DigitPipeline.Failure)
        -> (map: InkMap, threshold: Float, mask: [Bool]) {
        let map = InkMap.analyse(plane, light: light, paper: paper)
        let (t, mask) = try inkMask(map)
        return (map, t, mask)
    }

    static func inkMask(_ map: InkMap) throws(DigitPipeline.Failure) -> (threshold: Float, mask: [Bool]) {
        // How strong is ink: a share of the strongest ink there is (smoothed, so a lone
        // bright pixel does not set the scale), above the paper's own variation.
        let smooth = map.ink.boxMean(radius: 1)
        let q = smooth.percentiles([0.05, 0.5, 0.999])
        let peak = max(q[2], 0.6 * (smooth.values.max() ?? 0))
        // The paper's own variation is the median's ink, as paper is most of a picture.
        // With one level for a tight crop, only its least-inked tenth is sure to be paper:
        // a fat solid 0 filling the crop is more than half of it, its median within 0.08
        // of its strongest ink, and it was "blank". Then the least-inked twentieth is the
        // paper (a crop that is ink to its last twentieth stays blank).
        var floor = q[1]
        if map.uniformPaper, peak - floor <= 0.08 { floor = q[0] }
        guard peak - floor > 0.08 else { throw .blank }
        let t = floor + 0.3 * (peak - floor)
        return (t, smooth.values.map { $0 >= t })
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
        guard let radius = Self.fatStrokeRadius(map.radius, wider: widerRadius, lost: lost, width: width, height: height),
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

    /// The closing for fat strokes: three times the usual one, and at least the
    /// spectrum's second peak when the usual reading lost the digit; nil when that is half
    /// the picture or more.
    static func fatStrokeRadius(_ radius: Int, wider: Int?, lost: Bool, width: Int, height: Int) -> Int? {
        let r = lost ? max(3 * radius, wider ?? 0) : 3 * radius
        return r < min(width, height) / 2 ? r : nil
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

    /// How many other groups of a digit's size stand beside `g` on its line: as tall as
    /// half of it at least and 1.5 times at most (the strip of desk left along a turned
    /// sheet is a long upright stroke too), level with it, within three of its heights
    /// sideways, and not edge-huggers or frames. A picture of a number read as one digit
    /// says so with them.
    /// Pieces are looked at one by one (not joined): two digits a few pixels apart were
    /// one group, no wider than a wide digit.
    func digitsBeside(_ g: DigitGroup) -> Int {
        let pieces = groups(joinGap: 0)
        let own = Set(g.labels)
        guard let main = pieces.filter({ $0.labels.allSatisfy(own.contains) }).max(by: { $0.mass < $1.mass }) else { return 0 }
        let h = g.box.height
        return pieces.filter { o in
            guard o.labels != main.labels, o.score >= 0.2 * main.score, 2 * o.box.height >= h, 2 * o.box.height <= 3 * h else { return false }
            let level = min(o.box.maxY, main.box.maxY) - max(o.box.y, main.box.y) + 1
            let gap = max(o.box.x - main.box.maxX, main.box.x - o.box.maxX)
            return 2 * level >= min(h, o.box.height) && gap > 0 && gap <= 3 * h
        }.count
    }
}
