import DigitLabIO

/// Where the ink is, and how strongly, with the paper estimated around every pixel rather
/// than from the picture's border (a tight crop has no border of paper; a dark frame, a
/// desk or a shadow along the edge is not the paper).
///
/// 1. **Which plane, which way round.** Luminance, or the colour channel that sees the
///    ink best; light ink on a dark ground only when three rules agree (`polarity`).
/// 2. **How thick the strokes are.** A granulometry: closings of growing radius, and the
///    radius at which the residual stops growing fast is the strokes' half-width.
/// 3. **The paper, locally.** A closing just wider than the strokes: the ink
///    disappears, shadows and gradients stay (they are wider than any stroke).
/// 4. **Ink strength.** How much darker than its paper each pixel is, as a fraction of
///    the paper's brightness (a shadow dims ink and paper alike).
struct InkMap {
    /// 0 (paper) … 1 (ink as dark as can be), at working size.
    var ink: Plane
    /// The paper estimate of the plane read (for `--stages`).
    var paper: RasterImage
    /// How bright the paper is around each pixel (0–255, after turning light-on-dark
    /// pictures round): a sheet of paper is bright, a desk around it darker.
    var paperLevel: Plane
    var lightOnDark: Bool
    /// Typical stroke width in working pixels.
    var strokeWidth: Float
    /// The closing radius used for the paper.
    var radius: Int
    /// A second, wider closing radius when the picture also holds much fatter strokes
    /// than those that set `radius` (a marker digit inside a thin drawn frame, whose
    /// lines made the first peak); nil when there is none or the radius was given.
    var widerRadius: Int? = nil
    /// A closing radius for a smaller peak of the spectrum, when the first clear peak is
    /// wide (a radius of 16 px or more: details over 32 px wide) and a pen's peak, under a
    /// quarter of its height, was passed over: the strips of desk round a sheet can set
    /// the scale, and a closing that wide joins desk to the digit. Nil when there is none
    /// or the radius was given.
    var finerRadius: Int? = nil
    /// One paper level for the whole picture (`PaperEstimate.uniform`): its least-inked
    /// tenth (the brightest, once light-on-dark is turned round) is known to be paper, and
    /// the ink may be most of the rest.
    var uniformPaper = false

    /// Which plane to read, which way round, and what the picture's margins say: worked
    /// out once per picture, shared by all its readings.
    struct Choice {
        let plane: Plane
        /// Light ink on a dark ground, by the three polarity rules.
        let light: Bool
        /// Whether the three rules agreed; when not, the other way round is tried too and
        /// the network decides.
        let unanimous: Bool
        /// Light ink, by the margins (`margins`).
        let borderLight: Bool
        /// Light ink, by the margins that are no frame's or table's edge (`margins`).
        let borderLightInsideFrames: Bool
        /// One ground covers the margins and the middle (`margins`).
        let sameGround: Bool
    }

    /// Which plane to read the ink from (luminance, or one colour channel when it sees
    /// the ink much better — red ink on blue paper of the same brightness) and which way
    /// round.
    static func choose(_ channels: [Plane]) -> Choice {
        var candidates = [luminance(channels)]
        if channels.count == 3 { candidates += channels }
        var best: (plane: Plane, light: Bool, unanimous: Bool, contrast: Float)? = nil
        for (i, c) in candidates.enumerated() {
            // The rules are coarse: half size is plenty for them; and they look at the
            // picture with its light evened out, so a deep shadow is not taken for paper.
            // A frame or a table edge along a side is neither paper nor ink, and with the
            // light evened out the paper beside it shines: inside a thick dark frame a fat
            // dark digit read as light ink on a dark ground by all three rules.
            let inside = insideFrames(c)
            let small = max(inside.width, inside.height) > 320 ? inside.halved() : inside
            let rule = polarity(small, evened: flattened(small))
            // A colour channel must see the ink clearly better than luminance to be used
            // (a channel alone is noisier).
            let contrast = rule.contrast * (i == 0 ? 1.5 : 1)
            if best == nil || contrast > best!.contrast { best = (c, rule.light, rule.unanimous, contrast) }
        }
        let margins = margins(best!.plane)
        return Choice(plane: best!.plane, light: best!.light, unanimous: best!.unanimous,
                      borderLight: margins.borderLight, borderLightInsideFrames: margins.insideFrames, sameGround: margins.sameGround)
    }

