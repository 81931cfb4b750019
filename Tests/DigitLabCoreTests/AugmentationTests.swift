import Testing
@testable import DigitLabCore

@Suite struct AugmentationTests {
    /// A 28x28 image with one bright 2x2 block at rows/cols 10–11, background -1.
    func image() -> Tensor {
        var t = Tensor(shape: [1, 1, 28, 28], data: [Float](repeating: -1, count: 784))
        for y in 10...11 { for x in 10...11 { t.data[y * 28 + x] = 2 } }
        return t
    }

    @Test func offChangesNothing() {
        var t = image(), rng = SeededRNG(seed: 1)
        Augmentation().apply(to: &t, background: -1, using: &rng)
        #expect(t == image())
    }

    @Test func shiftMovesTheInkAndKeepsTheBackground() {
        var t = image(), rng = SeededRNG(seed: 1)
        Augmentation(shift: 3).apply(to: &t, background: -1, using: &rng)
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
        Augmentation(rotate: 90).apply(to: &t, background: 0, using: &rng)
        // A centred 2x2 block maps onto itself under any rotation about (13.5, 13.5).
        for y in 13...14 { for x in 13...14 { #expect(abs(t.data[y * 28 + x] - 1) < 0.35) } }
        #expect(t.data[0] == before.data[0])
    }

    @Test func sameSeedSameImages() {
        let aug = Augmentation(shift: 2, rotate: 10, scale: 0.1, elastic: 2)
        var a = image(), b = image()
        var r1 = SeededRNG(seed: 9), r2 = SeededRNG(seed: 9)
        aug.apply(to: &a, background: -1, using: &r1)
        aug.apply(to: &b, background: -1, using: &r2)
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
