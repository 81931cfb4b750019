import Foundation
@testable import DigitLabCore
import DigitLabIO
import Testing
@testable import DigitLabViz

/// The teaching pictures: a trace for any network a learner can build, compared runs,
/// signed maps centred on white, outlines that close, noise-like units found.
@Suite struct TeachingFigureTests {
    typealias Image = (width: Int, height: Int, pixels: [UInt8])

    func decode(_ c: Canvas) throws -> Image { try PNG.decodeRGB(try c.png(), name: "figure") }

    func pixel(_ image: Image, _ x: Int, _ y: Int) -> RGB {
        let i = 3 * (y * image.width + x)
        return RGB(image.pixels[i], image.pixels[i + 1], image.pixels[i + 2])
    }

    func count(_ image: Image, _ color: RGB, in box: (x: Range<Int>, y: Range<Int>)? = nil) -> Int {
        var n = 0
        for y in box?.y ?? 0..<image.height { for x in box?.x ?? 0..<image.width where pixel(image, x, y) == color { n += 1 } }
        return n
    }

    /// A digit-like image: a vertical bar of ink.
    static let pixels: [UInt8] = (0..<784).map { i in abs(i / 28 - 14) < 9 && abs(i % 28 - 13) < 2 ? 255 : 0 }

    static func traceData(_ specs: [LayerSpec], seed: UInt64 = 1) throws -> TraceFigure.Data {
        var rng = SeededRNG(seed: seed)
        let net = Network()
        for s in specs { try net.append(s, using: &rng) }
        let (x, _) = Normalization.mnist.batch(LabeledImages(pixels: pixels, labels: [1], rows: 28, columns: 28), indices: [0])
        return TraceFigure.Data(network: net, x: x, pixels: pixels, classNames: (0...9).map(String.init), truth: 1, caption: "test image #0")
    }

    static let networks: [(String, [LayerSpec])] = [
        ("mlp", Preset.mlp.layers), ("lenet5", Preset.lenet5.layers), ("cnn", Preset.cnn.layers),
        ("odd", [.batchnorm, .conv(filters: 3, kernel: 3, stride: 2, padding: .fixed(1)), .activation(.tanh), .avgpool(size: 2),
                 .conv(filters: 4, kernel: 2, stride: 1, padding: .fixed(0)), .flatten, .dense(units: 12), .dense(units: 10),
                 .activation(.softmax)]),
    ]

    @Test(arguments: networks.map(\.0))
    func traceDrawsAnyNetworkAndRepeatsByteForByte(_ name: String) throws {
        let specs = Self.networks.first { $0.0 == name }!.1
        let data = try Self.traceData(specs)
        let canvas = TraceFigure.draw(data)
        let image = try decode(canvas)
        #expect(image.width == canvas.width && image.height == canvas.height)
        #expect(try TraceFigure.draw(data).png() == canvas.png(), "same input, same bytes")
        #expect(count(image, TraceFigure.highlight) > 20, "the worked number is marked")
        switch name {
        case "mlp": #expect(data.convolution == nil && data.dense?.layer == 1, "no conv: a dense unit is worked instead")
        case "odd": #expect(data.convolution?.layer == 1 && data.convolution?.activation?.kind == .tanh)
        default: #expect(data.convolution?.layer == 0)
        }
    }

    @Test func bigConvLayersShowTheirMostActiveFiltersAndSaySo() throws {
        let data = try Self.traceData(Preset.cnn.layers)
        let blocks = TraceFigure.layout(data)
        let maps = blocks.filter { $0.channels > 0 }
        #expect(maps.map(\.channels) == [32, 64] && maps.map(\.rows.count) == [8, 8])
        #expect(TraceFigure.subtitle(data, blocks).contains("8 of 32, 8 of 64 shown (those responding most)"))
        #expect(TraceFigure.subtitle(data, blocks).contains("dropout passes everything when predicting"))
        // The rows chosen are the filters with the highest peaks.
        let conv = data.trace[0]
        let peaks = (0..<32).map { f in conv.values[(f * 676)..<((f + 1) * 676)].max()! }
        let chosen = Set(maps[0].rows)
        #expect(chosen.allSatisfy { f in peaks.filter { $0 > peaks[f] }.count < 8 })
        #expect(chosen.contains(data.convolution!.filter), "the worked number's filter is drawn")
    }

    @Test func theWorkedPatchIsFramedOnTheInput() throws {
        let data = try Self.traceData(Preset.lenet5.layers)
        let image = try decode(TraceFigure.draw(data))
        let w = try #require(data.convolution)
        // The input digit starts at (28, 148) with 3-pixel cells; the frame runs one pixel outside the patch.
        let (x0, y0) = (28 + 3 * max(0, w.inputColumn) - 1, 148 + 3 * max(0, w.inputRow) - 1)
        let corner = count(image, TraceFigure.highlight, in: (x: (x0 - 1)..<(x0 + 3), y: (y0 - 1)..<(y0 + 3)))
        #expect(corner > 0, "orange at the patch's top-left corner (\(x0), \(y0))")
    }

