import DigitLabIO
import Foundation

/// What `NumberReader` read in a picture: the digits left to right, each with the
/// network's answer, how sure it was, where it was, and the 28x28 image it saw.
public struct NumberReading: Sendable {
    public struct Digit: Sendable {
        public let label: String
        public let probability: Float
        /// In the picture's pixels.
        public let box: Box
        /// The 28x28 image classified (255 = ink).
        public let pixels: [UInt8]
        /// The one-digit judge's probability that this is one whole digit, not two that
        /// touch nor a piece of one (nil: read without the judge).
        public var wholeness: Float? = nil
    }

    /// A decimal point or a comma between two digits ("3.14", "1,250"), or a minus sign or
    /// a dash before a digit ("-42", "030-1234"): not a digit, and not shown to the network.
    public struct Mark: Sendable {
        /// ".", ",", "-" or ":"
        public let character: String
        /// In the picture's pixels.
        public let box: Box
        /// How many digits come before it.
        public let after: Int
    }

    public let digits: [Digit]
    public var marks: [Mark] = []
    /// Pieces of ink of a digit's size above or below the line read: another line of
    /// writing, which `read` leaves out (one line a picture).
    public var piecesOffTheLine = 0
    /// The helper networks that answered NaN or infinity (a damaged file), whose answers
    /// were left out of this reading: its digits are the digit network's alone.
    public var unheard: Set<LineHelper> = []
    /// The stages shared with single digits (picture, paper, ink, lines removed).
    public let stages: [DigitPipeline.Stage]
    /// The picture as analysed (at most `NumberReader.workingSize`), where it starts in
    /// the file's pixels (a close-up of a small line starts inside), and its scale: pixels
    /// of the picture in its file per working pixel — for drawing the boxes.
    public let working: RasterImage
    public var origin: (x: Int, y: Int) = (0, 0)
    public let scale: Double

    /// "2026", "3.14"
    public var text: String {
        var text = ""
        for (i, d) in digits.enumerated() {
            for m in marks where m.after == i { text += m.character }
            text += d.label
        }
        return text
    }

    /// The digits the one-digit judge doubts: when it doubts the reading as a whole (the
    /// mean of its probabilities is under one half), those under one half; otherwise any
    /// under 5% (one merged pair among clean digits never pulls the mean down). On the
    /// dev set's 360 numbers, 62 of them read wrong: the mean alone doubted 14 readings,
    /// 13 of them wrong; with single digits under 5% too, 40, 30 of them wrong (under
    /// 15%: 49, 30 wrong). Empty when the reading is believed, or made without the judge.
    public var doubted: [Int] {
        let w = digits.compactMap(\.wholeness)
        guard !w.isEmpty, w.count == digits.count else { return [] }
        let doubtful: Float = w.reduce(0, +) / Float(w.count) < 0.5 ? 0.5 : 0.05
        return digits.indices.filter { w[$0] < doubtful }
    }

    /// How sure the network is of the reading as a whole: the mean log-probability of its
    /// digits (to choose between two readings of one picture).
    var sureness: Float {
        digits.isEmpty ? -.infinity : digits.reduce(0) { $0 + log(max($1.probability, 1e-6)) } / Float(digits.count)
    }
}

/// Reads a line of handwritten digits — a year, a postcode, a phone number — from one
/// picture, the way a reader of forms does:
///
/// 1. The same analysis as a single digit (paper, ink, lines and frames removed; one
///    paper level when the writing fills the picture edge to edge).
/// 2. The pieces of ink on the line of writing (specks, and pieces far above or below
///    it, are left out); pieces one above the other are one digit (the bar of a 5).
/// 3. **Over-segmentation**: each piece wide enough to hold two digits gets candidate
///    cuts, seams from its top to its foot through the least ink (touching digits meet
///    thinly, and overlapping ones leave a path of paper round their strokes).
/// 4. **Recognition chooses the segmentation**: every run of pieces and cuts that could
///    be one digit goes through the same 28x28 framing and the classifier, and dynamic
///    programming picks the split whose digits the network is surest of (the sum of
///    the log-probabilities of the winners), with a small cost for implausible shapes,
///    and the one-digit judge's doubt that a candidate is one whole digit.
public enum NumberReader {
    public static let workingSize = 1200

