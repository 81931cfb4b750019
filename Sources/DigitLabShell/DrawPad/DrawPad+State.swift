/// Where the pad's parts go on a screen of a given size. The canvas shows two of its
/// pixels per character cell, stacked ("▀" in two colours), so a 56x56 canvas takes 56
/// columns and 28 rows; on a smaller screen each shown pixel is 2x2 canvas pixels
/// (28 columns, 14 rows).
public struct DrawPadLayout: Equatable, Sendable {
    public let columns: Int
    public let rows: Int
    /// Canvas pixels per shown pixel: 1, or 2 on small screens.
    public let scale: Int
    /// 1-based screen row and column of the canvas's first cell (inside its frame).
    public let top: Int
    public let left: Int
    /// Cells the canvas covers.
    public let canvasColumns: Int
    public let canvasRows: Int
    /// 1-based column where the panel (top 3, what the network sees) starts.
    public let panel: Int
    /// 1-based row of the first of the two lines of key help, below canvas and panel.
    public let footer: Int

    /// The panel: a title, three bars, a gap, a title and the 28x28 preview (14 rows).
    static let panelWidth = 30
    static let panelRows = 20

    /// Nil when the screen is too small even for the small canvas (see `minimum`).
    public init?(columns: Int, rows: Int, canvasSide: Int = 56) {
        self.columns = columns; self.rows = rows
        func fits(_ scale: Int) -> Bool {
            let (cw, ch) = (canvasSide / scale, canvasSide / scale / 2)
            return columns >= cw + 4 + Self.panelWidth && rows >= Self.footer(canvasRows: ch) + 1
        }
        guard let scale = [1, 2].first(where: fits) else { return nil }
        self.scale = scale
        (top, left) = (3, 2)
        canvasColumns = canvasSide / scale
        canvasRows = canvasSide / scale / 2
        panel = left + canvasColumns + 3
        footer = Self.footer(canvasRows: canvasRows)
    }

    /// Title (row 1), frame (row 2), the canvas, the frame's foot; the panel from row 3;
    /// then two lines of keys.
    static func footer(canvasRows: Int) -> Int { max(3 + canvasRows, 2 + panelRows) + 1 }

    /// The smallest screen the pad works on, for the message on smaller ones: 62x24.
    public static func minimum(canvasSide: Int = 56) -> (columns: Int, rows: Int) {
        (canvasSide / 2 + 4 + panelWidth, footer(canvasRows: canvasSide / 4) + 1)
    }

    /// The canvas point under a mouse cell (1-based column and row), at the cell's
    /// centre; nil outside the canvas.
    public func canvasPoint(column: Int, row: Int) -> (x: Double, y: Double)? {
        let (cx, cy) = (column - left, row - top)
        guard cx >= 0, cx < canvasColumns, cy >= 0, cy < canvasRows else { return nil }
        return ((Double(cx) + 0.5) * Double(scale), (Double(cy) + 0.5) * Double(2 * scale))
    }
}

/// The pad's state and the rules that change it — no terminal here, so every key and
/// mouse move can be checked in a test.
///
/// Mouse: the left button paints while held, the right button erases. Keyboard: the
/// arrows move a pen (Shift: four times as far); Space puts it down to paint or lifts
/// it; `x` puts it down as an eraser; `+`/`-` change its size; `u` undoes the last
/// stroke; `c` clears; Enter keeps the drawing; Esc, `q` or Ctrl-C leave without it.
public struct DrawPadState: Sendable {
    public enum Pen: Equatable, Sendable { case up, paint, erase }
    /// What the loop should do after an event.
    public enum Outcome: Equatable, Sendable { case continueDrawing, keep, cancel }

    public var canvas: DrawCanvas
    public var layout: DrawPadLayout?
    /// The keyboard pen's position in canvas pixels (a pixel centre).
    public var cursor: (x: Double, y: Double)
    public var pen: Pen = .up
    /// The last point of the stroke the mouse is drawing, and whether it erases.
    var mouseStroke: (x: Double, y: Double, erase: Bool)?
    /// Canvases before each stroke, for `u` (at most `undoLimit`).
    var undo: [DrawCanvas] = []
    static let undoLimit = 50
    /// A one-line note under the canvas ("nothing drawn yet …").
    public var message: String?
    /// The drawing changed since the network last looked.
    public var needsClassifying = false

