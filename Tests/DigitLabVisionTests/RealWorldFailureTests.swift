import Foundation
import Testing
import DigitLabCore
import DigitLabIO
@testable import DigitLabVision

/// Each failure of issue 15's "Why", as a user met it, on pictures made here from MNIST
/// test digits. Every one of these failed with the first pipeline (paper taken from the
/// picture's border, ink box of the whole picture, PNG only, no numbers).
@Suite struct RealWorldFailureTests {
    /// "8 of 10 MNIST test digits cropped to their ink and enlarged gave 'no digit found'."
    @Test func tightCropsAreRead() throws {
        var right = 0
        for i in 0..<10 {
            let ink = Fixtures.tightInk(i, scale: 6)
            let picture = Fixtures.picture(width: ink.width, height: ink.height, ink: ink, at: 0, 0)
            Fixtures.dump(picture, "tight-\(i)")
            let dark = !(try DigitPipeline.run(picture, classifier: Fixtures.classifier()).lightInkOnDark)
            #expect(dark, "test digit \(i): dark ink on paper")
            if try Fixtures.predict(picture) == Fixtures.label(i) { right += 1 }
        }
        #expect(right >= 9, "tight crops read right: \(right) of 10")
    }

    /// Tight crops written with a fat marker: strokes a fifth of the picture wide, ink a
    /// good part of it. The polarity rules read these as light ink on dark (8 of 12 read
    /// wrong before the tight reading), and the closing that estimates the paper locally
    /// was narrower than the strokes, so their middles passed for paper.
    @Test func fatTightCropsAreReadAsDarkInk() throws {
        var (right, dark, misread) = (0, 0, [Int]())
        let digits = Array(0..<12)
        for i in digits {
            let ink = Fixtures.tightInk(i, scale: 8).maxFilter(radius: 7)
            let picture = Fixtures.picture(width: ink.width, height: ink.height, ink: ink, at: 0, 0)
            Fixtures.dump(picture, "fat-tight-\(i)")
            if !(try DigitPipeline.run(picture, classifier: Fixtures.classifier()).lightInkOnDark) { dark += 1 }
            if try Fixtures.predict(picture) == Fixtures.label(i) { right += 1 } else { misread.append(i) }
        }
        #expect(dark >= 11, "read as dark ink on paper: \(dark) of \(digits.count)")
        #expect(right >= 11, "fat tight crops read right: \(right) of \(digits.count); misread: \(misread)")
    }

    /// Chalk on a board that fills the picture, written fat: the polarity rules disagree
    /// (the busy pixels are half chalk), and the dark-on-light reading's fragments were
    /// confident enough to win. The board all round and in the middle now has a say.
    @Test func fatChalkOnABoardReadsLightOnDark() throws {
        var (right, light, misread) = (0, 0, [Int]())
        let digits = Array(0..<10)
        for i in digits {
            let ink = Fixtures.tightInk(i, scale: 6).maxFilter(radius: 5)
            let (w, h) = (ink.width * 2, ink.height * 3 / 2)
            var picture = Fixtures.picture(width: w, height: h, paper: (48, 54, 50), ink: ink,
                                           at: (w - ink.width) / 2, (h - ink.height) / 2, inkColour: (228, 228, 218))
            // Smudges: a little unevenness across the board.
            picture = Fixtures.modified(picture) { x, y, p in
                let d = Float((x * 7 + y * 11) % 13) - 6
                p = p.map { UInt8(max(0, min(255, Float($0) + d))) }
            }
            Fixtures.dump(picture, "chalk-\(i)")
            if try DigitPipeline.run(picture, classifier: Fixtures.classifier()).lightInkOnDark { light += 1 }
            if try Fixtures.predict(picture) == Fixtures.label(i) { right += 1 } else { misread.append(i) }
        }
        #expect(light == digits.count, "read as light ink on dark: \(light) of \(digits.count)")
        #expect(right >= 9, "chalk digits read right: \(right) of \(digits.count); misread: \(misread)")
    }