    public static func read(_ picture: RasterImage, classifier: DigitClassifier) throws(DigitPipeline.Failure) -> NumberReading {
        try read(picture, classifier: classifier, lookingCloser: true)
    }

    /// `lookingCloser`: whether a line found small may be read again from the picture's
    /// own pixels (not again within such a close-up).
    static func read(_ picture: RasterImage, classifier: DigitClassifier, lookingCloser: Bool) throws(DigitPipeline.Failure) -> NumberReading {
        let prepared = try Analysis.Prepared(picture, workingSize: workingSize)
        // A picture cropped tightly around what is written (one fat digit, say) is read
        // with one paper level, as a single digit would be: the local paper estimate
        // turns fat strokes into slivers, and slivers into confident digits.
        // Not a page whose only ink is lines (ruled paper with a margin reaches every edge).
        if let tight = DigitPipeline.tightReading(prepared, light: prepared.choice.borderLight),
           (try? Analysis(prepared)).map({ $0.onlyLines && $0.ruledPage }) != true {
            return try read(tight.analysis, picture, classifier: classifier, lookingCloser: lookingCloser)
        }
        let ordinary = Result { () throws(DigitPipeline.Failure) in
            guard var a = try? Analysis(prepared) else { throw .blank }
            if let wider = a.withFatStrokesRestored(prepared, best: a.groups().first) { a = wider }
            return try read(a, picture, classifier: classifier, lookingCloser: lookingCloser)
        }
        // Rivals of the ordinary reading, the network deciding as for a digit (the surer
        // reading wins):
        // - the other way round with one paper level: a tight crop whose margins mislead,
        //   or the paper between digits near the edges taken for ink ("89" read as one 8
        //   at 64%);
        // - the other way round, when the margins say light ink where the rules say dark
        //   (chalk on a board whose busy middle outvotes its edges: lesson 15's chalk 3
        //   was the board's corner, an 8 at 61%).
        let rules = prepared.choice
        var rivals = [NumberReading]()
        if let inverted = DigitPipeline.tightReading(prepared, light: !rules.borderLight),
           let other = try? read(inverted.analysis, picture, classifier: classifier, lookingCloser: lookingCloser) {
            rivals.append(other)
        }
        if rules.borderLight, !rules.light, let b = try? Analysis(prepared, light: true),
           let other = try? read(b, picture, classifier: classifier, lookingCloser: lookingCloser) {
            rivals.append(other)
        }
        guard let usual = try? ordinary.get() else {
            guard let best = rivals.max(by: { $0.sureness < $1.sureness }) else { return try ordinary.get() }
            return best
        }
        return rivals.filter { $0.sureness > usual.sureness }.max(by: { $0.sureness < $1.sureness }) ?? usual
    }

