import DigitLabIO

/// `predict file PATH --stages`: the picture at each step of the pipeline, left to right.
public enum PipelineFigure {
    public static func draw(_ stages: [DigitPipeline.Stage], file: String, verdict: String) -> Canvas {
        let box = 120.0, gap = 22.0
        let c = Canvas(width: Int(2 * Style.margin + Double(stages.count) * (box + gap) - gap),
                       height: Int(Style.header + box + 58))
        c.title("From your picture to 28x28: \(verdict)", subtitle: file)
        for (i, stage) in stages.enumerated() {
            let img = stage.image
            let cell = box / Double(max(img.width, img.height))
            let x = Style.margin + Double(i) * (box + gap)
            let y = Style.header + 6
            // Pictures as they are: the first two are paper-white, the rest white-on-black ink.
            let values = img.pixels.map { Float($0) / 255 }
            if cell >= 1 {
                c.grid(values, rows: img.height, columns: img.width, x: x + (box - cell * Double(img.width)) / 2,
                       y: y + (box - cell * Double(img.height)) / 2, cell: cell) { v in
                    let g = UInt8((v * 255).rounded()); return RGB(g, g, g)
                }
            } else {
                // Bigger than the box: show it shrunk (area-averaged) rather than skip pixels.
                let scale = box / Double(max(img.width, img.height))
                let small = Resample.image(img, width: max(1, Int(Double(img.width) * scale)), height: max(1, Int(Double(img.height) * scale)))
                c.grid(small.pixels.map { Float($0) / 255 }, rows: small.height, columns: small.width,
                       x: x + (box - Double(small.width)) / 2, y: y + (box - Double(small.height)) / 2, cell: 1) { v in
                    let g = UInt8((v * 255).rounded()); return RGB(g, g, g)
                }
            }
            c.frame(x, y, box, box, .grid)
            c.text("\(i + 1). \(stage.name)", x + box / 2, y + box + 16, size: Style.captionSize, align: .center)
            c.text("\(img.width)x\(img.height)", x + box / 2, y + box + 30, size: Style.captionSize - 1, align: .center, color: .muted)
        }
        return c
    }
}
