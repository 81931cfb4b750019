import DigitLabIO

extension DigitPipeline {
    /// A digit small in a large picture (under `closeSize` working pixels, the picture
    /// shrunk to find it) has lost most of its pixels: the paper estimate, the ink and the
    /// strokes are measured again on the picture's own pixels around it, as a reader
    /// leans in. nil when the picture holds no more detail there.
    static let closeSize = 48

    /// `before`: the stages that found the digit; the closer look's follow as "closer: …".
    static func closerLook(_ picture: RasterImage, at box: Box, in a: Analysis, after before: [Stage],
                           classifier: DigitClassifier?) -> Result? {
        guard max(box.width, box.height) < closeSize,
              let near = CloseUp(picture, around: box, in: a, margin: max(box.width, box.height) / 2),
              let inner = try? run(near.image, classifier: classifier) else { return nil }
        return Result(pixels: inner.pixels, stages: before + near.stages(inner.stages),
                      lightInkOnDark: inner.lightInkOnDark, box: near.inFile(inner.box))
    }
}

/// The picture's own pixels around writing found small at working size, for a closer look
/// (a digit, or a line of them): the working copy lost most of its pixels.
struct CloseUp {
    let image: RasterImage
    /// Where the close-up starts in the picture as read (raster pixels), and how much it
    /// was enlarged.
    let x0: Int, y0: Int
    let enlargement: Double
    let picture: RasterImage

    /// nil when the picture holds no more detail there: at most 1.5 raster pixels per
    /// working pixel. `margin`: working pixels kept round `box` above and below, and
    /// `sideways` (default the same) left and right. `tall`: enlarged (bilinear) until
    /// the box is this many pixels high, when it is smaller in the picture (a line of
    /// digits 15 px high is read at the height the pipeline is made for).
    init?(_ picture: RasterImage, around box: Box, in a: Analysis, margin: Int, sideways: Int? = nil, tall: Int? = nil) {
        let rasterScale = a.scale / picture.sourceScale
        guard rasterScale > 1.5 else { return nil }
        let b = box.scaled(rasterScale)
        let m = Int((Double(margin) * rasterScale).rounded()) + 4
        let side = Int((Double(sideways ?? margin) * rasterScale).rounded()) + 4
        let (x0, y0) = (max(0, b.x - side), max(0, b.y - m))
        let x1 = min(picture.width, b.x + b.width + side), y1 = min(picture.height, b.y + b.height + m)
        guard x1 > x0 + 4, y1 > y0 + 4 else { return nil }
        let c = picture.channels
        var pixels = [UInt8]()
        pixels.reserveCapacity((x1 - x0) * (y1 - y0) * c)
        for y in y0..<y1 { pixels += picture.pixels[((y * picture.width + x0) * c)..<((y * picture.width + x1) * c)] }
        let crop = RasterImage(width: x1 - x0, height: y1 - y0, channels: c, pixels: pixels)
        var f = 1.0
        if let tall {
            f = max(1, min(Double(tall) / Double(b.height), Double(NumberReader.workingSize) / Double(max(crop.width, crop.height))))
        }
        image = f > 1 ? Resample.image(crop, width: Int((Double(crop.width) * f).rounded()), height: Int((Double(crop.height) * f).rounded())) : crop
        (self.x0, self.y0, self.enlargement, self.picture) = (x0, y0, f, picture)
    }

    /// A box found in the close-up, in the file's pixels.
    func inFile(_ inner: Box) -> Box {
        let s = picture.sourceScale
        let (x, y) = (Double(x0) + Double(inner.x) / enlargement, Double(y0) + Double(inner.y) / enlargement)
        return Box(x: Int((x * s).rounded(.down)), y: Int((y * s).rounded(.down)),
                   width: max(1, Int((Double(inner.width) / enlargement * s).rounded(.up))),
                   height: max(1, Int((Double(inner.height) / enlargement * s).rounded(.up))))
            .clamped(to: picture)
    }

    /// The close-up's stages, named so in `--stages`.
    func stages(_ inner: [DigitPipeline.Stage]) -> [DigitPipeline.Stage] {
        inner.map { DigitPipeline.Stage(name: "closer: " + $0.name, image: $0.image) }
    }
}
