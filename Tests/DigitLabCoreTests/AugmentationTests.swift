import Testing
@testable import DigitLabCore

@Suite struct AugmentationTests {
    /// A 28x28 image with one bright 2x2 block at rows/cols 10–11, background -1.
    func image() -> Tensor {
        var t = Tensor(shape: [1, 1, 28, 28], data: [Float](repeating: -1, count: 784))
        for y in 10...11 { for x in 10...11 { t.data[y * 28 + x] = 2 } }
        return t
    }

    /// One label for the one test image; augmentation without outliers never changes it.
    func apply(_ a: Augmentation, _ t: inout Tensor, background: Float, using rng: inout SeededRNG) {
        var labels = [4]
        a.apply(to: &t, labels: &labels, background: background, using: &rng)
        #expect(labels == [4])
    }

    @Test func offChangesNothing() {
        var t = image(), rng = SeededRNG(seed: 1)
        apply(Augmentation(), &t, background: -1, using: &rng)
        #expect(t == image())
    }

    @Test func shiftMovesTheInkAndKeepsTheBackground() {
        var t = image(), rng = SeededRNG(seed: 1)
        apply(Augmentation(shift: 3), &t, background: -1, using: &rng)
        #expect(t != image())
        // Ink is conserved (bilinear mass is preserved for a pure shift inside the frame).
        let ink = t.data.reduce(0) { $0 + ($1 + 1) }
        #expect(abs(ink - 12) < 1e-3, "ink \(ink)")
        #expect(t.data[0] == -1 && t.data[783] == -1)
    }

