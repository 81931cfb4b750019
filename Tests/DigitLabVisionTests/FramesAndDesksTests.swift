import Foundation
import Testing
import DigitLabCore
import DigitLabIO
@testable import DigitLabVision

/// Digits beside things that are not writing, found wanting in reviews and on the dev sets
/// after issue 15's first failures: frames and table edges, the desk round a sheet, a box
/// drawn round the digit.
@Suite struct FramesAndDesksTests {
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

    /// A fat digit touching a thick dark frame all round (dev2 frame-0242, as JPEG), and a
    /// fat 0 on a sheet on a dark desk (dev desk-0020): evening the light out brightened the
    /// paper round the fat strokes and beside the frame to twice the paper elsewhere, the
    /// typical paper looked dark, and all three polarity rules said light ink (a 7 and a 5).
    /// The rules now look inside the frame's bands, and the median must say light both in
    /// the evened plane and in the plane itself.
    @Test func aFatDigitTouchingAThickFrameIsDarkInk() throws {
        for (name, digit) in [("9-fat-touching-a-thick-frame", 9), ("0-fat-on-a-sheet-on-a-dark-desk", 0)] {
            let picture = try ImageFile.read(packageRoot + "/Tests/DigitLabVisionTests/Pictures/\(name).jpg")
            let result = try DigitPipeline.run(picture, classifier: Fixtures.classifier())
            let (answer, light) = (Fixtures.answer(result), result.lightInkOnDark)
            #expect(answer == digit && !light, "\(name): \(answer), light ink \(light)")
        }
        // Paper (230) in a frame (20) 16 px deep, a fat ring (20) joined to its top side.
        var framed = Plane(width: 200, height: 200, repeating: 230)
        for y in 0..<200 { for x in 0..<200 {
            let (dx, dy) = (Double(x - 100) / 60, Double(y - 90) / 75)
            let r = (dx * dx + dy * dy).squareRoot()
            if x < 16 || y < 16 || x >= 184 || y >= 184 || (r > 0.55 && r < 1) { framed.values[y * 200 + x] = 20 }
        } }
        let inside = InkMap.insideFrames(framed)
        #expect(inside.width < 170 && inside.height < 170 && inside.width > 120, "cropped to \(inside.width)x\(inside.height)")
        let framedLight = InkMap.choose([framed]).light
        #expect(!framedLight)
        // A board (40) with a light bar (220) along the top of a chalk 7 a fifth of it wide,
        // touching the top edge: the board is the ground, no frame, and stays.
        var board = Plane(width: 200, height: 200, repeating: 40)
        for y in 0..<20 { for x in 60..<110 { board.values[y * 200 + x] = 220 } }
        for y in 20..<150 { for x in (90 - y / 4)..<(100 - y / 4) { board.values[y * 200 + x] = 220 } }
        let (kept, boardLight) = (InkMap.insideFrames(board) == board, InkMap.choose([board]).light)
        #expect(kept && boardLight)
    }

    /// A sheet on a desk: the desk is left out before anything else is decided (`Sheet`).
    /// A 4 at the corner of a sheet on a brown desk (dev2 desk-0125) read 7 with the
    /// desk's strip as its bar; a 2 on a sheet in the corner of a striped desk (an
    /// attacker's) read 8. Both read right, with "the sheet (desk left out)" in the stages.
    @Test func theDeskRoundASheetIsLeftOut() throws {
        for (name, digit) in [("4-at-the-corner-of-a-sheet-on-a-desk", 4), ("2-on-a-sheet-corner-on-a-striped-desk", 2)] {
            let picture = try ImageFile.read(packageRoot + "/Tests/DigitLabVisionTests/Pictures/\(name).jpg")
            let result = try DigitPipeline.run(picture, classifier: Fixtures.classifier())
            let (answer, names) = (Fixtures.answer(result), result.stages.map(\.name))
            #expect(answer == digit, "\(name): \(answer)")
            #expect(names.contains("the sheet (desk left out)"), "\(name): \(names)")
        }
        // A turned sheet (230) on a desk (70), a 1 (20) touching its edge: the 1 stays on it.
        func plane(_ f: (Int, Int) -> Float) -> Plane {
            var p = Plane(width: 200, height: 160)
            for y in 0..<160 { for x in 0..<200 { p.values[y * 200 + x] = f(x, y) } }
            return p
        }
        let onDesk = plane { x, y in
            let (u, v) = (Double(x - 100) * 0.97 + Double(y - 80) * 0.24, -Double(x - 100) * 0.24 + Double(y - 80) * 0.97)
            if abs(u + 20) < 4 && abs(v - 5) < 48 { return 20 }     // the 1, down to the sheet's bottom edge
            return abs(u) < 60 && abs(v) < 50 ? 230 : 70
        }
        let sheet = try #require(Sheet.find([onDesk]))
        let onSheet = sheet.applied(to: [onDesk])[0]
        let (deskLeft, oneKept) = (onSheet[5, 5] > 200, onSheet[71, 114] < 50 && onSheet[85, 70] < 50)
        #expect(deskLeft && oneKept)
        // No sheets: a tight crop cut in two by a 7's stem; a soft shadow across a page;
        // a fat chalk 0 on a board; a page in a hard shadow with the digit in the shadow,
        // or partly in it.
        let stem = plane { x, y in abs(Double(x) - 100 - Double(y - 80) * 0.4) < 12 || y < 20 ? 30 : 235 }
        let softShadow = plane { x, _ in 235 - 120 / (1 + Float(exp(Double(100 - x) / 12))) }
        let chalkZero = plane { x, y in
            let r = (Double(x - 100) * Double(x - 100) / 3600 + Double(y - 80) * Double(y - 80) / 3600).squareRoot()
            return r > 0.6 && r < 1 ? 220 : 40
        }
        let shadowedDigit = plane { x, y in
            let ground: Float = x < 90 ? 120 : 235
            return abs(x - 40) < 4 && abs(y - 80) < 40 ? ground - 90 : ground
        }
        // A hard shadow over part of the digit (an attacker's): most of the writing is on
        // the lit side, a third of it in the shadow, which would have been erased.
        let halfInShadow = plane { x, y in
            let ground: Float = x < 90 ? 120 : 235
            let stroke = (abs(y - 80) < 3 && (60..<150).contains(x)) || (abs(x - 140) < 3 && abs(y - 80) < 50)
            return stroke ? ground - 90 : ground
        }
        for (name, p) in [("stem", stem), ("soft shadow", softShadow), ("chalk 0", chalkZero), ("digit in a shadow", shadowedDigit),
                          ("digit half in a shadow", halfInShadow)] {
            #expect(Sheet.find([p]) == nil, "\(name)")
        }
    }
}