    /// "A 7 with a 1-px black border → 8 (60.5%)": the border is not the paper.
    @Test func aOnePixelBlackBorderIsNotThePaper() throws {
        let seven = 0 // test digit 0 is a 7
        let ink = Fixtures.tightInk(seven, scale: 5)
        var picture = Fixtures.picture(width: ink.width + 60, height: ink.height + 50, ink: ink, at: 30, 25)
        picture = Fixtures.modified(picture) { x, y, p in
            if x == 0 || y == 0 || x == picture.width - 1 || y == picture.height - 1 { p = [0, 0, 0] }
        }
        let result = try DigitPipeline.run(picture, classifier: Fixtures.classifier())
        #expect(!result.lightInkOnDark)
        #expect(try Fixtures.predict(picture) == 7)
        // The digit's box is where the digit is, not the frame.
        #expect(result.box.x >= 20 && result.box.y >= 15 && result.box.width < picture.width - 30)
    }

    /// "A sheet of white paper on a grey desk → 0 (70.6%)".
    @Test func paperOnAGreyDesk() throws {
        for (n, i) in [0, 1, 2, 3].enumerated() {
            let ink = Fixtures.tightInk(i, scale: 4)
            let (w, h) = (ink.width * 4, ink.height * 3)
            var picture = Fixtures.picture(width: w, height: h, ink: ink, at: (w - ink.width) / 2, (h - ink.height) / 2)
            // The sheet covers the middle 55%; the desk around it is mid grey, a little noisy.
            let (sx, sy) = (w * 45 / 200 + n, h * 45 / 200)
            picture = Fixtures.modified(picture) { x, y, p in
                if x < sx || x >= w - sx || y < sy || y >= h - sy {
                    let v = UInt8(110 + (x * 7 + y * 13) % 9)
                    p = [v, v, v]
                }
            }
            Fixtures.dump(picture, "desk-\(i)")
            #expect(try Fixtures.predict(picture) == Fixtures.label(i), "test digit \(i) on a sheet on a desk")
        }
    }

    /// "A dark shadow along two edges → no digit found".
    @Test func aShadowAlongTwoEdges() throws {
        for i in [0, 1, 2, 3] {
            let ink = Fixtures.tightInk(i, scale: 5)
            let (w, h) = (ink.width * 3, ink.height * 2)
            var picture = Fixtures.picture(width: w, height: h, ink: ink, at: w / 3, h / 4)
            // Darker towards the left and the top: down to 35% of the light.
            picture = Fixtures.modified(picture) { x, y, p in
                let fx = 1 / (1 + exp(-(Float(x) / Float(w) - 0.3) / 0.06))
                let fy = 1 / (1 + exp(-(Float(y) / Float(h) - 0.3) / 0.06))
                let light = 1 - 0.65 * (1 - fx * fy)
                p = p.map { UInt8(Float($0) * light) }
            }
            Fixtures.dump(picture, "shadow-\(i)")
            #expect(try Fixtures.predict(picture) == Fixtures.label(i), "test digit \(i) in a shadow")
        }
    }

    /// "predict file four.jpg → not a readable PNG": a phone photo, JPEG, turned by EXIF.
    @Test func aJPEGPhotoTurnedByEXIF() throws {
        let i = 4 // a 4
        let ink = Fixtures.tightInk(i, scale: 5)
        let upright = Fixtures.picture(width: ink.width + 80, height: ink.height + 60, ink: ink, at: 40, 30)
        // Stored turned 90° anticlockwise, with orientation 6 saying "turn clockwise to view".
        let stored = upright.oriented(8)
        var jpeg = try JPEG.encode(width: stored.width, height: stored.height, channels: 3, pixels: stored.pixels, quality: 80)
        jpeg.insert(contentsOf: Fixtures.exifSegment(orientation: 6), at: 2)
        let decoded = try ImageFile.decode(jpeg, name: "four.jpg")
        #expect(decoded.width == upright.width && decoded.height == upright.height)
        #expect(try Fixtures.predict(decoded) == 4)
    }

    /// "There is no way to read 2026 from one picture."
    @Test func aWholeNumber() throws {
        // Test digits for 2, 0, 2, 6 side by side on a line, a little apart.
        let picture = NumberReadingTests.line([2, 0, 2, 6], scale: 4, fatter: 0, gap: 30)
        Fixtures.dump(picture, "number-2026")
        let reading = try NumberReader.read(picture, classifier: Fixtures.classifier())
        #expect(reading.text == "2026")
        #expect(reading.digits.count == 4 && reading.digits.allSatisfy { $0.probability > 0.5 })
        // Boxes left to right, inside the picture.
        #expect(zip(reading.digits, reading.digits.dropFirst()).allSatisfy { $0.box.x < $1.box.x })
    }

