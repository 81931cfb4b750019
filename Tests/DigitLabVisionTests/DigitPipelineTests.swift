import Testing
import DigitLabIO
@testable import DigitLabVision

/// The pipeline on synthetic pictures of a "7": whatever the paper, polarity, alpha,
/// bit depth, size or position, the result is an MNIST-style 28x28 digit.
@Suite struct DigitPipelineTests {
    /// A 7 drawn with thick strokes into a width x height field; `ink(x, y)` in 0…1.
    static func seven(width: Int, height: Int, at ox: Int, _ oy: Int, size: Int) -> [Double] {
        var v = [Double](repeating: 0, count: width * height)
        let stroke = max(2, size / 7)
        for y in 0..<size { for x in 0..<size {
            let top = y < stroke && x >= size / 6
            let diagonal = abs((size - x) - (size - y) * (size - size / 6) / size) < stroke && y >= stroke
            if top || diagonal, ox + x < width, oy + y < height { v[(oy + y) * width + ox + x] = 1 }
        } }
        return v
    }

    /// Checks the 28x28 result: centre of mass near the middle, ink box 20 px long.
    func expectMNISTLike(_ r: DigitPipeline.Result, _ what: String) {
        var (mass, mx, my) = (0.0, 0.0, 0.0)
        var (x0, y0, x1, y1) = (28, 28, -1, -1)
        for y in 0..<28 { for x in 0..<28 {
            let v = Double(r.pixels[y * 28 + x])
            mass += v; mx += v * (Double(x) + 0.5); my += v * (Double(y) + 0.5)
            if v >= 64 { x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y) }
        } }
        #expect(mass > 0, "\(what): no ink")
        #expect(abs(mx / mass - 14) <= 1 && abs(my / mass - 14) <= 1, "\(what): centre of mass \(mx / mass), \(my / mass)")
        let longer = max(x1 - x0 + 1, y1 - y0 + 1)
        #expect((19...21).contains(longer), "\(what): ink box \(x1 - x0 + 1)x\(y1 - y0 + 1)")
    }

    func grey(_ ink: [Double], width: Int, height: Int, paper: Double, inkLevel: Double, noise: Double = 0) -> [UInt8] {
        var rng: UInt64 = 12345
        return ink.map { v in
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            let n = (Double(rng >> 40) / Double(1 << 24) - 0.5) * 2 * noise
            return UInt8(max(0, min(255, (paper + (inkLevel - paper) * v + n).rounded())))
        }
    }

    @Test func darkOnLightLightOnDarkNoisyAnySizeAndPosition() throws {
        let cases: [(String, Int, Int, Int, Int, Int, Double, Double, Double)] = [
            ("dark on white, centred", 100, 100, 20, 20, 60, 255, 20, 0),
            ("light on dark", 100, 100, 10, 30, 60, 15, 240, 0),
            ("off-centre on grey paper", 300, 200, 200, 120, 70, 190, 40, 0),
            ("tiny", 16, 16, 2, 2, 12, 255, 0, 0),
            ("large", 1200, 900, 300, 100, 700, 250, 30, 0),
            ("noisy paper", 120, 120, 30, 25, 70, 200, 50, 25),
        ]
        for (name, w, h, ox, oy, size, paper, ink, noise) in cases {
            let image = PNG.Grey(width: w, height: h, pixels: grey(Self.seven(width: w, height: h, at: ox, oy, size: size),
                                                                  width: w, height: h, paper: paper, inkLevel: ink, noise: noise))
            // Through real PNG bytes, so decoding is part of the test.
            let decoded = try PNG.decodeGrey(try PNG.encode(width: w, height: h, pixels: image.pixels, channels: 1), name: name)
            let r = try DigitPipeline.run(decoded)
            expectMNISTLike(r, name)
            #expect(r.lightInkOnDark == (paper < 128), "\(name)")
            let names = r.stages.map(\.name)
            #expect(names.first == "picture" && names.last == "28x28, centred" && names.contains("paper (estimated)")
                    && names.contains("ink kept, lines in red") && names.contains("the digit") && names.contains("20 px"), "\(names)")
        }
    }

    @Test func rgbaWithTransparentBackgroundAndSixteenBit() throws {
        let (w, h) = (64, 64)
        let ink = Self.seven(width: w, height: h, at: 8, 6, size: 48)
        // Blue ink, opaque where drawn, fully transparent elsewhere: composited over white.
        var rgba = [UInt8]()
        for v in ink { rgba += v > 0 ? [20, 40, 160, 255] : [0, 0, 0, 0] }
        let fromRGBA = try DigitPipeline.run(try PNG.decodeGrey(try PNG.encode(width: w, height: h, pixels: rgba, channels: 4), name: "rgba"))
        expectMNISTLike(fromRGBA, "RGBA, transparent background")
        let sixteen = ink.map { UInt16($0 > 0 ? 3000 : 60000) }
        let fromSixteen = try DigitPipeline.run(try PNG.decodeGrey(try PNG.encodeGrey16(width: w, height: h, values: sixteen), name: "16-bit"))
        expectMNISTLike(fromSixteen, "16-bit grey")
    }

    @Test func blankPaperIsRefused() {
        let blank = PNG.Grey(width: 50, height: 50, pixels: [UInt8](repeating: 230, count: 2500))
        #expect(throws: DigitPipeline.Failure.blank) { try DigitPipeline.run(blank) }
    }

    /// A thin pen's strokes are thickened to MNIST's, but never so far that a loop closes:
    /// a narrow 8 drawn with a fine pen (a handwriting font's) had its small top loop
    /// filled in, and was read as 0 at 89%.
    @Test func thickeningKeepsEveryLoop() throws {
        let (width, height, pen) = (120.0, 190.0, 2.0)
        var ink = [Double](repeating: 0, count: Int(width * height))
        // Two rings one above the other: a small one (24 px across) on a larger one.
        for (cx, cy, rx, ry) in [(60.0, 55.0, 12.0, 22.0), (60.0, 115.0, 26.0, 38.0)] {
            for y in 0..<Int(height) { for x in 0..<Int(width) {
                let (dx, dy) = ((Double(x) - cx) / rx, (Double(y) - cy) / ry)
                if abs((dx * dx + dy * dy).squareRoot() - 1) * min(rx, ry) < pen { ink[y * Int(width) + x] = 1 }
            } }
        }
        let pixels = grey(ink, width: Int(width), height: Int(height), paper: 240, inkLevel: 20)
        let r = try DigitPipeline.run(RasterImage(width: Int(width), height: Int(height), channels: 1, pixels: pixels))
        expectMNISTLike(r, "thin 8")
        let loops = Analysis.enclosedPaper(r.pixels.map { $0 >= 128 }, width: 28, height: 28, minimumArea: 1).count
        #expect(loops == 2, "the 8 keeps both loops at 28x28: \(loops)")
    }

    @Test func malformedPNGsGiveOneLine() {
        #expect(throws: IOError("x.png", "not a readable PNG (libpng: Not a PNG file) — check it is a PNG file")) {
            try PNG.decodeGrey(Array("hello, not a png".utf8), name: "x.png")
        }
        var bytes = try! PNG.encode(width: 8, height: 8, pixels: [UInt8](repeating: 9, count: 64), channels: 1)
        bytes.removeLast(20)
        #expect(throws: (any Error).self) { try PNG.decodeGrey(bytes, name: "cut.png") }
    }
}
