import DigitLabIO

/// Picture resizing for figures and the pipeline: area averaging when shrinking (every
/// source pixel counts, so thin strokes survive), bilinear when enlarging.
public enum Resample {
    public static func image(_ r: RasterImage, width: Int, height: Int) -> RasterImage {
        let planes = (0..<r.channels).map { Plane(r, channel: $0).resized(width: width, height: height) }
        var out = [UInt8](repeating: 0, count: width * height * r.channels)
        for (c, p) in planes.enumerated() {
            for i in 0..<(width * height) { out[i * r.channels + c] = UInt8(max(0, min(255, p.values[i].rounded()))) }
        }
        return RasterImage(width: width, height: height, channels: r.channels, pixels: out)
    }

    public static func image(_ g: PNG.Grey, width: Int, height: Int) -> PNG.Grey {
        image(RasterImage(g), width: width, height: height).grey
    }
}