    public init(canvas: DrawCanvas = DrawCanvas(), layout: DrawPadLayout?) {
        self.canvas = canvas
        self.layout = layout
        cursor = (Double(canvas.width / 2) + 0.5, Double(canvas.height / 2) + 0.5)
    }

    /// One event's effect. Enter on a blank pad does not keep it: a message says so.
    public mutating func handle(_ event: DrawEvent) -> Outcome {
        message = nil
        switch event {
        case .press(let button, let column, let row):
            guard button != .middle, let p = layout?.canvasPoint(column: column, row: row) else {
                mouseStroke = nil
                return .continueDrawing
            }
            beginStroke()
            mouseStroke = (p.x, p.y, button == .right)
            paint(from: nil, to: p, erase: button == .right)
        case .drag(let button, let column, let row):
            guard button != .middle, let p = layout?.canvasPoint(column: column, row: row) else {
                mouseStroke = nil // left the canvas: the stroke ends at its edge
                return .continueDrawing
            }
            if mouseStroke == nil { beginStroke() }
            let erase = mouseStroke?.erase ?? (button == .right)
            paint(from: mouseStroke.map { ($0.x, $0.y) }, to: p, erase: erase)
            mouseStroke = (p.x, p.y, erase)
        case .release:
            mouseStroke = nil
        case .key(let key, let shift):
            return handle(key, shift: shift)
        }
        return .continueDrawing
    }

    mutating func handle(_ key: DrawEvent.Key, shift: Bool) -> Outcome {
        switch key {
        case .escape, .interrupt, .character("q"), .character("Q"): return .cancel
        case .enter:
            guard !canvas.isBlank else {
                message = "Nothing drawn yet: draw a digit first (Esc leaves without one)."
                return .continueDrawing
            }
            return .keep
        case .up, .down, .left, .right:
            // One character cell a step: 2 canvas pixels at scale 1 (a cell is 1 wide and 2
            // high, so horizontal steps are 2 cells), 4 with Shift.
            let step = Double(2 * (layout?.scale ?? 1) * (shift ? 4 : 1))
            let (dx, dy): (Double, Double) = key == .up ? (0, -step) : key == .down ? (0, step)
                : key == .left ? (-step, 0) : (step, 0)
            let old = cursor
            cursor = (min(Double(canvas.width) - 0.5, max(0.5, old.x + dx)),
                      min(Double(canvas.height) - 0.5, max(0.5, old.y + dy)))
            if pen != .up { paint(from: old, to: cursor, erase: pen == .erase) }
        case .character(" "):
            pen = pen == .paint ? .up : .paint
            if pen == .paint { beginStroke(); paint(from: nil, to: cursor, erase: false) }
        case .character("x"), .character("X"):
            pen = pen == .erase ? .up : .erase
            if pen == .erase { beginStroke(); paint(from: nil, to: cursor, erase: true) }
        case .character("+"), .character("="):
            canvas.radius = min(DrawCanvas.radii.upperBound, canvas.radius + 0.5)
        case .character("-"), .character("_"):
            canvas.radius = max(DrawCanvas.radii.lowerBound, canvas.radius - 0.5)
        case .character("c"), .character("C"):
            beginStroke()
            canvas.clear()
            pen = .up
            needsClassifying = true
        case .character("u"), .character("U"), .backspace:
            if let previous = undo.popLast() {
                let radius = canvas.radius // the pen keeps its size
                canvas = previous
                canvas.radius = radius
                needsClassifying = true
            }
        default: break
        }
        return .continueDrawing
    }

    /// Keeps the canvas as it is before a stroke, so `u` can return to it.
    mutating func beginStroke() {
        undo.append(canvas)
        if undo.count > Self.undoLimit { undo.removeFirst() }
    }

    mutating func paint(from: (x: Double, y: Double)?, to: (x: Double, y: Double), erase: Bool) {
        canvas.stroke(from: from, to: to, erase: erase)
        needsClassifying = true
    }
}