    /// Steps 2–4 on an analysed picture.
    static func read(_ a: Analysis, _ picture: RasterImage, classifier: DigitClassifier, lookingCloser: Bool) throws(DigitPipeline.Failure) -> NumberReading {
        let (atoms, offLine) = a.lineAtoms()
        // No piece on a line of writing: a texture, or lines alone, is refused as such, as
        // for a digit (a grid was "blank" here and "a net" there).
        guard !atoms.isEmpty else {
            throw a.groups().first.flatMap { a.texture(Set($0.labels), in: $0.box, keptMass: $0.mass) } ?? (a.onlyLines ? .onlyLines : .blank)
        }
        if let pieces = a.scatteredPieces(keptMass: atoms.reduce(0) { $0 + $1.mass }, keptPieces: atoms.map(\.labels.count).max() ?? 0) {
            throw .scattered(pieces: pieces)
        }
        if let holes = atoms.compactMap({ a.netHoles($0.labels, in: $0.box) }).max() {
            // What is left of squared paper whose lines went is a net too: lines are the
            // plainer reason, as `predict` gives it.
            throw a.onlyLines ? .onlyLines : .net(holes: holes)
        }
        // Dots alone are no number (a row of them was read as 00000000 at 99%).
        let dots = atoms.compactMap { a.dot($0.labels, in: $0.box) }
        if dots.count == atoms.count, case .dot(let size, _)? = dots.first { throw .dot(size: size, count: dots.count) }
        // The paper's grain is no number either: every piece must stand out more.
        let paper = a.paperGrain
        if atoms.allSatisfy({ a.grain($0.labels, in: $0.box, paper: paper) != nil }) { throw .grain }
        // An empty box drawn on the page is no number (it was a 0 at 100%).
        if atoms.count == 1, let empty = a.emptyBox(Array(atoms[0].labels)) { throw empty }
        let line = atoms.dropFirst().reduce(atoms[0].box) { $0.union($1.box) }
        func closer() -> NumberReading? {
            guard lookingCloser, var near = closerLook(picture, line: line, in: a, classifier: classifier) else { return nil }
            near.piecesOffTheLine = offLine   // the close-up holds the line alone
            return near
        }
        if let largest = atoms.map(\.box).max(by: { max($0.width, $0.height) < max($1.width, $1.height) }),
           let small = a.tooSmall(largest) {
            // Too small at working size may still be readable in the picture's own pixels.
            if let closer = closer() { return closer }
            throw small
        }
        if line.height < DigitPipeline.closeSize, let closer = closer() { return closer }
        let (written, marks) = a.punctuation(atoms)
        let (digits, unheard) = a.segment(written, classifier: classifier)
        guard !digits.isEmpty else { throw .blank }
        return NumberReading(digits: digits.map { d in
            NumberReading.Digit(label: d.label, probability: d.probability, box: d.box.scaled(a.scale).clamped(to: picture), pixels: d.pixels,
                                wholeness: d.wholeness)
        }, marks: marks.map { m in
            NumberReading.Mark(character: m.character, box: m.box.scaled(a.scale).clamped(to: picture),
                               after: digits.filter { $0.box.x < m.box.x }.count)
        }, piecesOffTheLine: offLine, unheard: unheard, stages: a.stages, working: a.working, scale: a.scale)
    }
}

extension NumberReader {
    /// A line of writing small in a large picture (under `DigitPipeline.closeSize` working
    /// pixels high, the picture shrunk to find it) is read again from the picture's own
    /// pixels around it, as a single digit is: at working size a 40 px high number on a
    /// 2000 px page is 24 px high, its strokes a pixel or two. The boxes are the file's;
    /// the picture to draw them on is the close-up.
    static func closerLook(_ picture: RasterImage, line: Box, in a: Analysis, classifier: DigitClassifier) -> NumberReading? {
        // Two line heights either side: a digit at either end that the working copy lost
        // or clipped is within them (a close-up edge through a digit reads half an 8 as 3).
        // Enlarged to 64 px high: a wider close-up is enlarged less by the pipeline's own
        // minimum size, and digits 15 px high were then skipped or merged.
        guard let near = CloseUp(picture, around: line, in: a, margin: line.height / 2, sideways: 2 * line.height, tall: 64),
              let inner = try? read(near.image, classifier: classifier, lookingCloser: false),
              // Enlarged, writing under 8 pixels in the picture itself would be read; it
              // is too small (`Analysis.tooSmall`), as it is without the close-up.
              Double(inner.digits.map { max($0.box.width, $0.box.height) }.max() ?? 0) / near.enlargement >= 8 else { return nil }
        // Drawn on the close-up: the whole page would show the line as a smudge.
        let origin = near.inFile(Box(x: 0, y: 0, width: 1, height: 1))
        return NumberReading(digits: inner.digits.map { d in
            NumberReading.Digit(label: d.label, probability: d.probability, box: near.inFile(d.box), pixels: d.pixels,
                                wholeness: d.wholeness)
        }, marks: inner.marks.map { m in
            NumberReading.Mark(character: m.character, box: near.inFile(m.box), after: m.after)
        }, unheard: inner.unheard, stages: a.stages + near.stages(inner.stages), working: inner.working, origin: (origin.x, origin.y),
           scale: inner.scale / near.enlargement * picture.sourceScale)
    }
}

