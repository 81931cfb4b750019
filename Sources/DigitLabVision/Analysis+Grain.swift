/// Grain is no writing: on a blank page photographed in dim light, or a small picture of
/// nothing but paper, the "ink" found is the paper's own noise, thresholded into specks
/// that join into a digit-sized blob, and the network is sure of anything it is shown
/// (124 of 240 pictures of pure noise were read as a digit, many at 95–100%).
///
/// Writing stands out from its paper more than the paper varies: how far the kept ink's
/// typical strength is from the paper's, in grey levels and in units of the paper's own
/// variation ("grains"). On the dev sets' 3,600 single digits the weakest reading kept
/// stood 22 grey levels and 16 grains out (a dim camera photo), or, below 50 levels, at
/// least 16 grains; a fat digit filling a tight crop, whose soft edges count as paper,
/// 3.8 grains but 66 levels. Pure noise stood 2–5 grains out, or under 8 levels where
/// the paper was flat enough for more (JPEG's flat blocks). A faint digit on paper whose
/// noise is a fifth to a third of its contrast stands 3–6 grains out too: at 6 grains an
/// attacker's 18 such digits, read right before, were refused; at 4, 6 of them, and its
/// blank pages read as a digit went 49 → 13 of 120 (Docs/real-world.md). Telling the two
/// apart better needs the shape of the ink, not its strength.
extension Analysis {
    /// How the kept ink stands out: below `minimumLevels` grey levels, or below
    /// `minimumGrains` times the paper's variation while under `clearLevels`, it is grain.
    static let grainRule: (minimumLevels: Float, minimumGrains: Float, clearLevels: Float) = (8, 4, 50)

    /// The paper's typical ink strength and its variation (the mean distance from that),
    /// over the pixels that are neither ink nor removed lines; the ink smoothed 3x3, as
    /// `inkMask` thresholds it (a hair-thin stroke's own pixels are only part of its
    /// mask), and kept for measuring the ink against it (`grain`).
    struct PaperGrain {
        let typical: Float
        let variation: Float
        let smoothed: Plane
    }

    var paperGrain: PaperGrain {
        let smoothed = ink.boxMean(radius: 1)
        let step = max(1, mask.count / 16_384)
        var paper = [Float]()
        paper.reserveCapacity(mask.count / step + 1)
        for i in stride(from: 0, to: mask.count, by: step) where !mask[i] && !removed[i] { paper.append(smoothed.values[i]) }
        guard !paper.isEmpty else { return PaperGrain(typical: 0, variation: 0, smoothed: smoothed) }
        let typical = paper.orderStatistic(paper.count / 2)
        return PaperGrain(typical: typical, variation: paper.reduce(0) { $0 + abs($1 - typical) } / Float(paper.count), smoothed: smoothed)
    }

    /// The kept ink (`labels` in `box`) when it stands out from the paper no more than the
    /// paper's grain does, or is too faint to be writing (under `minimumLevels`): why it is no digit.
    func grain(_ labels: Set<Int32>, in box: Box, paper: PaperGrain) -> DigitPipeline.Failure? {
        let step = max(1, box.width * box.height / 16_384)
        var kept = [Float]()
        var k = 0
        for y in box.y...box.maxY { for x in box.x...box.maxX {
            defer { k += 1 }
            guard k % step == 0, labels.contains(components.labels[y * width + x]) else { continue }
            kept.append(paper.smoothed.values[y * width + x])
        } }
        guard !kept.isEmpty else { return nil }
        // Ink is relative to the paper's brightness (at least 40 levels: `InkMap.analyse`).
        let above = kept.orderStatistic(kept.count / 2) - paper.typical
        let levels = above * max(40, map.paperLevel.percentile(0.5))
        let grains = above / max(1e-4, paper.variation)
        let rule = Self.grainRule
        return levels < rule.minimumLevels || (grains < rule.minimumGrains && levels < rule.clearLevels) ? .grain : nil
    }
}
