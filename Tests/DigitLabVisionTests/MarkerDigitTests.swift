import Foundation
import Testing
import DigitLabCore
import DigitLabIO
@testable import DigitLabVision

/// Fat marker digits, found wanting in reviews after issue 15's first failures: strokes so
/// fat that they fool the polarity rules and the paper's closing (tight crops, filled
/// loops, a marker digit in a frame, on a desk, running off an edge).
@Suite struct MarkerDigitTests {
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

    /// Solid marker digits cropped to their ink, the ink more than half of the picture
    /// (dev2 tight-0224 and eight more: fat 0s read as 2, 1 and 6, a 9 as 1). With one
    /// paper level the median pixel was ink as dark as the darkest, nothing stood above
    /// it, and the dark reading was "blank", so the paper was read as light ink.
    @Test func solidDigitsThatAreMostOfATightCropAreRead() throws {
        let digits = Array(0..<12)
        var (right, answers, mostlyInk) = (0, [Int](), 0)
        for radius in [4, 6] {
            let read = try Fixtures.readRight(digits, "solid-tight-\(radius)") { i in
                let ink = Fixtures.tightInk(i, scale: 8).maxFilter(radius: radius).map { $0 > 0.5 ? 1 : 0 }
                if 2 * ink.values.filter({ $0 > 0 }).count > ink.values.count { mostlyInk += 1 }
                return Fixtures.picture(width: ink.width, height: ink.height, ink: ink, at: 0, 0)
            }
            right += read.right
            answers += read.answers
        }
        #expect(mostlyInk >= 7, "the premise: the ink is most of the crop in \(mostlyInk) of 24")
        #expect(right >= 22, "solid tight crops read right: \(right) of 24; read \(answers)")
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
