import CPNG
import Foundation

/// PNG files through libpng's simplified `png_image_*` API (the classic API reports
/// errors by longjmp, which Swift cannot survive).
public enum PNG {
    /// An 8-bit greyscale picture, 0 = black, 255 = white, row by row.
    public struct Grey: Equatable, Sendable {
        public let width: Int
        public let height: Int
        public var pixels: [UInt8]
        public init(width: Int, height: Int, pixels: [UInt8]) {
            self.width = width; self.height = height; self.pixels = pixels
        }
    }

    /// Reads any PNG — grey or colour, palette, 1 to 16 bits, with or without alpha —
    /// as 8-bit grey, compositing transparent parts over white paper.
    public static func readGrey(_ path: String) throws(IOError) -> Grey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw access(path, F_OK) == 0 ? IOError(path, "cannot open the file (missing or unreadable)") : .missing(path)
        }
        return try decodeGrey([UInt8](data), name: path)
    }

    public static func decodeGrey(_ bytes: [UInt8], name: String) throws(IOError) -> Grey {
        var image = png_image()
        image.version = UInt32(DIGITLAB_PNG_IMAGE_VERSION)
        let began = bytes.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard began != 0 else { throw failure(&image, name, "not a readable PNG") }
        // Refuse absurd sizes before allocating (a corrupt header can claim 2^31 x 2^31).
        guard image.width > 0, image.height > 0, Int(image.width) * Int(image.height) <= 1 << 26 else {
            png_image_free(&image)
            throw IOError(name, "PNG claims \(image.width)x\(image.height) pixels — too large for a digit picture")
        }
        image.format = UInt32(DIGITLAB_PNG_FORMAT_GA) // grey + alpha, 8 bits each
        let (w, h) = (Int(image.width), Int(image.height))
        var ga = [UInt8](repeating: 0, count: w * h * 2)
        let finished = ga.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
        guard finished != 0 else { throw failure(&image, name, "damaged PNG data") }
        var grey = [UInt8](repeating: 0, count: w * h)
        for i in 0..<(w * h) {
            // Composite over white paper: g·a + 255·(1 − a).
            let (g, a) = (Int(ga[2 * i]), Int(ga[2 * i + 1]))
            grey[i] = UInt8((g * a + 255 * (255 - a) + 127) / 255)
        }
        return Grey(width: w, height: h, pixels: grey)
    }

    /// PNGs claiming more pixels than this are refused before decoding (8192 x 8192).
    public static let maxSourcePixels = 1 << 26
    /// Above this many pixels a colour PNG is decoded as grey, 1 byte a pixel instead of
    /// 3, so the largest accepted picture costs 64 MB rather than 192 MB while decoding.
    public static let maxColourPixels = 1 << 24

    /// Any PNG as `ImageFile` wants it: RGB when the file has colour, grey otherwise,
    /// transparent parts composited over paper (`composited`), then shrunk to `maxPixels`.
    public static func decodeRaster(_ bytes: [UInt8], name: String, maxPixels: Int = ImageFile.maxPixels) throws(IOError) -> RasterImage {
        var image = png_image()
        image.version = UInt32(DIGITLAB_PNG_IMAGE_VERSION)
        let began = bytes.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard began != 0 else { throw failure(&image, name, "not a readable PNG") }
        let (w, h) = (Int(image.width), Int(image.height))
        // Refuse absurd sizes before allocating (a corrupt header can claim 2^31 x 2^31).
        guard w > 0, h > 0, w * h <= maxSourcePixels else {
            png_image_free(&image)
            throw IOError(name, "PNG claims \(w)x\(h) pixels — too large for a digit picture (at most \(maxSourcePixels / 1_000_000) megapixels); shrink it")
        }
        // libpng's format flags: 1 = alpha, 2 = colour.
        let colour = image.format & 2 != 0 && w * h <= maxColourPixels
        let alpha = image.format & 1 != 0 && w * h <= maxColourPixels   // larger: over white, as it comes
        let channels = colour ? 3 : 1
        if alpha {
            image.format = UInt32(colour ? DIGITLAB_PNG_FORMAT_RGBA : DIGITLAB_PNG_FORMAT_GA)
            var withAlpha = [UInt8](repeating: 0, count: w * h * (channels + 1))
            let finished = withAlpha.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
            guard finished != 0 else { throw failure(&image, name, "damaged PNG data") }
            return RasterImage(width: w, height: h, channels: channels, pixels: composited(withAlpha, channels: channels))
                .downscaled(maxPixels: maxPixels)
        }
        image.format = UInt32(colour ? DIGITLAB_PNG_FORMAT_RGB : DIGITLAB_PNG_FORMAT_GRAY)
        var pixels = [UInt8](repeating: 255, count: w * h * channels)
        var white = png_color(red: 255, green: 255, blue: 255)
        let finished = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, &white, $0.baseAddress, 0, nil) }
        guard finished != 0 else { throw failure(&image, name, "damaged PNG data") }
        return RasterImage(width: w, height: h, channels: channels, pixels: pixels).downscaled(maxPixels: maxPixels)
    }

    /// A picture with transparent parts, over paper: white paper, unless what is drawn
    /// (the pixels at least half opaque) is light, when the paper is black. A drawing
    /// app's export of white ink on a transparent ground was all white over white paper
    /// ("blank or has no contrast"). `pixels` has `channels` + 1 bytes a pixel, alpha last.
    static func composited(_ pixels: [UInt8], channels: Int) -> [UInt8] {
        let stride = channels + 1
        let count = pixels.count / stride
        var (drawn, lightness) = (0, 0)
        for i in 0..<count where pixels[i * stride + channels] >= 128 {
            drawn += 1
            for k in 0..<channels { lightness += Int(pixels[i * stride + k]) }
        }
        // Light ink on nothing, and little of the picture drawn on: a white drawing.
        let paper = drawn > 0 && drawn * 2 < count && lightness / (drawn * channels) > 160 ? 0 : 255
        var out = [UInt8](repeating: 0, count: count * channels)
        for i in 0..<count {
            let a = Int(pixels[i * stride + channels])
            for k in 0..<channels {
                out[i * channels + k] = UInt8((Int(pixels[i * stride + k]) * a + paper * (255 - a) + 127) / 255)
            }
        }
        return out
    }

    /// Decodes any PNG to 8-bit RGB (3 bytes per pixel), alpha composited over white.
    public static func decodeRGB(_ bytes: [UInt8], name: String) throws(IOError) -> (width: Int, height: Int, pixels: [UInt8]) {
        var image = png_image()
        image.version = UInt32(DIGITLAB_PNG_IMAGE_VERSION)
        let began = bytes.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard began != 0 else { throw failure(&image, name, "not a readable PNG") }
        guard Int(image.width) * Int(image.height) <= 1 << 26 else {
            png_image_free(&image)
            throw IOError(name, "PNG claims \(image.width)x\(image.height) pixels — too large")
        }
        image.format = UInt32(DIGITLAB_PNG_FORMAT_RGB)
        let (w, h) = (Int(image.width), Int(image.height))
        var rgb = [UInt8](repeating: 0, count: w * h * 3)
        var white = png_color(red: 255, green: 255, blue: 255)
        let finished = rgb.withUnsafeMutableBytes { png_image_finish_read(&image, &white, $0.baseAddress, 0, nil) }
        guard finished != 0 else { throw failure(&image, name, "damaged PNG data") }
        return (w, h, rgb)
    }

    /// Encodes 8-bit pixels as PNG bytes: 1 channel grey, 2 grey + alpha, 3 RGB, 4 RGBA.
    /// The output holds no time stamp: the same pixels give the same bytes.
    public static func encode(width: Int, height: Int, pixels: [UInt8], channels: Int) throws(IOError) -> [UInt8] {
        precondition((1...4).contains(channels) && pixels.count == width * height * channels)
        // libpng's format flags: 1 = alpha, 2 = colour.
        let format: [UInt32] = [0, UInt32(DIGITLAB_PNG_FORMAT_GRAY), UInt32(DIGITLAB_PNG_FORMAT_GA),
                                UInt32(DIGITLAB_PNG_FORMAT_RGB), UInt32(DIGITLAB_PNG_FORMAT_RGB) | UInt32(DIGITLAB_PNG_FORMAT_GA)]
        return try encode(width: width, height: height, format: format[channels], bytes: pixels)
    }

    /// Encodes 16-bit grey (values 0–65535, stored linear as libpng's simplified API does).
    public static func encodeGrey16(width: Int, height: Int, values: [UInt16]) throws(IOError) -> [UInt8] {
        precondition(values.count == width * height)
        return try encode(width: width, height: height, format: UInt32(DIGITLAB_PNG_FORMAT_LINEAR_Y),
                          bytes: values.withUnsafeBytes { Array($0) })
    }

    private static func encode(width: Int, height: Int, format: UInt32, bytes pixels: [UInt8]) throws(IOError) -> [UInt8] {
        var image = png_image()
        image.version = UInt32(DIGITLAB_PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = format
        var size: png_alloc_size_t = 0
        // First pass measures, second pass writes.
        let measured = pixels.withUnsafeBytes { png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, 0, nil) }
        guard measured != 0 else { throw failure(&image, "png", "cannot encode") }
        var out = [UInt8](repeating: 0, count: Int(size))
        let written = out.withUnsafeMutableBytes { o in
            pixels.withUnsafeBytes { png_image_write_to_memory(&image, o.baseAddress, &size, 0, $0.baseAddress, 0, nil) }
        }
        guard written != 0 else { throw failure(&image, "png", "cannot encode") }
        return Array(out.prefix(Int(size)))
    }

    private static func failure(_ image: inout png_image, _ name: String, _ what: String) -> IOError {
        let message = withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        png_image_free(&image)
        return IOError(name, "\(what)\(message.isEmpty ? "" : " (libpng: \(message))") — \(advice(for: what, libpng: message))")
    }

    /// What to do about a file libpng gave up on. A file that ends early was cut short (a
    /// copy or a download that stopped) and one whose checksums or data are wrong is damaged:
    /// both are PNGs that need saving again, and "check it is a PNG file" sent a learner
    /// looking at the wrong thing. Anything else may not be a PNG at all.
    static func advice(for what: String, libpng message: String) -> String {
        let cutShort = ["end of data", "Not enough", "too short", "truncated"].contains { message.contains($0) }
        if cutShort { return IOError.cutShort }
        if what == "damaged PNG data" || message.contains("CRC error") { return IOError.damaged }
        return "check it is a PNG file"
    }
}