    /// What the picture's margins say.
    /// - `borderLight`, the first pipeline's rule: the outermost pixels are paper. Right
    ///   for a digit cropped tightly, whose ink meets the edge only at a few points —
    ///   where the other rules are least sure. A frame, though, makes the whole edge one
    ///   dark line: when the edge is all one level, the band a seventh of the picture deep
    ///   all round decides instead.
    /// - `sameGround`: most of that band (three quarters) and the middle third are on the
    ///   same side of the picture's middle grey — one ground all over (a board, a sheet),
    ///   not a sheet on a desk or inside a frame, whose margins say nothing of the paper.
    static func margins(_ c: Plane) -> (borderLight: Bool, insideFrames: Bool, sameGround: Bool) {
        let middle = middleGrey(c)
        // Each side's dark share. A side dark all along, and 3% of the picture deep,
        // beside sides that are not may be a frame's or a table's edge, no say on the
        // paper: a frame on two sides made half the edge dark, "light ink", and a fat
        // marker 9 inside lost to a speck of paper. (Or the stripes of a desk: only the
        // marker rule asks for the margins inside frames.)
        let sides = (0..<4).map { (edge: $0 < 2 ? c.width : c.height, dark: darkPixels(c, side: $0, depth: 0, middle: middle)) }
        let depths = frameDepths(c, middle: middle)
        let frames = (0..<4).filter { depths[$0] >= max(1, ($0 < 2 ? c.height : c.width) * 3 / 100) }
        let counted = frames.count < 4 ? sides.indices.filter { !frames.contains($0) }.map { sides[$0] } : sides
        func share(_ sides: [(edge: Int, dark: Int)]) -> Double {
            Double(sides.reduce(0) { $0 + $1.dark }) / Double(max(1, sides.reduce(0) { $0 + $1.edge }))
        }
        let (share, shareInside) = (share(sides), share(counted))
        // The band and the middle third, every other pixel each way.
        let (bx, by) = (max(1, c.width / 7), max(1, c.height / 7))
        var (band, centre) = ([Float](), [Float]())
        for y in stride(from: 0, to: c.height, by: 2) { for x in stride(from: 0, to: c.width, by: 2) {
            if x < bx || x >= c.width - bx || y < by || y >= c.height - by { band.append(c[x, y]) }
            else if x >= c.width / 3, x < 2 * c.width / 3, y >= c.height / 3, y < 2 * c.height / 3 { centre.append(c[x, y]) }
        } }
        guard !band.isEmpty, !centre.isEmpty else { return (share > 0.5, shareInside > 0.5, true) }
        band.sort(); centre.sort()
        func light(_ share: Double) -> Bool { share >= 0.9 || share <= 0.1 ? band[band.count / 2] < middle : share > 0.5 }
        let centreDark = centre[centre.count / 2] < middle
        let sameGround = (band[band.count / 4] < middle) == centreDark && (band[band.count * 3 / 4] < middle) == centreDark
        return (light(share), light(shareInside), sameGround)
    }

    /// Halfway between the picture's dark and light ends (2% and 98%). Thin ink under 2%
    /// of the picture (a white 7 on black) leaves that range flat, every pixel "light",
    /// and the margins said dark ink (`read` found nothing): then the extremes decide.
    static func middleGrey(_ c: Plane) -> Float {
        let q = c.percentiles([0.02, 0.98])
        return q[1] - q[0] > 0.1 ? (q[0] + q[1]) / 2 : ((c.values.min() ?? 0) + (c.values.max() ?? 1)) / 2
    }

    /// How many of each side's outermost lines (top, bottom, left, right) are dark (under
    /// `middle`) nine tenths along: a frame's or a table's edge, or the ground all over;
    /// counted up to 15% of the picture deep.
    static func frameDepths(_ c: Plane, middle: Float) -> [Int] {
        (0..<4).map { side in
            let (length, across) = side < 2 ? (c.width, c.height) : (c.height, c.width)
            var depth = 0
            while depth < max(1, across * 15 / 100), 10 * darkPixels(c, side: side, depth: depth, middle: middle) >= 9 * length { depth += 1 }
            return depth
        }
    }

    /// How many pixels of the line `depth` in from a side (0 top, 1 bottom, 2 left,
    /// 3 right) are darker than `middle`.
    static func darkPixels(_ c: Plane, side: Int, depth d: Int, middle: Float) -> Int {
        (0..<(side < 2 ? c.width : c.height)).filter { a in
            switch side {
            case 0: return c[a, d] < middle
            case 1: return c[a, c.height - 1 - d] < middle
            case 2: return c[d, a] < middle
            default: return c[c.width - 1 - d, a] < middle
            }
        }.count
    }