/// One or more components that belong to the same digit, or to touching digits.
struct Atom {
    var labels: Set<Int32>
    var box: Box
    var mass: Float
}

extension Analysis {
    /// The pieces of ink on the line of writing, left to right, joined where one lies
    /// above another.
    func lineAtoms() -> (atoms: [Atom], offLine: Int) {
        let items = components.items
        let minArea = minimumPieceArea
        // Edge-huggers and frame remnants do not count (as for single digits). How much a
        // piece looks like pen strokes does not count here: marker digits fill their
        // boxes like slabs, and next to one thinner digit they were all left out
        // ("83298" read as 3).
        let scored = groups(joinGap: 0, weighingStrokes: false)
        var usable = Set<Int32>()
        for g in scored where g.score > 0.02 * (scored.first?.score ?? 0) { usable.formUnion(g.labels) }
        // A small line of writing a few pixels from the edge lies wholly in the band the
        // edge-huggers are measured in, and every group scores 0 ("blank" for a number
        // plain to see at the top of a page): then the groups short beside the picture's
        // sides (a frame or a table edge runs along one).
        if usable.isEmpty {
            for g in scored where 4 * g.box.width < width && 4 * g.box.height < height { usable.formUnion(g.labels) }
        }
        var pieces = items.filter { $0.area >= minArea && usable.contains($0.label) }
        // A box drawn round the writing is no digit of it: it overlaps every digit it
        // holds, and was merged with them ("5" in a box read as 8, as `predict` read 5).
        let boxes = Set(pieces.filter { drawnBox($0, holding: pieces) }.map(\.label))
        pieces.removeAll { boxes.contains($0.label) }
        guard !pieces.isEmpty else { return ([], 0) }
        // The line: the mass-weighted median height and centre of the substantial pieces.
        func weightedMedian(_ values: [(Float, Float)]) -> Float {
            let sorted = values.sorted { $0.0 < $1.0 }
            let total = sorted.reduce(0) { $0 + $1.1 }
            var run: Float = 0
            for (v, m) in sorted { run += m; if run >= total / 2 { return v } }
            return sorted.last?.0 ?? 0
        }
        let tallest = Float(pieces.map(\.height).max() ?? 1)
        let big = pieces.filter { Float($0.height) >= 0.35 * tallest }
        let lineHeight = weightedMedian(big.map { (Float($0.height), $0.mass) })
        let lineCentre = weightedMedian(big.map { (Float($0.minY + $0.maxY) / 2, $0.mass) })
        let onLine = pieces.filter { c in
            let cy = Float(c.minY + c.maxY) / 2
            return abs(cy - lineCentre) <= 0.75 * lineHeight && (Float(c.height) >= 0.12 * lineHeight || Float(c.width) >= 0.25 * lineHeight)
        }
        // Pieces of a digit's size off the line: another line of writing, left out.
        let offLine = pieces.filter { c in
            abs(Float(c.minY + c.maxY) / 2 - lineCentre) > 1.2 * lineHeight && Float(c.height) >= 0.6 * lineHeight
                && Float(c.height) <= 1.6 * lineHeight && Float(c.width) <= 1.6 * lineHeight
        }.count
        pieces = onLine
        // Pieces that overlap horizontally by half the narrower one are one digit.
        var atoms = pieces.map { Atom(labels: [$0.label], box: $0.box, mass: $0.mass) }
        var merged = true
        while merged {
            merged = false
            outer: for i in atoms.indices {
                for j in atoms.indices where j > i {
                    let (p, q) = (atoms[i].box, atoms[j].box)
                    let overlap = min(p.maxX, q.maxX) - max(p.x, q.x) + 1
                    if Float(overlap) >= 0.5 * Float(min(p.width, q.width)) && Float(max(p.maxY, q.maxY) - min(p.y, q.y) + 1) <= 1.5 * lineHeight {
                        atoms[i].labels.formUnion(atoms[j].labels)
                        atoms[i].box = p.union(q)
                        atoms[i].mass += atoms[j].mass
                        atoms.remove(at: j)
                        merged = true
                        break outer
                    }
                }
            }
        }
        return (atoms.sorted { $0.box.x < $1.box.x }, offLine)
    }
}

