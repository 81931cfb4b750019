/// Loops filled with ink.
///
/// The paper is a closing just wider than the strokes. A marker or a heavy pen fills the
/// loop of a 6, 8 or 9 with ink, and such a solid bowl is wider than the closing, so its
/// middle passes for paper: a square of "paper" (the closing's shape) opens in the ink,
/// and a long number's 6 was read as 5, an 8 as 5. The single-digit reading has a
/// fat-stroke closing for a digit that is fat all over (`withFatStrokesRestored`); one
/// filled bowl among nine digits brings too little new ink to call for it.
///
/// So the paper is also estimated with a closing three times as wide, and what that
/// finds to be ink where the usual closing found paper is taken back when it looks like
/// such a middle:
/// - at least as large as the closing's window (what a closing takes for paper inside a
///   blob holds a whole window; chalk dust and smudges beside strokes are smaller), and
/// - at least a third of its edge on ink already found (a bowl's middle lies inside its
///   ink; a strip of desk, a band of shadow or a thick frame lies on paper), and
/// - no wider or taller than the wide closing's window (a picture read the wrong way
///   round, its paper taken for ink, has pieces of "paper" as large as the picture), and
/// - as dark as the ink round it, nine pixels in ten, measured against the wide
///   closing's paper (a bowl is filled with the same ink; a shadow beside a stroke is
///   dimmed paper, and fades).
/// The inside of an open loop is as bright as the paper round it and is no ink for
/// either closing.
extension Analysis {
    /// Takes back into `mask` and `ink` the pieces that the wide closing finds to be ink
    /// and that look like the middle of a blob. `plane` is the plane read and `map`
    /// its paper; `threshold` what counts as ink. Returns how many pixels became ink.
    @discardableResult
    static func restoreFilledLoops(_ mask: inout [Bool], ink: inout Plane, plane: Plane, map: InkMap, threshold: Float) -> Int {
        let (w, h) = (plane.width, plane.height)
        // At most a quarter of the picture: a closing that wide must still see paper
        // round a blob (a close-up of a marker digit is no reason to give up, though).
        let radius = min(3 * map.radius, min(w, h) / 4)
        guard radius > map.radius else { return 0 }
        let oriented = map.lightOnDark ? plane.map { 255 - $0 } : plane
        let paper = oriented.closing(radius: radius)
        var wide = Plane(width: w, height: h)
        for p in 0..<(w * h) { wide.values[p] = max(0, (paper.values[p] - oriented.values[p]) / max(paper.values[p], 40)) }
        let strong = wide.boxMean(radius: 1)
        var candidate = [Bool](repeating: false, count: w * h)
        var any = false
        for p in 0..<(w * h) where !mask[p] && strong.values[p] >= threshold { candidate[p] = true; any = true }
        guard any else { return 0 }
        var seen = [Bool](repeating: false, count: w * h)
        var restored = 0
        for start in 0..<(w * h) where candidate[start] && !seen[start] {
            // One piece of new ink, and what its edge touches: ink found before, or paper.
            var piece = [start]
            seen[start] = true
            var (inkEdge, paperEdge) = (0, 0)
            var rim = [Float]()
            var (x0, y0, x1, y1) = (start % w, start / w, start % w, start / w)
            // A neighbour (nil: beyond the picture's edge, which counts as paper).
            func visit(_ n: Int?) {
                guard let n else { paperEdge += 1; return }
                if candidate[n] {
                    if !seen[n] { seen[n] = true; piece.append(n) }
                } else if mask[n] { inkEdge += 1; rim.append(wide.values[n]) } else { paperEdge += 1 }
            }
            var k = 0
            while k < piece.count {
                let i = piece[k]; k += 1
                let (x, y) = (i % w, i / w)
                (x0, y0, x1, y1) = (min(x0, x), min(y0, y), max(x1, x), max(y1, y))
                visit(x > 0 ? i - 1 : nil); visit(x < w - 1 ? i + 1 : nil)
                visit(y > 0 ? i - w : nil); visit(y < h - 1 ? i + w : nil)
            }
            // A blob's middle: a window's worth at least, a third of its edge on ink, and
            // no wider or taller than the wide closing's window (what the wide closing
            // could see as a stroke; the paper of a picture read the wrong way round is
            // larger).
            let (window, wideWindow) = ((2 * map.radius + 1) * (2 * map.radius + 1), 2 * radius + 1)
            guard 2 * inkEdge >= paperEdge, piece.count >= window,
                  x1 - x0 < wideWindow, y1 - y0 < wideWindow else { continue }
            // As dark as the ink round it, nearly all of it (nine pixels in ten): a bowl is
            // filled with the same ink; a shadow beside a stroke is paper dimmed, and
            // fades (a held-out shadow's piece: its tenth darkest at 0.55 of the ink
            // round it, a bowl's at 0.88).
            var inside = piece.map { wide.values[$0] }
            inside.sort(); rim.sort()
            guard inside[inside.count / 10] >= 0.75 * rim[rim.count / 2] else { continue }
            for i in piece { mask[i] = true; ink.values[i] = max(ink.values[i], wide.values[i]) }
            restored += piece.count
        }
        return restored
    }
}