    /// The plane without the bands along its sides that are dark from end to end but end
    /// within 15% of the picture (a frame or a table's edge), and a little more (a band
    /// askew by 3° leaves a wedge). A side dark deeper (a board round light ink: the
    /// ground, not a frame) stays, and so does all of it when too little would be left.
    static func insideFrames(_ c: Plane) -> Plane {
        let middle = middleGrey(c)
        let depths = frameDepths(c, middle: middle)
        let caps = (0..<4).map { max(1, ($0 < 2 ? c.height : c.width) * 15 / 100) }
        // Only bands that end in paper soon after (their wedge, when askew): a side dark as
        // deep as the cap is the ground there, and a board stays dark past the top of
        // a chalk 7 that stopped the count.
        let cut = (0..<4).map { side -> Int in
            let (length, across) = side < 2 ? (c.width, c.height) : (c.height, c.width)
            let wedge = length * 5 / 100 + 3
            guard depths[side] > 0, depths[side] < caps[side],
                  (depths[side]..<min(across / 2, depths[side] + wedge)).contains(where: {
                      2 * darkPixels(c, side: side, depth: $0, middle: middle) < length
                  }) else { return 0 }
            return depths[side] + max(2, wedge / 2)
        }
        guard cut.contains(where: { $0 > 0 }) else { return c }
        let (w, h) = (c.width - cut[2] - cut[3], c.height - cut[0] - cut[1])
        guard w >= max(16, c.width / 3), h >= max(16, c.height / 3) else { return c }
        return c.cropped(x: cut[2], y: cut[0], width: w, height: h)
    }

    /// The plane divided by its own large-scale brightness (two box means an eighth of
    /// the picture wide): shadows and gradients even out, strokes stay.
    static func flattened(_ c: Plane) -> Plane {
        let r = max(4, max(c.width, c.height) / 8)
        let light = c.boxMean(radius: r).boxMean(radius: r)
        var out = c
        for i in out.values.indices { out.values[i] = 128 * c.values[i] / max(light.values[i], 4) }
        return out
    }

    static func luminance(_ channels: [Plane]) -> Plane {
        guard channels.count == 3 else { return channels[0] }
        var l = channels[0]
        for i in l.values.indices { l.values[i] = 0.299 * channels[0].values[i] + 0.587 * channels[1].values[i] + 0.114 * channels[2].values[i] }
        return l
    }

    /// Light ink on dark ground? Three views, each right most of the time:
    /// - the median: the paper is most of the picture (wrong for a sheet on a big desk);
    /// - the median of the busy pixels (large local range): near strokes, the paper is
    ///   the majority (wrong when strokes are fat);
    /// - the envelope vote: where closing and opening differ, the local mean sits nearer
    ///   the paper (wrong when the digit fills the picture).
    /// Light ink needs all three; `unanimous` says whether they agreed. The two medians
    /// look at `flat` (the light evened out, so a deep shadow is not the paper); the vote
    /// is local and looks at the plane itself.
    static func polarity(_ c: Plane, evened flat: Plane) -> (light: Bool, unanimous: Bool, contrast: Float) {
        let r0 = max(3, max(c.width, c.height) / 10)
        let upper = c.closing(radius: r0), lower = c.opening(radius: r0)
        let mean = c.boxMean(radius: 2 * r0)
        var vote: Double = 0
        var range = Plane(width: c.width, height: c.height)
        for i in c.values.indices {
            let (u, l) = (upper.values[i], lower.values[i])
            range.values[i] = u - l
            if u - l > 12 { vote += Double(2 * mean.values[i] - u - l) }
        }
        // The median of the evened plane, and of the plane itself: evening the light out
        // also brightens the paper round a fat dark digit (its large-scale brightness is
        // dark there) to twice the paper elsewhere, and that halo made the typical paper
        // look dark (a fat digit in a thick frame was light ink by all three rules). A
        // deep shadow only ever makes the plane itself say light, never the other way.
        // Ink under 2% of the picture (a small digit on a big page) leaves the 2–98% range
        // flat, all paper, and its noise decided: then the extremes stand for the ink.
        func byMedian(_ plane: Plane) -> Bool {
            let q = plane.percentiles([0.001, 0.02, 0.5, 0.98, 0.999])
            let flat = q[3] - q[1] < 0.25 * (q[4] - q[0])
            return q[2] < (flat ? q[0] + q[4] : q[1] + q[3]) / 2
        }
        let byMedian = byMedian(flat) && byMedian(c)
        let busyLevel = range.percentile(0.8)
        var busy = [Float]()
        for i in c.values.indices where range.values[i] >= busyLevel { busy.append(flat.values[i]) }
        busy.sort()
        let byBusy = busy.isEmpty ? byMedian : busy[busy.count / 2] < (busy[busy.count / 20] + busy[busy.count * 19 / 20]) / 2
        let byVote = vote < 0
        let light = byMedian && byBusy && byVote
        // How clearly the ink stands out that way round.
        var hat = Plane(width: c.width, height: c.height)
        for i in c.values.indices { hat.values[i] = light ? c.values[i] - lower.values[i] : upper.values[i] - c.values[i] }
        let hq = hat.percentiles([0.5, 0.999])
        let contrast = hq[1] - 2 * hq[0]
        return (light, byMedian == byBusy && byBusy == byVote, contrast)
    }

