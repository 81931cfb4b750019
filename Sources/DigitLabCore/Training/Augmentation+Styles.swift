import Glibc

/// Ways of writing a digit that MNIST's writers (American census staff and students)
/// rarely used, for `augment styles SHARE`: much of the world writes a 1 with a long
/// flag at its top and often a foot, and crosses its 7. A network trained on MNIST alone
/// reads a flagged 1 as a 7, a 4 or a 9, and a crossed 7 as a 3 or a 2 (the other
/// writers' set of Benchmarks/realworld: 1s were a third of its errors).
///
/// A share `styles` of the 1s and 7s of each batch get the strokes drawn on, in the
/// digit's own ink and about its own pen width, before the geometric warp (which then
/// bends the new stroke with the rest):
/// - a 1: a flag from its top down to the left (25–60°), a fifth to a third of its height
///   long; and, half the time, a foot across its bottom;
/// - a 7: a short bar across its stem, a little below the middle.
/// Each image draws from its own generator, and nothing is drawn when `styles` is 0, so
/// recipes without it train exactly as before.
///
/// Not in the default model's recipe: with `styles 0.3` added (10 epochs, seed 1) MNIST
/// test was 99.57%, but the other writers' set fell from 93.5% to 91.8% — its 8x8 1s are
/// fat blobs, not flagged strokes, and read as 4 more often. A knob to try, as `outliers`.
extension Augmentation {
    /// The labels restyled, and how.
    static let styledDigits: Set<Int> = [1, 7]

    /// One image (`h` x `w`, normalised, `background` blank paper), in place, when the
    /// generator picks it: `label` says which strokes to draw.
    func restyleWriting(_ image: inout [Float], label: Int, height h: Int, width w: Int, background: Float,
                        using rng: inout SeededRNG) {
        guard styles > 0, Self.styledDigits.contains(label), rng.nextFloat() < styles else { return }
        let peak = image.reduce(background) { max($0, $1) } - background
        guard peak > 0 else { return }
        // The ink's extent: rows with a pixel at least half as strong as the strongest.
        var rows = [(y: Int, xs: [Int])]()
        for y in 0..<h {
            let xs = (0..<w).filter { image[y * w + $0] - background >= 0.5 * peak }
            if !xs.isEmpty { rows.append((y, xs)) }
        }
        guard let first = rows.first, let last = rows.last, last.y - first.y >= 8 else { return }
        let height = Float(last.y - first.y)
        func centre(_ xs: [Int]) -> Float { Float(xs.reduce(0, +)) / Float(xs.count) }
        // The pen: the ink's area over its height is about the stroke's width for a 1
        // and a little more for a 7; half of it, give or take.
        let area = Float(rows.reduce(0) { $0 + $1.xs.count })
        let halfWidth = max(0.7, min(1.8, 0.5 * area / Float(rows.count) * rng.uniform(0.6, 0.9)))
        func stroke(_ x0: Float, _ y0: Float, _ x1: Float, _ y1: Float) {
            Self.drawLine(&image, from: (x0, y0), to: (x1, y1), halfWidth: halfWidth, ink: background + peak,
                          background: background, height: h, width: w)
        }
        if label == 1 {
            let top = (x: centre(first.xs), y: Float(first.y))
            let angle = rng.uniform(25, 60) * Float.pi / 180
            let length = height * rng.uniform(0.2, 0.35)
            stroke(top.x, top.y, top.x - length * cosf(angle), top.y + length * sinf(angle))
            if rng.nextFloat() < 0.5 {
                let foot = (x: centre(last.xs), y: Float(last.y))
                let half = height * rng.uniform(0.12, 0.25)
                stroke(foot.x - half, foot.y, foot.x + half, foot.y)
            }
        } else {
            let y = first.y + Int((height * rng.uniform(0.45, 0.6)).rounded())
            guard let row = rows.first(where: { $0.y == y }) else { return }
            let half = height * rng.uniform(0.15, 0.25)
            let tilt = height * rng.uniform(-0.05, 0.05)
            let x = centre(row.xs)
            stroke(x - half, Float(y) + tilt, x + half, Float(y) - tilt)
        }
    }

    /// A straight stroke with soft edges, as bright as `ink` at its middle, drawn over the
    /// image (the brighter of the two wins).
    static func drawLine(_ image: inout [Float], from a: (Float, Float), to b: (Float, Float), halfWidth: Float,
                         ink: Float, background: Float, height h: Int, width w: Int) {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1)
        let lengthSquared = max(1e-6, dx * dx + dy * dy)
        let reach = halfWidth + 1
        let (x0, x1) = (max(0, Int((min(a.0, b.0) - reach).rounded(.down))), min(w - 1, Int((max(a.0, b.0) + reach).rounded(.up))))
        let (y0, y1) = (max(0, Int((min(a.1, b.1) - reach).rounded(.down))), min(h - 1, Int((max(a.1, b.1) + reach).rounded(.up))))
        guard x0 <= x1, y0 <= y1 else { return }
        for y in y0...y1 {
            for x in x0...x1 {
                // Distance from the pixel to the segment.
                let (px, py) = (Float(x) - a.0, Float(y) - a.1)
                let t = max(0, min(1, (px * dx + py * dy) / lengthSquared))
                let (ex, ey) = (px - t * dx, py - t * dy)
                let cover = max(0, min(1, halfWidth + 0.5 - (ex * ex + ey * ey).squareRoot()))
                guard cover > 0 else { continue }
                image[y * w + x] = max(image[y * w + x], background + cover * (ink - background))
            }
        }
    }
}
