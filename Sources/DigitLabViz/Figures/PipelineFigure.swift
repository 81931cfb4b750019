import Foundation
import DigitLabIO
import DigitLabVision

/// `predict file PATH --stages`: the picture at each step of the pipeline, left to right,
/// each with its name and size.
public enum PipelineFigure {
    /// Wide enough for the longest refusal ("scattered in N small pieces … crop the
    /// picture to the writing") in two lines under a strip of three steps.
    static let widthWithReason = 640.0

    /// `why`: for a picture that was not read, the reason, in two lines at most under the
    /// steps it went through (those up to where the pipeline gave up).
    public static func draw(_ stages: [DigitPipeline.Stage], file: String, verdict: String, why: String? = nil) -> Canvas {
        let box = 120.0, gap = 22.0
        let strip = 2 * Style.margin + Double(stages.count) * (box + gap) - gap
        let c = Canvas(width: Int(why == nil ? strip : max(strip, Self.widthWithReason)),
                       height: Int(Style.header + box + 72 + (why == nil ? 0 : 48)))
        c.title("From your picture to 28x28: \(verdict)", subtitle: file)
        if let why {
            for (k, line) in wrapped(why, width: Double(c.width) - 2 * Style.margin, on: c).enumerated() {
                c.text(line, Style.margin, Style.header + box + 74 + 16 * Double(k), size: Style.captionSize, color: .bad)
            }
        }
        for (i, stage) in stages.enumerated() {
            let x = Style.margin + Double(i) * (box + gap)
            let y = Style.header + 6
            picture(stage.image, on: c, x: x, y: y, width: box, height: box)
            c.frame(x, y, box, box, .grid)
            // A long name ("ink (light on dark, turned round)") takes two lines rather
            // than running into its neighbours' captions.
            let lines = wrapped("\(i + 1). \(stage.name)", width: box + gap - 4, on: c)
            for (k, line) in lines.enumerated() {
                c.text(line, x + box / 2, y + box + 16 + 14 * Double(k), size: Style.captionSize, align: .center)
            }
            c.text("\(stage.image.width)x\(stage.image.height)", x + box / 2, y + box + 30 + 14 * Double(lines.count - 1),
                   size: Style.captionSize - 1, align: .center, color: .muted)
        }
        return c
    }

    /// `text` in at most two lines no wider than `width`, broken between words; a second
    /// line that is still too wide ends in "…".
    static func wrapped(_ text: String, width: Double, on c: Canvas) -> [String] {
        func fits(_ s: String) -> Bool { c.textWidth(s, size: Style.captionSize) <= width }
        guard !fits(text) else { return [text] }
        var words = text.split(separator: " ").map(String.init)
        var first = ""
        while let w = words.first, fits(first.isEmpty ? w : first + " " + w) {
            first = first.isEmpty ? w : first + " " + w
            words.removeFirst()
        }
        if first.isEmpty { first = words.removeFirst() }
        var second = words.joined(separator: " ")
        while second.count > 1, !fits(second) { second = String(second.dropLast(2)) + "…" }
        return second.isEmpty ? [first] : [first, second]
    }

    /// A grey or colour picture fitted into a `width` x `height` rectangle, centred:
    /// enlarged by whole cells when small (crisp pixels), shrunk by area averaging when
    /// large. Returns where it went: the top-left corner and the size of one picture pixel.
    @discardableResult
    static func picture(_ img: RasterImage, on c: Canvas, x: Double, y: Double, width: Double, height: Double) -> (x: Double, y: Double, scale: Double) {
        guard img.width > 0, img.height > 0 else { return (x, y, 1) }
        let fit = min(width / Double(img.width), height / Double(img.height))
        let shown = fit < 1
            ? Resample.image(img, width: max(1, Int(Double(img.width) * fit)), height: max(1, Int(Double(img.height) * fit)))
            : img
        let cell = fit < 1 ? 1 : fit.rounded(.down)
        let (ox, oy) = (x + (width - cell * Double(shown.width)) / 2, y + (height - cell * Double(shown.height)) / 2)
        let ch = shown.channels
        c.grid((0..<(shown.width * shown.height)).map { Float($0) }, rows: shown.height, columns: shown.width,
               x: ox, y: oy, cell: cell) { v in
            let i = Int(v) * ch
            return ch == 3 ? RGB(shown.pixels[i], shown.pixels[i + 1], shown.pixels[i + 2])
                           : RGB(shown.pixels[i], shown.pixels[i], shown.pixels[i])
        }
        return (ox, oy, cell * Double(shown.width) / Double(img.width))
    }
}
