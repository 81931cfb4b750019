import Foundation
import DigitLabCore
import DigitLabIO
@testable import DigitLabVision

/// The package folder (three levels above this file).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

/// Pictures made in the test from MNIST *test* digits, as a user's photo would show them.
enum Fixtures {
    static let test: (pixels: [UInt8], labels: [UInt8]) = {
        let images = try! IDX.readImages(packageRoot + "/data/mnist/t10k-images-idx3-ubyte.gz")
        let labels = try! IDX.readLabels(packageRoot + "/data/mnist/t10k-labels-idx1-ubyte.gz")
        return (images.pixels, labels)
    }()

    /// The default model as a classifier (a fresh one each time: a network is not shared
    /// between tests running in parallel).
    /// With the one-digit judge and the in-line digit network, as `digitlab read` has them
    /// (`judged: false`, `inLine: false`: without).
    static func classifier(judged: Bool = true, inLine: Bool = true) -> DigitClassifier {
        let (network, info) = try! ModelFile.load(packageRoot + "/models/default.safetensors")
        var classifier = DigitClassifier(network: network, normalization: info.normalization, classNames: info.classNames)
        if judged {
            let (judge, judgeInfo) = try! ModelFile.load(packageRoot + "/models/one-digit.safetensors")
            classifier.judge = OneDigitJudge(network: judge, normalization: judgeInfo.normalization)
        }
        if inLine {
            let (reader, readerInfo) = try! ModelFile.load(packageRoot + "/models/in-line.safetensors")
            classifier.inLine = InLineReader(network: reader, normalization: readerInfo.normalization)
        }
        return classifier
    }

    static func label(_ i: Int) -> Int { Int(test.labels[i]) }

    /// Test digit `i` (255 = ink), cropped to its ink and enlarged `scale` times (bilinear):
    /// what cropping a digit tightly and blowing it up gives.
    static func tightInk(_ i: Int, scale: Int) -> Plane {
        let d = Array(test.pixels[(i * 784)..<((i + 1) * 784)])
        var (x0, y0, x1, y1) = (28, 28, -1, -1)
        for y in 0..<28 { for x in 0..<28 where d[y * 28 + x] > 40 { x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y) } }
        let crop = Plane(width: 28, height: 28, values: d.map { Float($0) / 255 }).cropped(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1)
        return crop.resized(width: crop.width * scale, height: crop.height * scale)
    }

    /// An RGB picture `width` x `height` of `paper` colour, with `ink` (0…1 coverage) drawn
    /// in `inkColour` at (x, y).
    static func picture(width: Int, height: Int, paper: (Float, Float, Float) = (245, 243, 238),
                        ink: Plane, at x: Int, _ y: Int, inkColour: (Float, Float, Float) = (25, 25, 30)) -> RasterImage {
        var px = [UInt8](repeating: 0, count: width * height * 3)
        for yy in 0..<height { for xx in 0..<width {
            var a: Float = 0
            let (ix, iy) = (xx - x, yy - y)
            if ix >= 0, iy >= 0, ix < ink.width, iy < ink.height { a = min(1, max(0, ink[ix, iy])) }
            let c = [paper.0 * (1 - a) + inkColour.0 * a, paper.1 * (1 - a) + inkColour.1 * a, paper.2 * (1 - a) + inkColour.2 * a]
            for k in 0..<3 { px[(yy * width + xx) * 3 + k] = UInt8(max(0, min(255, c[k].rounded()))) }
        } }
        return RasterImage(width: width, height: height, channels: 3, pixels: px)
    }

    /// Multiplies the picture's pixels by `f(x, y)` (shadows), or paints them (frames, desks).
    static func modified(_ r: RasterImage, _ f: (Int, Int, inout [UInt8]) -> Void) -> RasterImage {
        var out = r
        for y in 0..<r.height { for x in 0..<r.width {
            var p = Array(out.pixels[((y * r.width + x) * 3)..<((y * r.width + x) * 3 + 3)])
            f(x, y, &p)
            for k in 0..<3 { out.pixels[(y * r.width + x) * 3 + k] = p[k] }
        } }
        return out
    }

    /// An APP1 "Exif" segment holding only IFD0 with the orientation tag (little-endian).
    static func exifSegment(orientation: Int) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 255), UInt8(v >> 8 & 255)] }
        let tiff: [UInt8] = [0x49, 0x49, 42, 0, 8, 0, 0, 0] + u16(1) + u16(0x0112) + u16(3) + [1, 0, 0, 0] + u16(orientation) + [0, 0, 0, 0, 0, 0]
        let body = Array("Exif".utf8) + [0, 0] + tiff
        return [0xFF, 0xE1, UInt8((body.count + 2) >> 8), UInt8((body.count + 2) & 255)] + body
    }

    /// With DIGITLAB_DUMP=DIR set, writes the picture there (to look at a failing case).
    static func dump(_ r: RasterImage, _ name: String) {
        guard let dir = ProcessInfo.processInfo.environment["DIGITLAB_DUMP"] else { return }
        try? AtomicFile.write(try PNG.encode(width: r.width, height: r.height, pixels: r.pixels, channels: r.channels), to: "\(dir)/\(name).png")
    }

    /// Test digits `digits` drawn by `picture` (dumped as NAME-i), read one by one: how
    /// many were read right, and every answer.
    static func readRight(_ digits: [Int], _ name: String, picture: (Int) -> RasterImage) throws -> (right: Int, answers: [Int]) {
        var (right, answers) = (0, [Int]())
        for i in digits {
            let r = picture(i)
            dump(r, "\(name)-\(i)")
            let answer = try predict(r)
            answers.append(answer)
            if answer == label(i) { right += 1 }
        }
        return (right, answers)
    }

    static func predict(_ r: RasterImage) throws -> Int {
        answer(try DigitPipeline.run(r, classifier: classifier()))
    }

    /// The network's answer for a picture the pipeline has read.
    static func answer(_ result: DigitPipeline.Result) -> Int {
        let p = classifier().probabilities([result.pixels])[0]
        return p.indices.max { p[$0] < p[$1] }!
    }
}