    /// Numbers written into a strip of form boxes (one box per digit) that is less than
    /// half as wide as the picture, the digits sitting on the lower rule, one of them a
    /// fat marker 1 among pen digits. Before: the rules were not found (a line had to
    /// span half the picture, and no thicker than a fortieth of its short side), so the
    /// strip was one frame and "no digits found"; the fat 1 lost its middle to the paper
    /// estimate; and a 1 from rule to rule could go as a box wall.
    @Test func numbersInFormBoxes() throws {
        var (right, answers) = (0, [String]())
        let one = (0..<10_000).first { Fixtures.label($0) == 1 }!
        for form in 0..<6 {
            let indices = (0..<(3 + form % 3)).map { 200 + 37 * form + 11 * $0 }
            let box = 60, rule = 2, margin = 20
            let stripWidth = indices.count * box + rule
            var ink = Plane(width: 2 * stripWidth + 3 * margin, height: box + 2 * margin)
            for k in 0...indices.count {      // walls
                for y in margin..<(margin + box + rule) { for t in 0..<rule { ink[margin + k * box + t, y] = 0.8 } }
            }
            for x in margin..<(margin + stripWidth) { // the two rules
                for t in 0..<rule { ink[x, margin + t] = 0.8; ink[x, margin + box + t] = 0.8 }
            }
            var wanted = ""
            for (k, i) in indices.enumerated() {
                // The last digit of every other form is a 1 written with a fat marker.
                let fat = form % 2 == 1 && k == indices.count - 1
                let digit = fat ? Fixtures.tightInk(one, scale: 2).maxFilter(radius: 4) : Fixtures.tightInk(i, scale: 2)
                wanted += String(Fixtures.label(fat ? one : i))
                let (x0, y0) = (margin + k * box + (box - digit.width) / 2, margin + box + rule - digit.height)
                for y in 0..<digit.height { for x in 0..<digit.width where x0 + x >= 0 && y0 + y >= 0 {
                    ink[x0 + x, y0 + y] = max(ink[x0 + x, y0 + y], digit[x, y])
                } }
            }
            let picture = Fixtures.picture(width: ink.width, height: ink.height, ink: ink, at: 0, 0)
            Fixtures.dump(picture, "form-\(form)")
            let text = (try? NumberReader.read(picture, classifier: Fixtures.classifier()).text) ?? "nothing"
            answers.append("\(wanted) → \(text)")
            if text == wanted { right += 1 }
        }
        #expect(right >= 5, "forms read right: \(right) of 6: \(answers)")
    }

    /// A strip whose end walls are drawn across the rules' ends (the rule begins in the
    /// middle of the wall): the wall's outer column touched no removed rule pixel, stayed,
    /// and was read as a leading 1 — also in a strip of empty boxes ("1" for nothing).
    @Test func theEndWallsOfAFormAreNotOnes() throws {
        func strip(_ digits: [Int]) -> RasterImage {
            let (box, count, x0, y0) = (44, max(digits.count, 5), 40, 30)
            var ink = Plane(width: box * count + 2 * x0, height: box + 2 * y0)
            for x in x0..<(x0 + box * count) { for t in -1...1 { ink[x, y0 + t] = 1; ink[x, y0 + box + t] = 1 } }
            for k in 0...count { for y in y0...(y0 + box) { ink[x0 + k * box - 1, y] = 1; ink[x0 + k * box, y] = 1 } }
            for (k, i) in digits.enumerated() {
                let d = Fixtures.tightInk(i, scale: 1)
                let (dx, dy) = (x0 + k * box + (box - d.width) / 2, y0 + (box - d.height) / 2)
                for y in 0..<d.height { for x in 0..<d.width { ink[dx + x, dy + y] = max(ink[dx + x, dy + y], d[x, y]) } }
            }
            return Fixtures.picture(width: ink.width, height: ink.height, ink: ink, at: 0, 0)
        }
        let empty = try? NumberReader.read(strip([]), classifier: Fixtures.classifier())
        #expect(empty == nil, "an empty form has no digits, read \(empty?.text ?? "")")
        let indices = [3, 2, 1, 18, 4, 8, 11, 0, 61, 7] // test digits 0…9
        let picture = strip(indices)
        Fixtures.dump(picture, "form-ten")
        let wanted = indices.map { String(Fixtures.label($0)) }.joined()
        #expect(wanted == "0123456789")
        #expect(try NumberReader.read(picture, classifier: Fixtures.classifier()).text == wanted)
    }
}
