@testable import DigitLabCore
import DigitLabIO
import Testing
@testable import DigitLabViz

/// Figures decode to their size, show known inputs at chosen pixels, and repeat byte
/// for byte.
@Suite struct FigureTests {
    func decode(_ c: Canvas) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        try PNG.decodeRGB(try c.png(), name: "figure")
    }

    func pixel(_ image: (width: Int, height: Int, pixels: [UInt8]), _ x: Int, _ y: Int) -> (r: Int, g: Int, b: Int) {
        let i = 3 * (y * image.width + x)
        return (Int(image.pixels[i]), Int(image.pixels[i + 1]), Int(image.pixels[i + 2]))
    }

    func luminance(_ p: (r: Int, g: Int, b: Int)) -> Double { 0.2126 * Double(p.r) + 0.7152 * Double(p.g) + 0.0722 * Double(p.b) }

    @Test func confusionCellsAreOrderedLikeTheCounts() throws {
        // Diagonal 900; off-diagonal counts 1, 10, 100 at known cells.
        var counts = [Int](repeating: 0, count: 100)
        for c in 0..<10 { counts[c * 10 + c] = 900 }
        counts[0 * 10 + 1] = 1; counts[2 * 10 + 3] = 10; counts[4 * 10 + 5] = 100
        let canvas = ConfusionFigure.draw(ConfusionMatrix(classes: 10, counts: counts), classNames: (0...9).map(String.init), split: "test")
        let image = try decode(canvas)
        #expect(image.width == canvas.width && image.height == canvas.height)
        // Cell (t, p) starts at (98 + 46p, 92 + 46t); sample a corner, away from the count.
        func cell(_ t: Int, _ p: Int) -> Double { luminance(pixel(image, 98 + 46 * p + 4, 92 + 46 * t + 4)) }
        #expect(cell(0, 2) > 254.5, "an empty cell stays white")
        #expect(cell(0, 1) < cell(2, 3) && cell(2, 3) < cell(4, 5) && cell(4, 5) < cell(0, 0),
                "viridis brightens with the count: \(cell(0, 1)) \(cell(2, 3)) \(cell(4, 5)) \(cell(0, 0))")
    }

    @Test func filterSignsLandOnTheirSideOfTheDivergingMap() throws {
        // One 3x3 filter: top-left strongly positive, bottom-right strongly negative.
        var w = [Float](repeating: 0, count: 9)
        w[0] = 1; w[8] = -1
        let image = try decode(FiltersFigure.conv(title: "t", weights: w, filters: 1, channels: 1, kernel: 3))
        // 14-pixel cells from (28, 70).
        let positive = pixel(image, 28 + 7, 70 + 7), negative = pixel(image, 28 + 2 * 14 + 7, 70 + 2 * 14 + 7)
        let zero = pixel(image, 28 + 14 + 7, 70 + 7)
        #expect(positive.r > positive.b + 40, "positive is red: \(positive)")
        #expect(negative.b > negative.r + 40, "negative is blue: \(negative)")
        #expect(zero.r > 240 && zero.g > 240 && zero.b > 240, "zero is white: \(zero)")
    }

    @Test func digitsAreGreyInkOnWhite() throws {
        var pixels = [UInt8](repeating: 0, count: 784)
        pixels[0] = 255
        let image = try decode(SamplesFigure.draw(title: "t", subtitle: "s", images: [(pixels[...], "7")]))
        // The first sample starts at (28, 70), 3 pixels per image pixel.
        #expect(pixel(image, 29, 71) == (0, 0, 0))
        #expect(pixel(image, 28 + 10, 70 + 10) == (255, 255, 255))
    }

    /// The stages strip: "3. ink (light on dark, turned round)" ran into its neighbours'
    /// captions; long names now break into two lines, each within the tile's width.
    @Test func longStageNamesBreakIntoTwoLinesThatFit() {
        let c = Canvas(width: 200, height: 100)
        let width = 138.0
        let long = PipelineFigure.wrapped("3. ink (light on dark, turned round)", width: width, on: c)
        #expect(long.count == 2)
        #expect(long.joined(separator: " ") == "3. ink (light on dark, turned round)")
        for line in long { #expect(c.textWidth(line, size: Style.captionSize) <= width) }
        #expect(PipelineFigure.wrapped("1. picture", width: width, on: c) == ["1. picture"])
        let endless = PipelineFigure.wrapped("9. " + String(repeating: "wordy ", count: 40), width: width, on: c)
        #expect(endless.count == 2 && endless[1].hasSuffix("…"))
        for line in endless { #expect(c.textWidth(line, size: Style.captionSize) <= width) }
    }

    /// A newcomer review: a long path under a figure's title ran off its right edge. It
    /// now loses its start and keeps the file's name.
    @Test func aLongSubtitleKeepsItsEnd() {
        let c = Canvas(width: 300, height: 100)
        let path = "/home/learner/" + String(repeating: "photos/", count: 20) + "seven.jpg"
        let shown = c.endFitting(path, width: 244, size: Style.labelSize)
        #expect(shown.hasPrefix("…") && shown.hasSuffix("/seven.jpg"), "\(shown)")
        #expect(c.textWidth(shown, size: Style.labelSize) <= 244)
        #expect(c.endFitting("seven.jpg", width: 244, size: Style.labelSize) == "seven.jpg")
    }

    @Test func sameInputSameBytes() throws {
        var log = MetricsLog()
        for s in 1...20 {
            log.record(.batchEnd(BatchReport(epoch: 1 + s / 11, step: s, stepInEpoch: (s - 1) % 10 + 1, stepsPerEpoch: 10,
                                             loss: 2 / Float(s), accuracy: Double(s) / 21, images: 64,
                                             learningRate: 0.1, layerStats: [], seconds: 0.01)))
        }
        let a = try CurvesFigure.draw(log).png(), b = try CurvesFigure.draw(log).png()
        #expect(a == b)
        #expect(a.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let e = try decode(EmbeddingFigure.draw(points: [(0, 0, 1), (1, 2, 3)], explained: (0.5, 0.2),
                                                classNames: (0...9).map(String.init), subtitle: "s"))
        #expect(e.width == 760 && e.height == 660)
    }
}
