/// Boxes drawn round writing on the page: a ring of ink along the four sides of its own
/// box. One round a digit is no part of it; one with nothing in it is no digit at all.
extension Analysis {
    /// Whether a piece is a box drawn round other writing: a ring (`ringInside`) holding
    /// a piece at least a third as tall. A 0 is a ring too, but holds no such piece (a box
    /// round a 4 was read as the box, a 0 at 99.9%, by a newcomer).
    func drawnBox(_ c: Component, holding pieces: [Component]) -> Bool {
        guard let inner = ringInside(c) else { return false }
        return pieces.contains { p in p.label != c.label && inner.holds(p.box) && 3 * p.height >= c.height }
    }

    /// The inside of a ring of ink: a piece whose ink lies along the four sides of its
    /// own box (within a sixth of its size, or twice its own pen), as a drawn box's, or
    /// a 0's; nil for anything else. Its own pen: a ring of width t round a w x h box
    /// holds about 2t(w + h) pixels. (The picture's pen was no measure: where fat ink
    /// set it, a thin box's inside shrank until it held nothing.) The inside reaches to
    /// a pen and a half from the box's sides: a digit written close to its box is in it.
    func ringInside(_ c: Component) -> Box? {
        let (w, h) = (c.width, c.height)
        guard w >= 8, h >= 8 else { return nil }
        let pen = Double(c.area) / Double(2 * (w + h))
        let band = max(Int((2 * max(1, pen)).rounded()), min(w, h) / 6)
        guard w > 2 * band, h > 2 * band else { return nil }
        let wall = min(band, Int((1.5 * pen).rounded()) + 1)
        let inner = Box(x: c.minX + wall, y: c.minY + wall, width: w - 2 * wall, height: h - 2 * wall)
        var (onSides, sides) = (0, [false, false, false, false])
        for i in components.pixels(of: c.label) {
            let (x, y) = (Int(i) % width, Int(i) / width)
            let near = [x - c.minX < band, c.maxX - x < band, y - c.minY < band, c.maxY - y < band]
            if near.contains(true) { onSides += 1 }
            for s in 0..<4 where near[s] { sides[s] = true }
        }
        return sides.allSatisfy { $0 } && 10 * onSides >= 9 * c.area ? inner : nil
    }

    /// A box drawn with nothing written in it, as the only ink kept (`labels`): one ring
    /// (`ringInside`) whose rows and columns are inked from side to side nearly all the
    /// way down and across (a rectangle; a 0's oval fills about 79% of its box so), drawn
    /// with a pen thin for its size, with no piece of ink inside it. An empty box was read
    /// as a 0 at 99–100% (an attacker's 40 empty rectangles: 39 read as digits).
    func emptyBox(_ labels: [Int32]) -> DigitPipeline.Failure? {
        guard labels.count == 1, let piece = components.items.first(where: { $0.label == labels[0] }),
              let inner = ringInside(piece) else { return nil }
        var rows = [(min: Int, max: Int)](repeating: (Int.max, Int.min), count: piece.height)
        var columns = [(min: Int, max: Int)](repeating: (Int.max, Int.min), count: piece.width)
        for i in components.pixels(of: piece.label) {
            let (x, y) = (Int(i) % width, Int(i) / width)
            let (r, c) = (y - piece.minY, x - piece.minX)
            rows[r] = (min(rows[r].min, x), max(rows[r].max, x))
            columns[c] = (min(columns[c].min, y), max(columns[c].max, y))
        }
        func filled(_ spans: [(min: Int, max: Int)]) -> Double {
            Double(spans.reduce(0) { $0 + ($1.max >= $1.min ? $1.max - $1.min + 1 : 0) })
        }
        // A box is drawn with a pen thin for its size; a fat marker 0 is a rounded square
        // too (its ring a quarter of its width).
        let area = Double(piece.width * piece.height), pen = Double(piece.area) / Double(2 * (piece.width + piece.height))
        guard pen <= 0.12 * Double(min(piece.width, piece.height)),
              filled(rows) >= 0.93 * area, filled(columns) >= 0.93 * area else { return nil }
        let minArea = minimumPieceArea
        let holdsInk = components.items.contains { $0.label != piece.label && $0.area >= minArea && inner.holds($0.box) }
        return holdsInk ? nil : .emptyBox
    }
}
