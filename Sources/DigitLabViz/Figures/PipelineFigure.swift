import Foundation
import DigitLabIO
import DigitLabVision

/// `predict file PATH --stages`: the picture at each step of the pipeline, left to right,
/// each with its name and size.
public enum PipelineFigure {
    public static func draw(_ stages: [DigitPipeline.Stage], file: String, verdict: String) -> Canvas {
        let box = 120.0, gap = 22.0
        let c = Canvas(width: Int(2 * Style.margin + Double(stages.count) * (box + gap) - gap),
                       height: Int(Style.header + box + 58))
        c.title("From your picture to 28x28: \(verdict)", subtitle: file)
        for (i, stage) in stages.enumerated() {
            let x = Style.margin + Double(i) * (box + gap)
            let y = Style.header + 6
            picture(stage.image, on: c, x: x, y: y, width: box, height: box)
            c.frame(x, y, box, box, .grid)
            c.text("\(i + 1). \(stage.name)", x + box / 2, y + box + 16, size: Style.captionSize, align: .center)
            c.text("\(stage.image.width)x\(stage.image.height)", x + box / 2, y + box + 30, size: Style.captionSize - 1, align: .center, color: .muted)
        }
        return c
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
