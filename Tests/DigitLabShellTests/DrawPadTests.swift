import DigitLabCore
import DigitLabIO
import DigitLabVision
import Testing
@testable import DigitLabShell

/// The drawing pad without a terminal: bytes → events, events → canvas, canvas → screen
/// and → the 28x28 digit. (Tests/Terminal/drawpad-tmux.sh drives the real loop in tmux.)
@Suite struct DrawInputTests {
    func decode(_ s: String) -> [DrawEvent] {
        var d = DrawInputDecoder()
        return d.feed(Array(s.utf8)) + d.flush()
    }

    @Test func sgrMousePressDragRelease() {
        #expect(decode("\u{1B}[<0;10;5M") == [.press(.left, column: 10, row: 5)])
        #expect(decode("\u{1B}[<32;11;5M") == [.drag(.left, column: 11, row: 5)])
        #expect(decode("\u{1B}[<2;3;4M\u{1B}[<34;5;6M") == [.press(.right, column: 3, row: 4), .drag(.right, column: 5, row: 6)])
        #expect(decode("\u{1B}[<0;11;5m") == [.release(column: 11, row: 5)])
        // Wheel turns (64, 65) and motion without a button (35) are not drawing.
        #expect(decode("\u{1B}[<64;10;5M\u{1B}[<65;10;5M\u{1B}[<35;10;5M") == [])
        // Modifier bits (Shift 4, Ctrl 16) keep the button.
        #expect(decode("\u{1B}[<16;7;8M") == [.press(.left, column: 7, row: 8)])
        // Columns past 223, which the old encoding cannot carry.
        #expect(decode("\u{1B}[<0;300;5M") == [.press(.left, column: 300, row: 5)])
    }

    @Test func legacyX10Mouse() {
        // ESC [ M, then button+32, column+32, row+32; button 3 is the release.
        #expect(decode("\u{1B}[M \u{2A}\u{25}") == [.press(.left, column: 10, row: 5)])
        #expect(decode("\u{1B}[M@\u{2B}\u{25}") == [.drag(.left, column: 11, row: 5)])
        #expect(decode("\u{1B}[M#\u{2B}\u{25}") == [.release(column: 11, row: 5)])
    }

    @Test func sequencesSplitAcrossReadsWait() {
        var d = DrawInputDecoder()
        let whole = Array("\u{1B}[<0;10;5M\u{1B}[A".utf8)
        var events = [DrawEvent]()
        for byte in whole { events += d.feed([byte]) }
        #expect(events == [.press(.left, column: 10, row: 5), .key(.up)])
        #expect(d.pending.isEmpty)
        // Half a report stays pending; quiet input drops it rather than guessing.
        #expect(d.feed(Array("\u{1B}[<0;1".utf8)) == [])
        #expect(d.pending.count == 6)
        #expect(d.flush() == [])
    }

    @Test func keys() {
        #expect(decode("\u{1B}[A\u{1B}[B\u{1B}[C\u{1B}[D") == [.key(.up), .key(.down), .key(.right), .key(.left)])
        #expect(decode("\u{1B}OA\u{1B}OD") == [.key(.up), .key(.left)])            // application cursor keys
        #expect(decode("\u{1B}[1;2B") == [.key(.down, shift: true)])
        #expect(decode("\u{1B}[1;5C") == [.key(.right)])                            // Ctrl: a plain arrow
        #expect(decode("\r\n") == [.key(.enter), .key(.enter)])
        #expect(decode("\u{03}") == [.key(.interrupt)])
        #expect(decode("\u{7F}\u{08}") == [.key(.backspace), .key(.backspace)])
        #expect(decode(" xq") == [.key(.character(" ")), .key(.character("x")), .key(.character("q"))])
        // Escape alone is only Escape once input is quiet.
        var d = DrawInputDecoder()
        #expect(d.feed([0x1B]) == [])
        #expect(d.flush() == [.key(.escape)])
        #expect(decode("\u{1B}q") == [.key(.escape), .key(.character("q"))])
    }

    @Test func otherInputIsSkippedWhole() {
        #expect(decode("\u{1B}[200~x") == [.key(.character("x"))])                 // bracketed paste start
        #expect(decode("\u{1B}[?1;2c") == [])                                       // a late DA1 answer
        #expect(decode("é€\u{1}") == [])                                           // UTF-8 and control bytes
        #expect(decode("\u{1B}[12\u{1B}[A") == [.key(.up)])                         // broken CSI, then an arrow
    }
}