    /// How the paper's brightness is estimated around each pixel.
    enum PaperEstimate {
        /// A closing just wider than the strokes, their width told by the whole picture
        /// (`tight`: the digit fills the picture, so strokes may be a quarter of it wide).
        case closing(tight: Bool)
        /// A closing of this radius (the second pass, once the digit's own strokes have
        /// been measured).
        case closingRadius(Int)
        /// One level for the whole picture: a tight crop, where the digit fills the
        /// picture and fat strokes defeat any local estimate, but there is too little
        /// room for the light to change.
        case uniform
    }

    /// Whether, with one paper level, some clear ink lies within `slack` of the shorter
    /// side of every edge: what a tight crop needs, tested in one pass. Generous (a
    /// quarter of the way from the paper to the darkest ink), so that it only ever saves
    /// work: the uniform reading decides.
    static func inkNearEveryEdge(_ plane: Plane, light: Bool, within slack: Double) -> Bool {
        let q = plane.percentiles([0.01, 0.1, 0.9, 0.99])
        let (paper, ink) = light ? (q[1], q[3]) : (q[2], q[0])
        let bar = paper + 0.25 * (ink - paper)
        guard abs(ink - paper) > 8 else { return false }
        let m = max(1, Int(slack * Double(min(plane.width, plane.height))))
        var near = [false, false, false, false]  // left, top, right, bottom
        for y in 0..<plane.height { for x in 0..<plane.width {
            let v = plane[x, y]
            guard light ? v >= bar : v <= bar else { continue }
            if x <= m { near[0] = true }
            if y <= m { near[1] = true }
            if x >= plane.width - 1 - m { near[2] = true }
            if y >= plane.height - 1 - m { near[3] = true }
        } }
        return !near.contains(false)
    }

    /// The ink of `plane`, read the way round `light` says.
    static func analyse(_ plane: Plane, light: Bool, paper estimate: PaperEstimate) -> InkMap {
        let (w, h) = (plane.width, plane.height)
        let oriented = light ? plane.map { 255 - $0 } : plane
        let paper: Plane
        var (width, radius): (Float, Int)
        var (wider, finer): (Int?, Int?) = (nil, nil)
        switch estimate {
        case .closing(let tight):
            (width, radius, wider, finer) = strokeScale(oriented, limit: max(2, min(w, h) / 4), widest: tight ? 4 : 10)
            paper = oriented.closing(radius: radius)
        case .closingRadius(let r):
            (width, radius) = (Float(r) / 1.25 * 1.6, r)
            paper = oriented.closing(radius: radius)
        case .uniform:
            // The paper is most of a tight crop: its brightest tenth is paper.
            paper = Plane(width: w, height: h, repeating: oriented.percentile(0.9))
            (width, radius) = (0, max(w, h))
        }
        var ink = Plane(width: w, height: h)
        for p in 0..<(w * h) { ink.values[p] = max(0, (paper.values[p] - oriented.values[p]) / max(paper.values[p], 40)) }
        let isUniform = if case .uniform = estimate { true } else { false }
        if isUniform {
            // The strokes measured on the ink itself: half the strongest ink and more.
            let half = 0.5 * ink.percentile(0.99)
            width = Analysis.strokeWidth(ink.values.map { $0 >= half && half > 0 }, width: w, height: h)
        }
        // The paper stage: the plane read, as it looked (light-on-dark turned back).
        let shown = light ? paper.map { 255 - $0 } : paper
        return InkMap(ink: ink, paper: RasterImage(width: w, height: h, channels: 1, pixels: shown.bytes),
                      paperLevel: paper, lightOnDark: light, strokeWidth: max(1, width), radius: radius, widerRadius: wider, finerRadius: finer,
                      uniformPaper: isUniform)
    }