    @Test func rotationAboutTheCentreFixesTheCentre() {
        var t = Tensor(shape: [1, 1, 28, 28], data: [Float](repeating: 0, count: 784))
        for y in 13...14 { for x in 13...14 { t.data[y * 28 + x] = 1 } }
        var rng = SeededRNG(seed: 2)
        let before = t
        apply(Augmentation(rotate: 90), &t, background: 0, using: &rng)
        // A centred 2x2 block maps onto itself under any rotation about (13.5, 13.5).
        for y in 13...14 { for x in 13...14 { #expect(abs(t.data[y * 28 + x] - 1) < 0.35) } }
        #expect(t.data[0] == before.data[0])
    }

    @Test func sameSeedSameImages() {
        let aug = Augmentation(shift: 2, rotate: 10, scale: 0.1, elastic: 2)
        var a = image(), b = image()
        var r1 = SeededRNG(seed: 9), r2 = SeededRNG(seed: 9)
        apply(aug, &a, background: -1, using: &r1)
        apply(aug, &b, background: -1, using: &r2)
        #expect(a == b && a != image())
        #expect(a.data.allSatisfy { $0.isFinite })
    }
}

/// Stroke changes: off changes nothing (not even a draw), thickening adds ink, thinning
/// takes it away, and a seed repeats.
@Suite struct StrokeAugmentationTests {
    /// A 28x28 "1": a vertical bar two pixels wide, normalised as MNIST batches are.
    static func bar(background: Float) -> [Float] {
        var v = [Float](repeating: background, count: 784)
        for y in 4..<24 { v[y * 28 + 13] = 2.8; v[y * 28 + 14] = 2.8 }
        return v
    }

    @Test func strokesThickenThinAndRepeat() {
        let background: Float = -0.42
        func ink(_ v: [Float]) -> Float { v.reduce(0) { $0 + ($1 - background) } }
        var thick = Augmentation(); thick.thickness = 2
        var seen = Set<Int>()
        for seed in 0..<20 {
            var rng = SeededRNG(seed: UInt64(seed))
            var v = Self.bar(background: background)
            v.withUnsafeMutableBufferPointer { thick.restyle($0.baseAddress!, height: 28, width: 28, background: background, using: &rng) }
            seen.insert(ink(v) > ink(Self.bar(background: background)) + 1 ? 1 : ink(v) < ink(Self.bar(background: background)) - 1 ? -1 : 0)
            #expect(v.allSatisfy { $0.isFinite && $0 >= background - 1e-4 })
        }
        #expect(seen.contains(1) && seen.contains(-1), "both thicker and thinner strokes are drawn: \(seen)")
        // Off: the generator is not touched.
        var a = SeededRNG(seed: 7), b = SeededRNG(seed: 7)
        var v = Self.bar(background: background)
        v.withUnsafeMutableBufferPointer { Augmentation().restyle($0.baseAddress!, height: 28, width: 28, background: background, using: &a) }
        #expect(a.next() == b.next() && v == Self.bar(background: background))
        #expect(!Augmentation().changesStrokes && thick.changesStrokes && !thick.isIdentity)
        #expect(thick.description == "thickness 2.0")
    }
}

/// `augment outliers`: a share of the batch becomes things that are not one digit,
/// framed as the picture pipeline frames a candidate, and labelled `Loss.notADigit`.
@Suite struct OutlierAugmentationTests {
    static let background: Float = -0.42

    /// A batch of n "0"s: rings 14 px wide and 18 tall, ink 2.8 over the background.
    static func rings(_ n: Int) -> Tensor {
        var v = [Float](repeating: background, count: n * 784)
        for i in 0..<n {
            for y in 0..<28 {
                for x in 0..<28 {
                    let (dx, dy) = (Float(x) - 13.5, (Float(y) - 13.5) * 7 / 9)
                    let r = (dx * dx + dy * dy).squareRoot()
                    if abs(r - 6) < 1.1 { v[i * 784 + y * 28 + x] = 2.8 }
                }
            }
        }
        return Tensor(shape: [n, 1, 28, 28], data: v)
    }

    @Test func aShareOfTheBatchBecomesNotADigitFramedLikeOne() throws {
        var a = Augmentation(); a.outliers = 0.5
        #expect(!a.isIdentity && a.description == "outliers 0.5")
        let original = Self.rings(64)
        var batch = original, labels = [Int](repeating: 0, count: 64), rng = SeededRNG(seed: 5)
        a.apply(to: &batch, labels: &labels, background: Self.background, using: &rng)
        let replaced = labels.indices.filter { labels[$0] == Loss.notADigit }
        #expect((20...44).contains(replaced.count), "about half replaced: \(replaced.count)")
        #expect(labels.allSatisfy { $0 == 0 || $0 == Loss.notADigit })
        for i in 0..<64 {
            let picture = Array(batch.data[(i * 784)..<((i + 1) * 784)]), before = Array(original.data[(i * 784)..<((i + 1) * 784)])
            guard labels[i] == Loss.notADigit else { #expect(picture == before, "image \(i) kept"); continue }
            #expect(picture != before, "image \(i) replaced")
            let ink = picture.map { $0 - Self.background }
            #expect(ink.allSatisfy { $0 > -1e-5 && $0.isFinite })
            // Strongest ink as strong as the digits', the box's longer side 20 of 28 and
            // the centre of mass in the middle: framed as the pipeline frames a digit.
            #expect(abs(ink.max()! - (2.8 - Self.background)) < 1e-3)
            let box = try #require(PixelBox.ofInk(ink, width: 28, height: 28))
            #expect((18...21).contains(max(box.width, box.height)), "image \(i): box \(box)")
            let mass = ink.reduce(0, +)
            let cx = (0..<784).reduce(Float(0)) { $0 + Float($1 % 28) * ink[$1] } / mass
            let cy = (0..<784).reduce(Float(0)) { $0 + Float($1 / 28) * ink[$1] } / mass
            #expect(abs(cx - 14) <= 1 && abs(cy - 14) <= 1, "image \(i): centre of mass (\(cx), \(cy))")
        }
        // The same seed gives the same batch; another seed another.
        var again = original, againLabels = [Int](repeating: 0, count: 64), same = SeededRNG(seed: 5)
        a.apply(to: &again, labels: &againLabels, background: Self.background, using: &same)
        #expect(again == batch && againLabels == labels)
    }

    @Test func everyKindIsMade() {
        // Two rings side by side are half as wide again as tall; bars, blobs and specks
        // vary. Over many draws pairs turn up, and every picture has ink.
        let sources = OutlierSources(ink: Self.rings(4).data.map { max(0, $0 - Self.background) },
                                     labels: [0, 0, 0, 0], count: 4, height: 28, width: 28)
        var wide = 0
        for seed in 0..<60 {
            var rng = SeededRNG(seed: UInt64(seed))
            let box = PixelBox.ofInk(sources.outlier(for: seed % 4, using: &rng), width: 28, height: 28)
            #expect(box != nil, "seed \(seed): an outlier with no ink")
            if let box, 2 * box.width >= 3 * box.height { wide += 1 }
        }
        #expect(wide >= 10, "pairs \(wide) of 60")
    }

    /// A slice is never a thin upright stroke, which would be a 1 taught as "no digit":
    /// a 1 is never sliced, and a 4's right part (its upright) is refused, while slices
    /// of a wide 0 are made.
    @Test func slicesAreNeverOnes() {
        func image(_ paint: (Int, Int) -> Bool) -> [Float] { (0..<784).map { paint($0 % 28, $0 / 28) ? 3 : 0 } }
        let one = image { x, y in (13...14).contains(x) && (4..<24).contains(y) }
        let four = image { x, y in (18...19).contains(x) && (4..<24).contains(y) || (6..<22).contains(x) && (14...15).contains(y)
            || (6...7).contains(x) && (4..<15).contains(y) }
        let wideZero = image { x, y in
            let (dx, dy) = ((Float(x) - 13.5) / 11, (Float(y) - 13.5) / 8)
            return abs((dx * dx + dy * dy).squareRoot() - 1) < 0.18
        }
        let sources = OutlierSources(ink: one + four + wideZero, labels: [1, 4, 0], count: 3, height: 28, width: 28)
        var (fourSlices, zeroSlices) = (0, 0)
        for seed in 0..<40 {
            var rng = SeededRNG(seed: UInt64(seed))
            #expect(sources.slice(0, using: &rng) == nil, "a 1 is never sliced")
            if let s = sources.slice(1, using: &rng) {
                fourSlices += 1
                #expect(PixelBox.ofInk(s.ink, width: s.width, height: s.height).map(OutlierSources.isWide) == true)
            }
            if sources.slice(2, using: &rng) != nil { zeroSlices += 1 }
        }
        #expect(zeroSlices >= 10, "slices of a wide 0: \(zeroSlices) of 40")
        #expect(fourSlices < 40, "some slices of a 4 are its upright and refused: \(fourSlices) of 40 kept")
    }
}

/// `augment styles`: 1s and 7s drawn as much of the world writes them — a flag and a
/// foot on a 1, a bar across a 7 — and no other digit touched.
@Suite struct StyleAugmentationTests {
    static let background: Float = -0.42

    /// A 28x28 "1" (an upright bar two pixels wide, rows 4–23) and a "7" (a bar across
    /// the top, row 4, and an upright stem below its right end), normalised as in batches.
    static func one() -> [Float] {
        var v = [Float](repeating: background, count: 784)
        for y in 4..<24 { v[y * 28 + 13] = 2.8; v[y * 28 + 14] = 2.8 }
        return v
    }
    static func seven() -> [Float] {
        var v = [Float](repeating: background, count: 784)
        for x in 8..<20 { v[4 * 28 + x] = 2.8; v[5 * 28 + x] = 2.8 }
        for y in 4..<24 { v[y * 28 + 18] = 2.8; v[y * 28 + 19] = 2.8 }
        return v
    }

    static func restyled(_ v: [Float], label: Int, seed: UInt64) -> [Float] {
        var a = Augmentation(); a.styles = 1
        var out = v, rng = SeededRNG(seed: seed)
        a.restyleWriting(&out, label: label, height: 28, width: 28, background: background, using: &rng)
        return out
    }

    /// Ink added where the image had none, as (x, y) pixels.
    static func added(_ before: [Float], _ after: [Float]) -> [(x: Int, y: Int)] {
        (0..<784).filter { after[$0] - before[$0] > 1 }.map { ($0 % 28, $0 / 28) }
    }

    @Test func aOneGetsAFlagToTheLeftOfItsTopAndSometimesAFoot() {
        var feet = 0
        for seed in 0..<20 {
            let new = Self.added(Self.one(), Self.restyled(Self.one(), label: 1, seed: UInt64(seed)))
            let flag = new.filter { $0.y < 14 }
            #expect(!flag.isEmpty && flag.allSatisfy { $0.x <= 13 && $0.y >= 3 }, "the flag runs left and down from the top: \(flag)")
            #expect(flag.contains { $0.x <= 11 }, "the flag is long enough to see: \(flag)")
            let foot = new.filter { $0.y >= 20 }
            if !foot.isEmpty {
                feet += 1
                #expect(foot.contains { $0.x < 13 } && foot.contains { $0.x > 14 }, "the foot crosses the bottom: \(foot)")
            }
            #expect(Self.restyled(Self.one(), label: 1, seed: UInt64(seed)).allSatisfy { $0.isFinite && $0 <= 2.8 + 1e-4 })
        }
        #expect(feet > 3 && feet < 17, "about half the 1s get a foot: \(feet) of 20")
    }

    @Test func aSevenIsCrossedBelowTheMiddleOfItsStem() {
        let new = Self.added(Self.seven(), Self.restyled(Self.seven(), label: 7, seed: 3))
        #expect(!new.isEmpty)
        #expect(new.allSatisfy { $0.y >= 11 && $0.y <= 17 }, "the bar is a little below the middle: \(new)")
        #expect(new.contains { $0.x < 18 } && new.contains { $0.x > 19 }, "the bar crosses the stem")
    }

    @Test func otherDigitsAndAShareOfNoneAreLeftAlone() {
        // A 4 is never restyled, and with styles 0 the generator is not touched.
        var a = Augmentation(); a.styles = 1
        var v = Self.one(), r1 = SeededRNG(seed: 5), r2 = SeededRNG(seed: 5)
        a.restyleWriting(&v, label: 4, height: 28, width: 28, background: Self.background, using: &r1)
        #expect(v == Self.one())
        Augmentation().restyleWriting(&v, label: 1, height: 28, width: 28, background: Self.background, using: &r1)
        #expect(v == Self.one() && r1.next() == r2.next())
        #expect(a.description == "styles 1.0" && !a.isIdentity)
        // Through a batch: the labels stay, only the 1 changes.
        var batch = Tensor(shape: [2, 1, 28, 28], data: Self.one() + Self.one())
        var labels = [1, 4], rng = SeededRNG(seed: 1)
        a.apply(to: &batch, labels: &labels, background: Self.background, using: &rng)
        #expect(labels == [1, 4])
        #expect(Array(batch.data[0..<784]) != Self.one() && Array(batch.data[784...]) == Self.one())
    }
}