@Suite struct DrawCanvasTests {
    @Test func aDotIsRoundWithASoftEdge() {
        var c = DrawCanvas(width: 20, height: 20, radius: 3)
        c.stroke(from: nil, to: (10, 10))
        func ink(_ x: Int, _ y: Int) -> UInt8 { c.ink[y * 20 + x] }
        #expect(ink(9, 9) == 255 && ink(10, 10) == 255 && ink(9, 11) == 255)
        #expect(ink(10, 3) == 0 && ink(3, 10) == 0 && ink(16, 16) == 0)
        // The rim: pixels between full ink and paper.
        let rim = c.ink.filter { $0 > 0 && $0 < 255 }
        #expect(rim.count >= 12, "a soft edge all round")
        // Symmetric about the centre (10, 10): pixel i mirrors 19 − i.
        for y in 0..<20 { for x in 0..<20 { #expect(ink(x, y) == ink(19 - x, 19 - y)) } }
    }

    @Test func aStrokeIsContinuousAndRepeatingItDoesNotThicken() {
        var c = DrawCanvas(width: 40, height: 20, radius: 2)
        c.stroke(from: (3, 10), to: (37, 10))
        for x in 3..<37 { #expect(c.ink[10 * 40 + x] == 255, "x = \(x)") }
        let once = c.ink
        c.stroke(from: (3, 10), to: (37, 10))
        #expect(c.ink == once)
        #expect(c.ink[4 * 40 + 20] == 0 && c.ink[16 * 40 + 20] == 0, "as thick as the pen, no more")
    }

    @Test func erasingRubsOut() {
        var c = DrawCanvas(width: 20, height: 20, radius: 2)
        c.stroke(from: (2, 10), to: (18, 10))
        c.stroke(from: (10, 2), to: (10, 18), erase: true)
        #expect(c.ink[10 * 20 + 10] == 0)
        #expect(c.ink[10 * 20 + 4] == 255)
        c.clear()
        #expect(c.isBlank)
    }

    @Test func paperPictureIsDarkInkOnWhiteWithAMargin() {
        var c = DrawCanvas(width: 10, height: 10, radius: 1)
        c.stroke(from: nil, to: (0.5, 0.5)) // the very corner
        let p = c.paperPicture(margin: 4)
        #expect(p.width == 18 && p.height == 18)
        #expect(p.pixels[0] == 255 && p.pixels[3 * 18 + 3] == 255, "margin is paper")
        #expect(p.pixels[4 * 18 + 4] == 0, "the corner pixel is full ink, now black")
    }
}

@Suite struct DrawPadStateTests {
    static let big = DrawPadLayout(columns: 120, rows: 40)!

    @Test func layoutsForScreenSizes() {
        #expect(Self.big.scale == 1 && Self.big.canvasColumns == 56 && Self.big.canvasRows == 28)
        #expect(Self.big.top == 3 && Self.big.left == 2 && Self.big.panel == 61 && Self.big.footer == 32)
        #expect(DrawPadLayout(columns: 90, rows: 33)?.scale == 1)
        #expect(DrawPadLayout(columns: 89, rows: 40)?.scale == 2)
        let small = DrawPadLayout(columns: 80, rows: 24)
        #expect(small?.scale == 2 && small?.canvasColumns == 28 && small?.canvasRows == 14 && small?.footer == 23)
        #expect(DrawPadLayout.minimum() == (62, 24))
        #expect(DrawPadLayout(columns: 62, rows: 24) != nil)
        #expect(DrawPadLayout(columns: 61, rows: 24) == nil)
        #expect(DrawPadLayout(columns: 62, rows: 23) == nil)
    }

    @Test func mouseCellsMapToCanvasPoints() {
        let p = Self.big.canvasPoint(column: 2, row: 3)
        #expect(p?.x == 0.5 && p?.y == 1)             // a cell's two pixels: centre between them
        #expect(Self.big.canvasPoint(column: 57, row: 30).map { [$0.x, $0.y] } == [55.5, 55])
        #expect(Self.big.canvasPoint(column: 1, row: 3) == nil)   // the frame
        #expect(Self.big.canvasPoint(column: 58, row: 10) == nil)
        #expect(Self.big.canvasPoint(column: 10, row: 31) == nil)
        let small = DrawPadLayout(columns: 80, rows: 24)!
        #expect(small.canvasPoint(column: 2, row: 3).map { [$0.x, $0.y] } == [1, 2]) // 2x2 pixels a shown pixel
    }

    @Test func mouseDragPaintsAndRightButtonErases() {
        var s = DrawPadState(layout: Self.big)
        #expect(s.handle(.press(.left, column: 10, row: 10)) == .continueDrawing)
        _ = s.handle(.drag(.left, column: 30, row: 10))
        _ = s.handle(.release(column: 30, row: 10))
        #expect(s.needsClassifying)
        let y = 15 // row 10 → canvas y 15
        for x in 9..<29 { #expect(s.canvas.ink[y * 56 + x] == 255, "x = \(x)") }
        _ = s.handle(.press(.right, column: 20, row: 10))
        _ = s.handle(.release(column: 20, row: 10))
        #expect(s.canvas.ink[y * 56 + 18] == 0)
        #expect(s.canvas.ink[y * 56 + 10] == 255)
    }

    @Test func leavingTheCanvasEndsTheStroke() {
        var s = DrawPadState(layout: Self.big)
        _ = s.handle(.press(.left, column: 10, row: 10))
        _ = s.handle(.drag(.left, column: 70, row: 10))   // over the panel: no ink there, stroke ends
        _ = s.handle(.drag(.left, column: 50, row: 20))   // back in: a new stroke, no line from (10, 10)
        _ = s.handle(.release(column: 50, row: 20))
        #expect(s.canvas.ink[15 * 56 + 30] == 0, "no line drawn across the gap")
        #expect(s.canvas.ink[35 * 56 + 48] == 255)
    }

    @Test func keyboardPen() {
        var s = DrawPadState(layout: Self.big)
        #expect(s.cursor.x == 28.5 && s.cursor.y == 28.5)
        _ = s.handle(.key(.right))                        // pen up: moving leaves no ink
        #expect(s.canvas.isBlank && s.cursor.x == 30.5)
        _ = s.handle(.key(.character(" ")))               // pen down paints where it is
        #expect(s.pen == .paint && s.canvas.ink[28 * 56 + 30] == 255)
        _ = s.handle(.key(.down, shift: true))            // 8 pixels down, painting
        #expect(s.cursor.y == 36.5)
        for y in 28...36 { #expect(s.canvas.ink[y * 56 + 30] == 255, "y = \(y)") }
        _ = s.handle(.key(.character(" ")))
        #expect(s.pen == .up)
        _ = s.handle(.key(.character("x")))               // the eraser where the pen is
        #expect(s.pen == .erase && s.canvas.ink[36 * 56 + 30] == 0)
        // The pen stays on the canvas.
        for _ in 0..<40 { _ = s.handle(.key(.up, shift: true)) }
        #expect(s.cursor.y == 0.5)
    }

    @Test func sizeUndoAndClear() {
        var s = DrawPadState(layout: Self.big)
        _ = s.handle(.key(.character("+")))
        #expect(s.canvas.radius == DrawCanvas.defaultRadius + 0.5)
        for _ in 0..<20 { _ = s.handle(.key(.character("-"))) }
        #expect(s.canvas.radius == DrawCanvas.radii.lowerBound)
        _ = s.handle(.press(.left, column: 10, row: 10)); _ = s.handle(.release(column: 10, row: 10))
        let one = s.canvas.ink
        _ = s.handle(.press(.left, column: 40, row: 20)); _ = s.handle(.release(column: 40, row: 20))
        #expect(s.canvas.ink != one)
        _ = s.handle(.key(.character("u")))
        #expect(s.canvas.ink == one)
        _ = s.handle(.key(.character("c")))
        #expect(s.canvas.isBlank)
        _ = s.handle(.key(.character("u")))               // clearing can be undone too
        #expect(s.canvas.ink == one)
        #expect(s.canvas.radius == DrawCanvas.radii.lowerBound, "undo keeps the pen's size")
    }

    @Test func enterKeepsOnlyADrawingAndEveryWayOutCancels() {
        var s = DrawPadState(layout: Self.big)
        #expect(s.handle(.key(.enter)) == .continueDrawing)
        #expect(s.message == "Nothing drawn yet: draw a digit first (Esc leaves without one).")
        _ = s.handle(.press(.left, column: 20, row: 10))
        #expect(s.message == nil)
        #expect(s.handle(.key(.enter)) == .keep)
        for key: DrawEvent.Key in [.escape, .interrupt, .character("q")] {
            var t = s
            #expect(t.handle(.key(key)) == .cancel)
        }
    }
}

@Suite struct DrawPadScreenTests {
    /// A "1": a vertical stroke down the middle.
    static func one() -> DrawPadState {
        var s = DrawPadState(layout: DrawPadLayout(columns: 120, rows: 40))
        _ = s.handle(.press(.left, column: 29, row: 6))
        _ = s.handle(.drag(.left, column: 29, row: 27))
        _ = s.handle(.release(column: 29, row: 27))
        return s
    }

    /// Visible cells of a screen row (colour codes removed).
    static func visible(_ line: String) -> String {
        var out = "", escape = false
        for ch in line {
            if escape { if ch.isLetter { escape = false }; continue }
            if ch == "\u{1B}" { escape = true; continue }
            out.append(ch)
        }
        return out
    }

    @Test func screenHasFramePanelAndKeys() throws {
        let s = Self.one()
        let reading = try #require(DrawPad.reading(of: s.canvas))
        let ranked: [(label: String, probability: Float)] = [("1", 0.91), ("7", 0.05), ("4", 0.02)]
        let lines = s.screen(reading: .init(ranked: ranked, pixels28: reading.pixels28), columns: 120, rows: 40)
        #expect(lines.count == 40)
        let text = lines.map(Self.visible)
        #expect(text[0] == DrawPadState.title)
        #expect(text[1] == "┌─ pen: up · size 2.6 " + String(repeating: "─", count: 35) + "┐")
        #expect(text[30] == "└" + String(repeating: "─", count: 56) + "┘")
        #expect(text[2].hasSuffix("│  The network's top 3"))
        #expect(text[3].hasSuffix("│   1  ██████████████▌   91.0%"))
        #expect(text[4].hasSuffix("│   7  ▊                  5.0%"))
        #expect(text[7].hasSuffix("│  What it sees (28x28)"))
        #expect(text[31] == DrawPadState.keys[0] && text[32] == DrawPadState.keys[1])
        #expect(text.allSatisfy { $0.count <= 120 })
        // The canvas rows are 56 cells between the frame's sides.
        for row in 2..<30 { #expect(text[row].hasPrefix("│") && Array(text[row])[57] == "│") }
        // Ink shows as white cells (grey 255) where the stroke is, the pen in blue (39).
        #expect(lines[10].contains("\u{1B}[38;5;255;48;5;255m"))
        #expect(lines.joined().contains("38;5;39;") || lines.joined().contains(";48;5;39m"))
    }

    @Test func blankPadAndTooSmallScreen() {
        let s = DrawPadState(layout: DrawPadLayout(columns: 80, rows: 24))
        let text = s.screen(reading: nil, columns: 80, rows: 24).map(Self.visible)
        #expect(text.count == 24)
        #expect(text[2].hasSuffix("│  The network's top 3") && text[3].hasSuffix("│    (draw a digit)"))
        #expect(text[1].count == 30)
        let tiny = DrawPadState(layout: DrawPadLayout(columns: 40, rows: 10))
        let lines = tiny.screen(reading: nil, columns: 40, rows: 10).map(Self.visible)
        #expect(lines.count == 10 && lines.allSatisfy { $0.count <= 40 })
        #expect(lines[0] == " The window is too small for the drawing")
    }

    @Test func keptDrawingReadsAsThePNGDoes() throws {
        let s = Self.one()
        let reading = try #require(DrawPad.reading(of: s.canvas))
        #expect(reading.pixels28.count == 784)
        // Centre of mass in the middle, as the pipeline promises.
        var (mass, mx, my) = (0.0, 0.0, 0.0)
        for y in 0..<28 { for x in 0..<28 {
            let v = Double(reading.pixels28[y * 28 + x]); mass += v; mx += v * (Double(x) + 0.5); my += v * (Double(y) + 0.5)
        } }
        #expect(abs(mx / mass - 14) <= 1 && abs(my / mass - 14) <= 1)
        // `draw save` then `predict file` reads the very same 28x28 digit.
        let png = try PNG.encode(width: reading.picture.width, height: reading.picture.height,
                                 pixels: reading.picture.pixels, channels: 1)
        let again = try DigitPipeline.run(try PNG.decodeGrey(png, name: "drawing.png"))
        #expect(again.pixels == reading.pixels28)
        #expect(DrawPad.reading(of: DrawCanvas()) == nil)
    }

    @Test func classifierRanksAllClasses() {
        var rng = SeededRNG(seed: 1)
        let net = Preset.named("mlp")!.makeNetwork(using: &rng)
        let classify = DrawPad.classifier(network: net, normalization: .mnist, classNames: (0..<10).map(String.init))
        let ranked = classify(DrawPad.reading(of: Self.one().canvas)!.pixels28)
        #expect(ranked.count == 10)
        #expect(Set(ranked.map(\.label)) == Set((0..<10).map(String.init)))
        #expect(zip(ranked, ranked.dropFirst()).allSatisfy { $0.probability >= $1.probability })
        #expect(abs(ranked.map(\.probability).reduce(0, +) - 1) < 1e-4)
    }
}