    static func log(losses: [Float], accuracy: Double, validation: (Float, Double)?) -> MetricsLog {
        var log = MetricsLog()
        for (s, loss) in losses.enumerated() {
            log.record(.batchEnd(BatchReport(epoch: 1 + s / 10, step: s + 1, stepInEpoch: s % 10 + 1, stepsPerEpoch: 10, loss: loss,
                                             accuracy: accuracy, images: 64, learningRate: 0.1, layerStats: [], seconds: 0)))
            if s % 10 == 9 {
                let v = validation.map { (loss, accuracy) -> Evaluation in
                    var counts = [Int](repeating: 0, count: 100)
                    counts[0] = Int(accuracy * 100); counts[1] = 100 - counts[0] // row 0: right, then wrong
                    return Evaluation(loss: loss, confusion: ConfusionMatrix(classes: 10, counts: counts), predictions: [], probabilities: [])
                }
                log.record(.epochEnd(EpochReport(epoch: s / 10 + 1, trainLoss: loss, trainAccuracy: accuracy, validation: v, seconds: 1, images: 640)))
            }
        }
        return log
    }

    @Test func compareOverlaysEveryRunInItsColour() throws {
        let good = Self.log(losses: (0..<30).map { 2.3 * exp(-Float($0) / 8) }, accuracy: 0.9, validation: (0.3, 0.92))
        let diverged = Self.log(losses: (0..<30).map { $0 < 5 ? 2.3 : ($0 == 12 ? .nan : 8000) }, accuracy: 0.1, validation: nil)
        let stepsOnly = Self.log(losses: [2.3, 2.0, 1.8], accuracy: 0.5, validation: nil)
        let runs = [CompareFigure.Run(name: "right", settings: "lr 0.1", log: good),
                    CompareFigure.Run(name: "too-high", settings: "lr 10", log: diverged),
                    CompareFigure.Run(name: "just-started", settings: "lr 0.3", log: stepsOnly)]
        let canvas = CompareFigure.draw(runs)
        let image = try decode(canvas)
        #expect(try CompareFigure.draw(runs).png() == canvas.png())
        let plots = (x: 90..<450, y: 92..<362)
        #expect(count(image, ColorMap.classes[0], in: plots) > 50, "the first run's curve")
        #expect(count(image, ColorMap.classes[1], in: plots) > 20, "the second run's curve, clipped at the top")
        #expect(count(image, ColorMap.classes[2], in: plots) > 5, "a run of a few steps and no epoch")
    }

    @Test func signedActivationsPutZeroOnWhite() throws {
        // One channel of 2x2: −1, 0, 0.5, 1.
        let values: [Float] = [-1, 0, 0.5, 1]
        let signed = try decode(ActivationsFigure.draw(title: "t", input: Self.pixels[...], values: values, shape: [1, 2, 2], signed: true))
        let unsigned = try decode(ActivationsFigure.draw(title: "t", input: Self.pixels[...], values: [0, 0, 0.5, 1], shape: [1, 2, 2], signed: false))
        // Cells of 8 pixels from (136, 70): the second cell holds the 0.
        #expect(pixel(signed, 136 + 12, 74) == ColorMap.diverging.color(0), "0 is white")
        #expect(pixel(signed, 136 + 4, 74) == ColorMap.diverging.color(-1), "−1 is dark blue")
        #expect(pixel(unsigned, 136 + 4, 74) == ColorMap.viridis.color(0), "0 is viridis' dark end")
        #expect(ValueScale(values: values).signed && !ValueScale(values: [0, 2]).signed, "from the values when not told")
    }