    /// The strokes' width and the closing radius that removes them, from the pattern
    /// spectrum: how much more dark detail each larger closing fills in. Strokes make a
    /// peak at their half-width; shadows and desks only add at far larger radii. `wider`:
    /// the radius for a second peak, beyond the first, at least half as high; `finer`:
    /// for a smaller one before a wide first peak (`InkMap.finerRadius`).
    static func strokeScale(_ c: Plane, limit: Int, widest: Int = 10) -> (width: Float, radius: Int, wider: Int?, finer: Int?) {
        var radii = [1, 2, 3, 4, 6, 8, 12, 16, 22, 32, 44, 64, 90, 128].filter { $0 <= limit }
        if radii.isEmpty { radii = [1] }
        var filled = [Double]()
        // From radius 6 on, half size with half the radius says the same at a quarter of
        // the cost.
        let half = c.halved()
        for r in radii {
            let (plane, radius, weight) = r >= 6 && half.width >= 8 && half.height >= 8 ? (half, r / 2, 4.0) : (c, r, 1.0)
            let closed = plane.closing(radius: radius)
            var s = 0.0
            for i in 0..<plane.values.count { s += Double(closed.values[i] - plane.values[i]) }
            filled.append(s * weight)
        }
        // The spectrum: what each step adds.
        var spectrum = [Double]()
        for k in radii.indices { spectrum.append(filled[k] - (k > 0 ? filled[k - 1] : 0)) }
        // Details one or two pixels wide are noise, ruled lines and JPEG ringing as often
        // as strokes: the strokes' peak is looked for from radius 3 on, unless almost all
        // the detail is that fine (a hair-thin pen).
        let from = radii.firstIndex { $0 >= 3 } ?? 0
        let coarse = spectrum[from...].reduce(0, +), total = max(1e-9, spectrum.reduce(0, +))
        var peak = from
        // Strokes are narrower than a tenth of the picture (a quarter when the digit fills
        // it); strips of desk, frames and shadows fill in at larger radii and must not
        // set the scale.
        let upTo = max(from + 1, (radii.lastIndex { $0 <= max(c.width, c.height) / widest } ?? from) + 1)
        if coarse >= 0.15 * total, from < min(upTo, spectrum.count) {
            let top = spectrum[from..<min(upTo, spectrum.count)].max() ?? 0
            // The first clear peak: a local maximum at least a quarter of the highest.
            for k in from..<min(upTo, spectrum.count) where spectrum[k] >= 0.25 * top && (k + 1 == spectrum.count || spectrum[k] >= spectrum[k + 1]) {
                peak = k; break
            }
        } else {
            peak = radii.firstIndex { $0 >= 2 } ?? 0
        }
        let halfWidth = Float(radii[peak])
        // A closing of radius r fills details up to 2r + 1 wide; strokes vary and meet
        // in blobs, so take the next step up, and a little more.
        func closing(for k: Int) -> Int { min(limit, max(2, Int((Float(radii[min(k + 1, radii.count - 1)]) * 1.25).rounded()))) }
        let end = min(upTo, spectrum.count)
        var wider: Int? = nil
        if peak + 2 < end, let k = (peak + 2..<end).max(by: { spectrum[$0] < spectrum[$1] }), spectrum[k] >= 0.5 * spectrum[peak] {
            wider = closing(for: k)
        }
        // A pen's peak beneath a wide one: a local maximum at a quarter of its radius or
        // less, at least a tenth as high (the highest such).
        var finer: Int? = nil
        if radii[peak] >= 16 {
            // `from` is at radius 3 or more, so k - 1 and k + 1 (k < peak) are in range.
            func isFinerPeak(_ k: Int) -> Bool {
                radii[k] * 4 <= radii[peak] && spectrum[k] >= 0.1 * spectrum[peak]
                    && spectrum[k] >= spectrum[k - 1] && spectrum[k] >= spectrum[k + 1]
            }
            let small = (from..<peak).filter(isFinerPeak)
            if let k = small.max(by: { spectrum[$0] < spectrum[$1] }) { finer = closing(for: k) }
        }
        return (2 * halfWidth, closing(for: peak), wider, finer)
    }
}