extension Analysis {
    /// Decimal points and commas: a small solid blot low between two digits, clear of
    /// both ("3.14", "1,250"); a comma reaches below the line and is taller than wide.
    /// Minus signs and dashes: a flat bar in the middle of the line before a digit. Read
    /// as digits, they were 0s, 1s, 2s and 4s ("3.14" was 3014, the point a 0 at 99.6%).
    /// Returns the atoms without them, and the marks (working pixels). A point smaller than
    /// the line's specks (`lineAtoms`) was never an atom: it is looked for among all the
    /// pieces of ink.
    func punctuation(_ atoms: [Atom]) -> (atoms: [Atom], marks: [(character: String, box: Box)]) {
        guard atoms.count >= 2 else { return (atoms, []) }
        let heights = atoms.map(\.box.height).sorted()
        let typical = Float(heights[heights.count / 2])
        var marks = [(character: String, box: Box, after: Int, labels: Set<Int32>)]()
        // The digits either side of a mark made of `labels` in `box` (before a minus sign,
        // none may be on the left): the nearest other atoms, of a digit's height, none of
        // them in its columns (not the dot of a stroke's end under a digit, nor the bar of
        // a 4 or a 7). Also the line there: the digits' height, top and foot.
        func line(around box: Box, made labels: Set<Int32>) -> (left: Atom?, right: Atom, h: Float, top: Float, baseline: Float)? {
            let others = atoms.filter { $0.labels != labels }
            let left = others.last(where: { $0.box.maxX < box.x })
            guard let right = others.first(where: { $0.box.x > box.maxX }),
                  !others.contains(where: { $0.box.x <= box.maxX && $0.box.maxX >= box.x }) else { return nil }
            let h = Float(min(left?.box.height ?? right.box.height, right.box.height))
            guard h >= 0.6 * typical else { return nil }
            let (top, baseline) = left.map { (Float($0.box.y + right.box.y) / 2, Float($0.box.maxY + right.box.maxY) / 2) }
                ?? (Float(right.box.y), Float(right.box.maxY))
            return (left, right, h, top, baseline)
        }
        // At least about as thick as the pen (a sliver of a form's wall or of a stroke is
        // thinner; the stroke width measures a little wide, hence 0.6), no longer one way
        // than `long` times the other, and solid (a blot, not a ring or a stroke).
        func blot(_ d: Component, long: Float) -> Bool {
            let (size, thickness) = (Float(max(d.width, d.height)), Float(min(d.width, d.height)))
            return thickness >= max(2, 0.6 * map.strokeWidth) && size <= long * thickness
                && Float(d.area) >= 0.45 * Float(d.width * d.height)
        }
        for c in components.items where c.area >= 3 {
            guard let (left, right, h, top, baseline) = line(around: c.box, made: [c.label]) else { continue }
            // Nothing else in its columns above it, on the line (the foot of a colon or a
            // semicolon has a dot above it; a minus has nothing above or below).
            func alone(below: Bool) -> Bool {
                !components.items.contains { o in
                    o.label != c.label && o.area >= 3 && o.minX <= c.maxX && o.maxX >= c.minX
                        && (o.maxY < c.minY && Float(o.minY) >= top - 0.2 * h || below && o.minY > c.maxY && Float(o.maxY) <= baseline + 0.2 * h)
                }
            }
            let centreY = Float(c.minY + c.maxY) / 2
            // A minus sign or a dash ("-42", "030-1234567"): a flat bar, 0.25 to 1 digit
            // wide, in the middle of the line. Read as digits, they were 2s and 4s.
            if Float(c.width) >= 2.5 * Float(c.height), Float(c.width) >= 0.25 * h, Float(c.width) <= h,
               Float(c.height) <= 0.25 * h, Float(c.height) >= max(2, 0.6 * map.strokeWidth),
               centreY >= top + 0.3 * h, centreY <= top + 0.75 * h, alone(below: true) {
                marks.append(("-", c.box, left?.box.x ?? Int.min, [c.label]))
                continue
            }
            // A point or a comma follows a digit: at most 0.4 of a digit's height (a point
            // 0.3), a blot no more than three times as long one way as the other (a point
            // twice), on the line, not above it.
            let size = Float(max(c.width, c.height))
            guard let left, size <= 0.4 * typical, blot(c, long: 3),
                  centreY >= baseline - 0.2 * h, centreY <= baseline + 0.3 * h, alone(below: false) else { continue }
            // A comma is taller than wide (a point written quickly is a short dash, wider
            // than tall), and reaches below the line or is clearly longer than a point.
            let tall = Float(c.height) / Float(c.width)
            let comma = tall >= 1.3 && (Float(c.maxY) > baseline + 0.1 * h || tall >= 1.4)
            // A comma hangs from the line: it starts low or reaches below it, with paper
            // either side. A piece of a digit that the threshold cut off is shaped like
            // one, but stands above the line or lies a pixel from its digit (the foot of
            // a 3, the corner of a 2).
            let hangs = Float(c.minY) >= baseline - 0.3 * h || Float(c.maxY) >= baseline + 0.05 * h
            let apart = c.minX - left.box.maxX > 2 && right.box.x - c.maxX > 2
            guard comma ? hangs && apart : (blot(c, long: 2) && size <= 0.3 * typical) else { continue }
            marks.append((comma ? "," : ".", c.box, left.box.x, [c.label]))
        }
        // A colon ("12:30"): two round points, one above the other, between two digits;
        // read as one piece, the pair was a 5 at 90%. Each no taller than 1.3 times its
        // width: a semicolon's foot is a comma.
        for atom in atoms where atom.labels.count == 2 {
            let dots = components.items.filter { atom.labels.contains($0.label) }.sorted { $0.minY < $1.minY }
            guard dots.count == 2, dots[0].maxY < dots[1].minY,
                  let at = line(around: atom.box, made: atom.labels), let left = at.left,
                  dots.allSatisfy({ Float(max($0.width, $0.height)) <= 0.3 * at.h && blot($0, long: 2) && Float($0.height) <= 1.3 * Float($0.width) }),
                  Float(dots[0].minY + dots[0].maxY) / 2 < at.top + 0.6 * at.h,
                  Float(dots[1].minY + dots[1].maxY) / 2 > at.baseline - 0.4 * at.h else { continue }
            marks.append((":", atom.box, left.box.x, atom.labels))
        }
        // One mark between two digits: two specks side by side are no point ("4..7").
        let between = Dictionary(grouping: marks, by: \.after)
        marks.removeAll { between[$0.after]!.count > 1 }
        let taken = marks.reduce(into: Set<Int32>()) { $0.formUnion($1.labels) }
        return (atoms.filter { $0.labels.isDisjoint(with: taken) }, marks.map { ($0.character, $0.box) }.sorted { $0.box.x < $1.box.x })
    }

}