    @Test func theOutlineOfABlobIsClosed() {
        var grid = [Float](repeating: 0, count: 100)
        for r in 3..<7 { for c in 2..<5 { grid[r * 10 + c] = 255 } }
        let segments = contourSegments(grid, rows: 10, columns: 10, level: 128)
        var ends = [String: Int]()
        for s in segments {
            for p in [(s.0, s.1), (s.2, s.3)] { ends[String(format: "%.3f,%.3f", p.0, p.1), default: 0] += 1 }
        }
        #expect(!segments.isEmpty && ends.values.allSatisfy { $0 == 2 }, "every end meets exactly one other segment")
        #expect(segments.allSatisfy { min($0.0, $0.2) >= 2 && max($0.0, $0.2) <= 5 && min($0.1, $0.3) >= 3 && max($0.1, $0.3) <= 7 },
                "around the blob, between its pixels and their neighbours")
        // Ink touching the border is still closed: outside the grid counts as paper.
        var edgeEnds = [String: Int]()
        for s in contourSegments([255, 255, 0, 0], rows: 2, columns: 2, level: 128) {
            for p in [(s.0, s.1), (s.2, s.3)] { edgeEnds[String(format: "%.3f,%.3f", p.0, p.1), default: 0] += 1 }
        }
        #expect(!edgeEnds.isEmpty && edgeEnds.values.allSatisfy { $0 == 2 })
    }

    @Test func noiseLikeDenseUnitsAreFoundAndSortedLast() throws {
        var rng = SeededRNG(seed: 3)
        // Unit 0: a smooth blob (large); unit 1: random weights (smaller norm); unit 2: a smaller smooth blob.
        let blob: [Float] = (0..<784).map { i -> Float in
            let r = Float(i / 28) - 14, c = Float(i % 28) - 14
            let d2: Float = r * r + c * c
            return exp(-d2 / 40)
        }
        let noise: [Float] = (0..<784).map { _ in 0.1 * rng.uniform(-1, 1) }
        let small: [Float] = blob.map { $0 * 0.2 }
        let weights: [Float] = blob + noise + small
        let stats = FiltersFigure.unitStatistics(weights, units: 3, rows: 28, columns: 28)
        #expect(stats[1].roughness > 0.9 && stats[1].noiseLike, "random weights: \(stats[1].roughness)")
        #expect(stats[0].roughness < 0.1 && !stats[0].noiseLike && !stats[2].noiseLike)
        let image = try decode(FiltersFigure.dense(title: "t", weights: weights, units: 3))
        // Sorted by norm: blob, noise, small blob; the noise tile (the second) has a red frame.
        #expect(stats[0].norm > stats[1].norm && stats[1].norm > stats[2].norm)
        #expect(count(image, .bad, in: (x: 88..<150, y: 66..<72)) > 20, "red frame above the second tile")
        #expect(count(image, .bad, in: (x: 24..<86, y: 66..<72)) == 0, "none around the first")
    }

    @Test func augmentedSamplesSayWhatIsOnAndInvertTheNormalisation() throws {
        #expect(SamplesFigure.describe(Augmentation(shift: 2, rotate: 10)) == "shift 2 rotate 10")
        #expect(SamplesFigure.describe(Augmentation(scale: 0.1, elastic: 34)) == "scale 0.1 elastic 34")
        // The pen's changes and the outliers are named too (the subtitle once left them out).
        var pen = Augmentation(shift: 2); pen.thickness = 1; pen.blur = 0.8; pen.styles = 0.3; pen.outliers = 0.15
        #expect(SamplesFigure.describe(pen) == "shift 2 thickness 1 blur 0.8 styles 0.3 outliers 0.15")
        let n = Normalization.mnist
        let (x, _) = n.batch(LabeledImages(pixels: Self.pixels, labels: [1], rows: 28, columns: 28), indices: [0])
        #expect(SamplesFigure.bytes(x.data, normalization: n) == Self.pixels, "normalised and back")
        let canvas = SamplesFigure.augmented(title: "t", augmentation: Augmentation(shift: 2), images: [(Self.pixels[...], [Self.pixels, Self.pixels], "#0: 1")])
        let image = try decode(canvas)
        #expect(image.width == canvas.width && image.height == canvas.height)
        #expect(count(image, .bad) == 0, "no outliers, no red")
        // A variant that `augment outliers` replaced is framed in red, with a legend.
        let marked = try decode(SamplesFigure.augmented(title: "t", augmentation: pen, images: [(Self.pixels[...], [Self.pixels, Self.pixels], "#0: 1")],
                                                        notADigit: [[false, true]]))
        #expect(marked.height > image.height, "room for the legend")
        #expect(count(marked, .bad) > 200, "a red frame and the legend: \(count(marked, .bad)) red pixels")
    }

    @Test func embeddingDrawsPCAAndTSNE() throws {
        var points = [EmbeddingFigure.Point]()
        for i in 0..<40 {
            let x = Float(i % 10) + Float(i) * 0.01
            points.append((x: x, y: Float(i / 10), label: i % 10))
        }
        let single = try decode(EmbeddingFigure.draw(points: points, projection: .tsne(perplexity: 30), classNames: (0...9).map(String.init), subtitle: "s"))
        #expect(single.width == 760 && single.height == 660)
        let both = try decode(EmbeddingFigure.sideBySide(pca: points, explained: (0.3, 0.2), tsne: points, perplexity: 30,
                                                          classNames: (0...9).map(String.init), subtitle: "s"))
        #expect(both.width == 1280)
    }
}
