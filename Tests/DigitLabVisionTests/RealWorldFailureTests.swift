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

    /// `digitlab read` on one fat digit cropped to its ink: the local paper estimate left
    /// slivers where the strokes meet, read as "1221" (an attacker's 8 of two rings) or
    /// nothing at all. Such a picture is now read with one paper level, as by `predict`.
    @Test func readingATightFatDigitGivesThatDigit() throws {
        var (right, answers) = (0, [String]())
        for i in 0..<8 {
            let ink = Fixtures.tightInk(i, scale: 8).maxFilter(radius: 7)
            let picture = Fixtures.picture(width: ink.width, height: ink.height, ink: ink, at: 0, 0)
            let text = (try? NumberReader.read(picture, classifier: Fixtures.classifier()).text) ?? "nothing"
            answers.append(text)
            if text == String(Fixtures.label(i)) { right += 1 }
        }
        #expect(right >= 7, "tight fat digits read right: \(right) of 8; read \(answers)")
    }

    /// A reviewer's marker digits inside a thin frame drawn at the picture's edge (the
    /// dev set's frame-0005: a 4 read as "1" at 100%). The frame's lines set the paper's
    /// stroke scale, so the paper estimate swallowed the fat strokes and the network was
    /// sure of a speck left behind. A speck is now an unlikely digit, and a reading that
    /// keeps nothing of a digit's size is read again at the picture's wider stroke scale.
    @Test func markerDigitsInsideAThinFrame() throws {
        let digits = Array(0..<8)
        let (right, answers) = try Fixtures.readRight(digits, "marker-frame") { i in
            let ink = Fixtures.tightInk(i, scale: 6).maxFilter(radius: 5)
            let (w, h) = (ink.height * 2, ink.height * 3 / 2)
            let picture = Fixtures.picture(width: w, height: h, ink: ink, at: (w - ink.width) / 2, (h - ink.height) / 2)
            return Fixtures.modified(picture) { x, y, p in
                if x < 3 || y < 3 || x >= w - 3 || y >= h - 3 { p = [50, 50, 50] }
            }
        }
        #expect(right >= 7, "marker digits in a thin frame read right: \(right) of \(digits.count); read \(answers)")
    }

    /// A 1 drawn with a marker fills its narrow box as a slab of desk fills its own: it
    /// was ruled out as "not strokes" and the desk's edge read instead (dev desk-0096).
    @Test func aMarkerOneOnADesk() throws {
        let ones = [2, 5, 14, 29]  // test digits that are 1s
        var answers = [Int]()
        for i in ones {
            let ink = Fixtures.tightInk(i, scale: 6).maxFilter(radius: 6)
            let (w, h) = (ink.height * 3, ink.height * 2)
            var picture = Fixtures.picture(width: w, height: h, ink: ink, at: (w - ink.width) / 2, (h - ink.height) / 2)
            let (sx, sy) = (w / 4, h / 6)
            picture = Fixtures.modified(picture) { x, y, p in
                if x < sx || x >= w - sx || y < sy || y >= h - sy { p = [UInt8(90 + (x * 5 + y * 11) % 13), 60, 40] }
            }
            Fixtures.dump(picture, "marker-one-\(i)")
            answers.append(try Fixtures.predict(picture))
        }
        #expect(answers == [1, 1, 1, 1], "marker 1s on a desk read as \(answers)")
    }

    /// Pieces are joined into one digit when they come near each other. Their boxes said
    /// so, but a thin piece whose box is large lies mostly far from what its box holds: the
    /// rim of desk round a turned sheet held the digit in its box, was joined to it and
    /// framed with it (dev desk-0011: a 4 read as 7 at 92.5%). Here a wavy, hand-drawn
    /// corner mark round the digit, 50 px from it, plays the rim.
    @Test func aPieceWhoseBoxHoldsTheDigitIsNotPartOfIt() throws {
        for i in [0, 1, 2, 3] {
            let ink = Fixtures.tightInk(i, scale: 4)
            let (dx, dy) = (90, 90)
            let (w, h) = (dx + ink.width + 90, dy + ink.height + 90)
            var mark = Plane(width: w, height: h)
            for t in 30..<(w - 30) { for k in 0..<2 { mark[t, 40 + Int(4 * sin(Float(t) / 9)) + k] = 0.7 } }
            for t in 40..<(h - 30) { for k in 0..<2 { mark[40 + Int(4 * sin(Float(t) / 9)) + k, t] = 0.7 } }
            var both = mark
            for y in 0..<ink.height { for x in 0..<ink.width { both[dx + x, dy + y] = max(both[dx + x, dy + y], ink[x, y]) } }
            let picture = Fixtures.picture(width: w, height: h, ink: both, at: 0, 0)
            Fixtures.dump(picture, "corner-mark-\(i)")
            let r = try DigitPipeline.run(picture, classifier: Fixtures.classifier())
            #expect(r.box.x >= dx - 8 && r.box.y >= dy - 8 && r.box.maxX <= dx + ink.width + 8 && r.box.maxY <= dy + ink.height + 8,
                    "test digit \(i) at \(dx),\(dy) \(ink.width)x\(ink.height): its box is \(r.box)")
            #expect(try Fixtures.predict(picture) == Fixtures.label(i), "test digit \(i) inside a corner mark")
        }
    }

    /// Digits drawn with a very fat marker on paper, loops all but filled in (dev
    /// strokes-0000: a 9 read as 7 at 99%). All three polarity rules took the blob for
    /// the ground and its loop for light ink; only the margins, all paper, said otherwise,
    /// and a blob that fills much of its box looked like a slab, not strokes.
    @Test func fatMarkerDigitsOnPaperAreReadDarkOnLight() throws {
        let (right, answers) = try Fixtures.readRight(Array(0..<30), "fat-marker") { i in
            let ink = Fixtures.tightInk(i, scale: 8).maxFilter(radius: 9)
            return Fixtures.picture(width: ink.width + 100, height: ink.height + 60, ink: ink, at: 50, 30, inkColour: (60, 60, 60))
        }
        #expect(right >= 25, "fat marker digits read right: \(right) of 30; read \(answers)")
    }

    /// Marker digits on paper that brightens towards one side (`make_marker_sets.py`'s
    /// marker-0002 and marker-0057): read the other way round, the brightest paper along
    /// the edge was a "1" at 99.9% and 98.8%. Beside a marker digit, paper at the edge
    /// read as light ink now counts half.
    @Test func fatMarkerDigitsOnUnevenPaper() throws {
        for (name, digit) in [("marker-9-uneven-paper", 9), ("marker-8-uneven-paper", 8)] {
            let picture = try ImageFile.read(packageRoot + "/Tests/DigitLabVisionTests/Pictures/\(name).png")
            #expect(try Fixtures.predict(picture) == digit, "\(name)")
        }
    }

    /// A marker 0 whose loop is filled, close up (an attacker review's): the closing three
    /// times as wide that takes a filled loop back was more than a quarter of the picture,
    /// so it was not tried, and the 0 was a 2 at 54%. It is now at most a quarter wide.
    @Test func aFilledZeroCloseUp() throws {
        let picture = try ImageFile.read(packageRoot + "/Tests/DigitLabVisionTests/Pictures/0-filled-close-up.png")
        #expect(try Fixtures.predict(picture) == 0)
    }

    /// A marker 8 with both loops filled, close up (an attacker review's): the usual
    /// reading kept a sliver of its rim, a 7 at 98%, and beat the fat-stroke reading,
    /// which saw the whole 8 but looked like a slab. A sliver inside the wider reading's
    /// digit, a third of its size or less, is now a quarter as likely.
    @Test func aFilledEightCloseUpIsNotItsRim() throws {
        let picture = try ImageFile.read(packageRoot + "/Tests/DigitLabVisionTests/Pictures/8-filled-marker-close-up.png")
        #expect(try Fixtures.predict(picture) == 8)
    }

    /// An 8 on a sheet near the desk's edge (dev desk-0022, saved as JPEG): read again with
    /// the wide closing kept for fat strokes, the strip of desk beside the sheet joined the
    /// 8 and the two were a 6 at 99.9%. A reading that reaches the picture's edge where the
    /// usual one kept clear of it now counts a quarter.
    @Test func aDigitBesideTheDesksEdge() throws {
        let picture = try ImageFile.read(packageRoot + "/Tests/DigitLabVisionTests/Pictures/8-by-a-desk-edge.jpg")
        let result = try DigitPipeline.run(picture, classifier: Fixtures.classifier())
        #expect(Fixtures.answer(result) == 8)
        // The box is the 8's, not the desk's: clear of the picture's edges.
        let m = min(picture.width, picture.height) / 50
        #expect(result.box.x > m && result.box.y > m && result.box.maxX < picture.width - 1 - m && result.box.maxY < picture.height - 1 - m,
                "box \(result.box)")
    }

    /// A slanted 1 on a turned sheet on a desk (dev desk-0017, as JPEG): the usual reading
    /// joined it to the strip of desk above the sheet and read a 7 at 95%; the pen's own
    /// closing found the 1 alone, clear of the edges. A reading that reaches the picture's
    /// edge round another one's digit, clear of the edges, now counts a quarter. The strip
    /// of desk left along the sheet's side, a long upright stroke twice the 1's height, is
    /// no digit beside it.
    @Test func aDigitJoinedToTheDeskIsReadAlone() throws {
        let picture = try ImageFile.read(packageRoot + "/Tests/DigitLabVisionTests/Pictures/1-on-a-turned-sheet-on-a-desk.jpg")
        let result = try DigitPipeline.run(picture, classifier: Fixtures.classifier())
        #expect(Fixtures.answer(result) == 1)
        let m = min(picture.width, picture.height) / 50
        #expect(result.box.y > m && result.box.maxY < picture.height - 1 - m, "the 1's box, not the desk's: \(result.box)")
        #expect(result.digitsBeside == 0 && !result.mayBeANumber)
    }

    /// A fat marker digit running a few percent off one edge of the picture (an attacker
    /// review, saved as JPEG): it lost the marker rule, which wanted it clear of every
    /// edge, and the paper in its loop or its gap was the digit read light on dark: a 0
    /// as 6 at 100%, a 4 as 1 at 100%. Off one edge it is still a marker digit (of the
    /// attacker's 600 such pictures, 53 wrong before, 15 now).
    @Test func aFatDigitRunningOffAnEdgeIsNotItsLoop() throws {
        for (name, digit) in [("0-fat-off-the-left-edge", 0), ("4-fat-off-the-bottom-edge", 4)] {
            let picture = try ImageFile.read(packageRoot + "/Tests/DigitLabVisionTests/Pictures/\(name).jpg")
            let result = try DigitPipeline.run(picture, classifier: Fixtures.classifier())
            #expect(Fixtures.answer(result) == digit, "\(name)")
            #expect(!result.lightInkOnDark, "\(name): dark ink on paper")
        }
    }

    /// A digit in a box drawn round it on the page (a newcomer review): the box was read,
    /// a 0 at 100%. With a thick box, the 7 inside was joined to it; with a thin one, the
    /// box set the paper's scale and the 6 inside passed for paper (the wider closing
    /// found it, but the box was surer). A ring of ink round another reading's digit, or
    /// round a piece at least a third as tall, is the box. The newcomer's 36 boxes: 22
    /// right before, 30 now.
    @Test func aDigitInADrawnBoxIsNotTheBox() throws {
        for (name, digit) in [("6-in-a-drawn-box", 6), ("7-in-a-thick-drawn-box", 7)] {
            let picture = try ImageFile.read(packageRoot + "/Tests/DigitLabVisionTests/Pictures/\(name).png")
            let result = try DigitPipeline.run(picture, classifier: Fixtures.classifier())
            #expect(Fixtures.answer(result) == digit, "\(name)")
            #expect(result.box.width < picture.width / 4, "\(name): the digit's box, not the drawn one: \(result.box)")
        }
    }

    /// A digit in a box drawn close round it, or touching it (an attacker review, 40 MNIST
    /// digits in each of four such boxes: 91 of 160 wrong, 16 now). A thin box a pen and a
    /// half from a 4 was joined to it (the ring's inside was taken a sixth of its size in
    /// from its sides, and the 4 reached past that), the box was read, a 0 at 100%; a 7
    /// and a fat 5 touching their boxes were one piece with them, a 0. A box's sides are
    /// now taken out as lines: three or four straight lines along most of the picture's
    /// sides, drawn as fat as the writing.
    @Test func aDigitCloseToOrTouchingItsDrawnBoxIsNotTheBox() throws {
        for (name, digit) in [("4-in-a-box-drawn-close", 4), ("7-touching-its-drawn-box", 7), ("5-fat-touching-its-drawn-box", 5)] {
            let picture = try ImageFile.read(packageRoot + "/Tests/DigitLabVisionTests/Pictures/\(name).png")
            let result = try DigitPipeline.run(picture, classifier: Fixtures.classifier())
            #expect(Fixtures.answer(result) == digit, "\(name)")
            let m = min(picture.width, picture.height) / 25
            #expect(result.box.x > m && result.box.y > m && result.box.maxX < picture.width - 1 - m,
                    "\(name): the digit's box, not the drawn one: \(result.box)")
        }
    }

    /// A 2 touching a dark frame along the top of the picture that runs a little askew
    /// (dev frame-0011, as JPEG): only the rows that were all ink were peeled, the wedge
    /// left below them was joined to the 2 as a bar, a 5 at 92%. The band's inner edge is
    /// now fitted as a line and peeled along it.
    @Test func aDigitTouchingATiltedFrameIsReadWithoutIt() throws {
        let picture = try ImageFile.read(packageRoot + "/Tests/DigitLabVisionTests/Pictures/2-under-a-tilted-frame.jpg")
        let result = try DigitPipeline.run(picture, classifier: Fixtures.classifier())
        #expect(Fixtures.answer(result) == 2)
    }

    /// A fat marker 9 in a picture with a dark frame along two sides (dev frame-0055, as
    /// JPEG): half the picture's edge was dark, so the margins said "light ink", the
    /// marker rule (which asks the margins) stood aside, and a speck of paper read light
    /// on dark won: a 1 at 100%. The marker rule now asks the margins that are no frame.
    @Test func aFatDigitInATwoSidedFrameIsDarkInk() throws {
        let picture = try ImageFile.read(packageRoot + "/Tests/DigitLabVisionTests/Pictures/9-fat-in-a-two-sided-frame.jpg")
        let result = try DigitPipeline.run(picture, classifier: Fixtures.classifier())
        #expect(Fixtures.answer(result) == 9)
        #expect(!result.lightInkOnDark)
        // The margins: paper (0.9) with a dark band (0.1) a tenth deep along the left and
        // the bottom. All of the edge: "light ink" by a hair; inside the frame, dark ink.
        var framed = Plane(width: 100, height: 100, repeating: 0.9)
        for y in 0..<100 { for x in 0..<100 where x < 10 || y >= 90 || (40..<60).contains(x) && (30..<70).contains(y) { framed.values[y * 100 + x] = 0.1 } }
        let m = InkMap.margins(framed)
        #expect(m.borderLight && !m.insideFrames)
        // Dark only along the outermost lines (a desk's stripes), it is no frame: the
        // margins say the same either way.
        var rimmed = Plane(width: 100, height: 100, repeating: 0.9)
        for y in 0..<100 { for x in 0..<100 where x < 2 || y >= 98 || (40..<60).contains(x) && (30..<70).contains(y) { rimmed.values[y * 100 + x] = 0.1 } }
        let r = InkMap.margins(rimmed)
        #expect(r.borderLight && r.insideFrames)
    }

    /// The band's depth follows its inner edge, a line, not the digit joined to it (runs
    /// of 40 where the digit touches) nor its shallowest row. A band steeper than 0.15, or
    /// one that falls short of the line in many places, is peeled only as deep as it is
    /// whole.
    @Test func aBandAlongAnEdgeIsPeeledAlongItsInnerEdge() {
        var runs = (0..<200).map { 10 + $0 / 20 }          // 10 ... 19, a slope of 1 in 20
        for a in 80..<110 { runs[a] = 40 }                  // a digit joined to the band
        let depths = RuledLines.bandDepths(runs, full: 10, cap: 40)
        for a in [0, 50, 150, 199] { #expect(abs(depths[a] - (runs[a] + 1)) <= 1, "at \(a): \(depths[a]) for a run of \(runs[a])") }
        #expect(abs(depths[95] - (10 + 95 / 20 + 1)) <= 1, "where the digit touches: \(depths[95])")
        let steep = (0..<200).map { min(40, 10 + $0 * 3 / 10) }
        #expect(RuledLines.bandDepths(steep, full: 10, cap: 40) == [Int](repeating: 10, count: 200))
        let shallowInPlaces = (0..<200).map { $0 % 4 == 0 ? 12 : 20 }
        #expect(RuledLines.bandDepths(shallowInPlaces, full: 10, cap: 40) == [Int](repeating: 10, count: 200))
    }

    /// A small 5 on a sheet in the corner of a large desk (dev desk-0087, smaller, as
    /// JPEG): the strips of desk round the sheet set the strokes' scale (a peak at 44 px
    /// that outweighed the pen's at 4), the paper's closing was that wide, and the 5 and the
    /// desk were one "2" at 99.8%. The pen's own peak gives a reading too.
    @Test func aSmallDigitOnASheetOnALargeDesk() throws {
        let picture = try ImageFile.read(packageRoot + "/Tests/DigitLabVisionTests/Pictures/5-on-a-sheet-on-a-desk.jpg")
        let result = try DigitPipeline.run(picture, classifier: Fixtures.classifier())
        #expect(Fixtures.answer(result) == 5)
        #expect(result.box.width < picture.width / 4 && result.box.height < picture.height / 4, "the 5's box, not the desk's: \(result.box)")
    }

    /// A digit written with a marker so fat that nothing else on the page sets the scale
    /// of the strokes (dev strokes-0016, as JPEG: a 1 as a slab, "no digit found: the
    /// picture is blank"): the paper's closing was narrower than the strokes, so all the
    /// ink passed for paper. With no ink at all, the picture is read with the fat-stroke
    /// closing, for `predict` and `read`. Twelve test digits drawn as fat (which the usual
    /// closing does find) are read as well: 10 right before this stop's changes, 12 now.
    @Test func aVeryFatDigitAloneOnThePageIsNotBlank() throws {
        let picture = try ImageFile.read(packageRoot + "/Tests/DigitLabVisionTests/Pictures/fat-marker-1.jpg")
        let result = try DigitPipeline.run(picture, classifier: Fixtures.classifier())
        #expect(Fixtures.answer(result) == 1)
        // The slab itself (about x 110–200, y 75–300 of 364x318), not a sliver of it.
        #expect(result.box.height > picture.height * 6 / 10 && result.box.width > 60, "box \(result.box)")
        #expect(try NumberReader.read(picture, classifier: Fixtures.classifier()).text == "1")
        let (right, answers) = try Fixtures.readRight(Array(0..<12), "very-fat") { i in
            let ink = Fixtures.tightInk(i, scale: 12).maxFilter(radius: 16)
            return Fixtures.picture(width: ink.width * 2, height: ink.height * 3 / 2, ink: ink,
                                    at: ink.width / 2, ink.height / 4, inkColour: (60, 60, 66))
        }
        #expect(right >= 11, "very fat digits read right: \(right) of 12; read \(answers)")
    }
}
