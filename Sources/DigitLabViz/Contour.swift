/// The outline of a shape in a grid of values: the line where the values cross `level`,
/// by marching squares over the pixel centres. Used to draw a digit's outline over its
/// saliency map without hiding the colours.
///
/// Segments are in grid units, (x, y) with pixel centres at (c + 0.5, r + 0.5); values
/// outside the grid count as below the level, so a digit touching the border is closed.
public func contourSegments(_ values: [Float], rows: Int, columns: Int, level: Float)
    -> [(Double, Double, Double, Double)] {
    func v(_ r: Int, _ c: Int) -> Float {
        r < 0 || c < 0 || r >= rows || c >= columns ? -Float.infinity : values[r * columns + c]
    }
    var out = [(Double, Double, Double, Double)]()
    // Cells between pixel centres (r, c) … (r + 1, c + 1), including a ring outside.
    for r in -1..<rows {
        for c in -1..<columns {
            let a = v(r, c), b = v(r, c + 1), d = v(r + 1, c), e = v(r + 1, c + 1) // tl, tr, bl, br
            let index = (a >= level ? 8 : 0) | (b >= level ? 4 : 0) | (e >= level ? 2 : 0) | (d >= level ? 1 : 0)
            if index == 0 || index == 15 { continue }
            // Where the level crosses each edge (linear in between; at the midpoint next to the outside).
            func t(_ p: Float, _ q: Float) -> Double {
                guard p.isFinite, q.isFinite, p != q else { return 0.5 }
                return Double((level - p) / (q - p))
            }
            let x0 = Double(c) + 0.5, y0 = Double(r) + 0.5
            let top = (x0 + t(a, b), y0), bottom = (x0 + t(d, e), y0 + 1)
            let left = (x0, y0 + t(a, d)), right = (x0 + 1, y0 + t(b, e))
            func seg(_ p: (Double, Double), _ q: (Double, Double)) { out.append((p.0, p.1, q.0, q.1)) }
            switch index {
            case 1, 14: seg(left, bottom)
            case 2, 13: seg(bottom, right)
            case 3, 12: seg(left, right)
            case 4, 11: seg(top, right)
            case 6, 9: seg(top, bottom)
            case 7, 8: seg(left, top)
            case 5: seg(left, top); seg(bottom, right)   // saddles: split them
            case 10: seg(top, right); seg(left, bottom)
            default: break
            }
        }
    }
    return out
}
