/// A decoded picture as `ImageFile` returns it: 8-bit grey (1 channel) or RGB (3
/// channels), row by row, top row first, already turned upright (EXIF orientation) and
/// already shrunk to at most `ImageFile.maxPixels`.
public struct RasterImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// 1 (grey) or 3 (red, green, blue).
    public let channels: Int
    public var pixels: [UInt8]
    /// The picture's size in its file, upright, before it was shrunk to fit: what the
    /// user measures boxes in. The raster's own size unless it was shrunk.
    public private(set) var sourceWidth: Int
    public private(set) var sourceHeight: Int

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(channels == 1 || channels == 3, "a raster is grey or RGB")
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * channels, "pixels and size disagree")
        self.width = width; self.height = height; self.channels = channels; self.pixels = pixels
        (sourceWidth, sourceHeight) = (width, height)
    }

    /// File pixels per pixel of this raster (1 unless it was shrunk).
    public var sourceScale: Double { width > 0 ? Double(sourceWidth) / Double(width) : 1 }

    /// The same raster, standing for a picture of `width` x `height` in its file.
    public func fromSource(width w: Int, height h: Int) -> RasterImage {
        var r = self
        (r.sourceWidth, r.sourceHeight) = (w, h)
        return r
    }

    public init(_ grey: PNG.Grey) {
        self.init(width: grey.width, height: grey.height, channels: 1, pixels: grey.pixels)
    }

    public var pixelCount: Int { width * height }

    /// Luminance with Rec. 601 weights on the stored (sRGB) values — what a viewer sees
    /// as lighter or darker, which is what separates ink from paper.
    public var grey: PNG.Grey {
        guard channels == 3 else { return PNG.Grey(width: width, height: height, pixels: pixels) }
        var g = [UInt8](repeating: 0, count: pixelCount)
        pixels.withUnsafeBufferPointer { p in
            for i in 0..<pixelCount {
                let v = 299 * Int(p[3 * i]) + 587 * Int(p[3 * i + 1]) + 114 * Int(p[3 * i + 2])
                g[i] = UInt8((v + 500) / 1000)
            }
        }
        return PNG.Grey(width: width, height: height, pixels: g)
    }

    /// The picture shrunk by a whole factor (each output pixel the mean of a k x k block;
    /// partial blocks at the right and bottom edges average what they hold) so that it
    /// holds at most `maxPixels`. Returns `self` when it already fits.
    public func downscaled(maxPixels: Int) -> RasterImage {
        guard pixelCount > maxPixels, maxPixels > 0 else { return self }
        var k = 2
        while ((width + k - 1) / k) * ((height + k - 1) / k) > maxPixels { k += 1 }
        return Self.shrink(width: width, height: height, channels: channels, by: k) { y in
            pixels[(y * width * channels)..<((y + 1) * width * channels)]
        }.fromSource(width: sourceWidth, height: sourceHeight)
    }

    /// Box-shrinks rows delivered one at a time by `row(y)` (so a decoder can hand them
    /// over without the whole picture existing twice).
    static func shrink(width: Int, height: Int, channels c: Int, by k: Int,
                       row: (Int) -> ArraySlice<UInt8>) -> RasterImage {
        let (ow, oh) = ((width + k - 1) / k, (height + k - 1) / k)
        var out = [UInt8](repeating: 0, count: ow * oh * c)
        var sums = [Int](repeating: 0, count: ow * c)
        for oy in 0..<oh {
            for i in sums.indices { sums[i] = 0 }
            let rows = min(k, height - oy * k)
            for dy in 0..<rows {
                let r = row(oy * k + dy)
                var i = r.startIndex
                for x in 0..<width {
                    let o = (x / k) * c
                    for ch in 0..<c { sums[o + ch] += Int(r[i + ch]) }
                    i += c
                }
            }
            for ox in 0..<ow {
                let n = rows * min(k, width - ox * k)
                for ch in 0..<c { out[(oy * ow + ox) * c + ch] = UInt8((sums[ox * c + ch] + n / 2) / n) }
            }
        }
        return RasterImage(width: ow, height: oh, channels: c, pixels: out)
    }

    /// The picture as it should be seen, given the EXIF orientation tag (1–8): 1 as
    /// stored, 2 mirrored, 3 turned 180°, 4 flipped, 5 transposed, 6 turned 90° clockwise,
    /// 7 transversed, 8 turned 90° anticlockwise. Other values leave it as it is.
    public func oriented(_ orientation: Int) -> RasterImage {
        guard (2...8).contains(orientation) else { return self }
        let swaps = orientation >= 5
        let (ow, oh) = swaps ? (height, width) : (width, height)
        var out = [UInt8](repeating: 0, count: pixels.count)
        for y in 0..<oh {
            for x in 0..<ow {
                // The stored pixel (sx, sy) that lands at (x, y).
                let (sx, sy): (Int, Int)
                switch orientation {
                case 2: (sx, sy) = (width - 1 - x, y)
                case 3: (sx, sy) = (width - 1 - x, height - 1 - y)
                case 4: (sx, sy) = (x, height - 1 - y)
                case 5: (sx, sy) = (y, x)
                case 6: (sx, sy) = (y, height - 1 - x)
                case 7: (sx, sy) = (width - 1 - y, height - 1 - x)
                default: (sx, sy) = (width - 1 - y, x) // 8
                }
                let (s, d) = ((sy * width + sx) * channels, (y * ow + x) * channels)
                for ch in 0..<channels { out[d + ch] = pixels[s + ch] }
            }
        }
        return RasterImage(width: ow, height: oh, channels: channels, pixels: out)
            .fromSource(width: swaps ? sourceHeight : sourceWidth, height: swaps ? sourceWidth : sourceHeight)
    }
}
