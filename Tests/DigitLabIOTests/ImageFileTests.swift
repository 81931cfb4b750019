import Foundation
import Testing
import CZlib
@testable import DigitLabIO

/// JPEG and the one door for picture files: formats by their bytes, EXIF orientation,
/// every bad input one line, and memory bounded before anything large is allocated.
@Suite struct ImageFileTests {
    /// A 40x30 picture with a dark square at the top left, so orientation is visible.
    static let marked: RasterImage = {
        var px = [UInt8](repeating: 230, count: 40 * 30 * 3)
        for y in 0..<10 { for x in 0..<10 { for k in 0..<3 { px[(y * 40 + x) * 3 + k] = 20 } } }
        return RasterImage(width: 40, height: 30, channels: 3, pixels: px)
    }()

    /// APP1 "Exif" with IFD0 = [orientation], in either byte order; `entries` claims how
    /// many entries there are, `next` is IFD0's link to the next IFD.
    static func exif(orientation: Int, bigEndian: Bool = false, entries: Int = 1, ifd: UInt32 = 8, next: UInt32 = 0) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { bigEndian ? [UInt8(v >> 8 & 255), UInt8(v & 255)] : [UInt8(v & 255), UInt8(v >> 8 & 255)] }
        func u32(_ v: UInt32) -> [UInt8] { bigEndian ? u16(Int(v >> 16)) + u16(Int(v & 0xFFFF)) : u16(Int(v & 0xFFFF)) + u16(Int(v >> 16)) }
        var tiff: [UInt8] = (bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]) + u16(42) + u32(ifd)
        tiff += u16(entries) + u16(0x0112) + u16(3) + u32(1) + u16(orientation) + [0, 0] + u32(next)
        let body = Array("Exif".utf8) + [0, 0] + tiff
        return [0xFF, 0xE1, UInt8((body.count + 2) >> 8), UInt8((body.count + 2) & 255)] + body
    }

    static func jpeg(_ r: RasterImage = marked, exif: [UInt8] = [], quality: Int = 95) throws -> [UInt8] {
        var bytes = try JPEG.encode(width: r.width, height: r.height, channels: r.channels, pixels: r.pixels, quality: quality)
        bytes.insert(contentsOf: exif, at: 2)
        return bytes
    }

    /// Where the dark square ended up: the corner whose pixel is darkest.
    static func darkCorner(_ r: RasterImage) -> String {
        let corners = [("top-left", 2, 2), ("top-right", r.width - 3, 2), ("bottom-left", 2, r.height - 3), ("bottom-right", r.width - 3, r.height - 3)]
        return corners.min { r.pixels[($0.2 * r.width + $0.1) * r.channels] < r.pixels[($1.2 * r.width + $1.1) * r.channels] }!.0
    }

    @Test func jpegDecodesToColourAndGrey() throws {
        let colour = try ImageFile.decode(try Self.jpeg(), name: "a.jpg")
        #expect(colour.width == 40 && colour.height == 30 && colour.channels == 3)
        #expect(abs(Int(colour.pixels[(5 * 40 + 5) * 3]) - 20) < 12 && abs(Int(colour.pixels[(20 * 40 + 30) * 3]) - 230) < 12)
        let grey = RasterImage(width: 40, height: 30, channels: 1, pixels: Self.marked.grey.pixels)
        let g = try ImageFile.decode(try Self.jpeg(grey), name: "g.jpg")
        #expect(g.channels == 1 && g.width == 40)
    }

    @Test(arguments: [(1, "top-left", false), (2, "top-right", false), (3, "bottom-right", false), (4, "bottom-left", false),
                      (5, "top-left", true), (6, "top-right", true), (7, "bottom-right", true), (8, "bottom-left", true)])
    func exifOrientationIsApplied(orientation: Int, corner: String, swaps: Bool) throws {
        for bigEndian in [false, true] {
            let r = try ImageFile.decode(try Self.jpeg(exif: Self.exif(orientation: orientation, bigEndian: bigEndian)), name: "o.jpg")
            #expect((r.width, r.height) == (swaps ? (30, 40) : (40, 30)), "orientation \(orientation)")
            #expect(Self.darkCorner(r) == corner, "orientation \(orientation), big-endian \(bigEndian)")
        }
    }

    /// EXIF that lies: links to itself, more entries than bytes, offsets past the end,
    /// orientation values out of range. None may crash or loop; the picture still decodes.
    @Test func lyingEXIFIsIgnored() throws {
        let cases: [[UInt8]] = [
            Self.exif(orientation: 6, next: 8),                 // IFD0 links to itself
            Self.exif(orientation: 6, entries: 65535),          // far more entries than bytes
            Self.exif(orientation: 6, ifd: 0xFFFF_FFF0),        // IFD0 beyond the segment
            Self.exif(orientation: 9),                          // not an orientation
            Self.exif(orientation: 0),
            Array(Self.exif(orientation: 6).prefix(20)) + [0, 0], // cut inside the TIFF header
        ]
        for (n, e) in cases.enumerated() {
            var bytes = try Self.jpeg()
            // Keep the segment's length field honest about what follows, or lie on purpose (n == 5).
            bytes.insert(contentsOf: e, at: 2)
            let r = try? ImageFile.decode(bytes, name: "lie\(n).jpg")
            // IFD0 itself is fine in the first two (its link or its count lie): 6 applies.
            if n < 2 { #expect(r?.width == 30, "case \(n): IFD0's orientation 6 is read, nothing else") }
            else if n < 5 { #expect(r?.width == 40, "case \(n): orientation ignored") }
        }
    }

    @Test func badJPEGsGiveOneLine() throws {
        let good = try Self.jpeg()
        func problem(_ bytes: [UInt8]) -> String {
            do { _ = try ImageFile.decode(bytes, name: "x.jpg"); return "decoded" } catch { return error.problem }
        }
        // Cut in the tables: no picture at all; cut in the image data: damaged.
        #expect(problem(Array(good.prefix(good.count / 2))) == "not a readable JPEG (it ends after \(good.count / 2) bytes, before its picture begins) — the file is cut short; copy or save it again")
        #expect(problem(Array(good.prefix(good.count - 40))) == "damaged JPEG data (libjpeg: Premature end of JPEG file) — the file is cut short; copy or save it again")
        #expect(problem([0xFF, 0xD8, 0xFF]).hasPrefix("not a readable JPEG"))
        #expect(problem(Array(good.prefix(4))).hasPrefix("not a readable JPEG"))
        // Cut in its header or tables, or inside its first bytes: cut short, not "check it
        // is a JPEG file" (a newcomer's download that stopped; "it starts with bytes ff d8"
        // named a JPEG's own first bytes).
        for cut in [1, 2, 3, 20, 100] {
            #expect(problem(Array(good.prefix(cut))).hasSuffix("— the file is cut short; copy or save it again"), "cut at \(cut): \(problem(Array(good.prefix(cut))))")
        }
        #expect(problem([0xFF, 0xD8, 0x00, 0xE0]) == "not a readable JPEG (it starts as a JPEG does, then its signature is damaged) — the file is damaged; save it again")
        // Damaged image data decodes with libjpeg's warnings to blocks of colour, read as
        // digits ("1999" read "1000" at 99%): refused, not read.
        var tables = good
        for i in stride(from: good.count / 3, to: good.count / 2, by: 7) { tables[i] = 0xFF }
        #expect(problem(tables).hasSuffix("— the file is damaged; save it again"), "\(problem(tables))")
        let scan = (2..<(good.count - 1)).first { good[$0] == 0xFF && good[$0 + 1] == 0xDA }!
        let data = scan + 2 + (Int(good[scan + 2]) << 8 | Int(good[scan + 3]))   // past the scan's header
        var corrupt = good
        for i in stride(from: data + 4, to: good.count - 2, by: 9) { corrupt[i] = 0xFF }
        let p = problem(corrupt)
        #expect(p.hasPrefix("damaged JPEG data (libjpeg: Corrupt JPEG data") && p.hasSuffix("— the file is damaged; save it again"), "\(p)")
        for problem in [problem(Array(good.prefix(good.count / 2))), problem([0xFF, 0xD8, 0xFF])] { #expect(!problem.contains("\n")) }
    }

    /// A header claiming 60000 x 60000 is refused before any decoding (3.6 gigapixels);
    /// so is a progressive picture whose coefficients alone would need too much memory.
    @Test func hugeDimensionsAreRefusedFromTheHeader() throws {
        var bytes = try Self.jpeg()
        guard let sof = (0..<(bytes.count - 9)).first(where: { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 }) else {
            Issue.record("no SOF0 in the encoded JPEG"); return
        }
        // SOF0: FF C0, length (2), precision (1), height (2), width (2).
        bytes[sof + 5] = 0xEA; bytes[sof + 6] = 0x60; bytes[sof + 7] = 0xEA; bytes[sof + 8] = 0x60
        // In a few hundred bytes such a claim is a damaged header, not a photo to shrink.
        #expect(throws: IOError("big.jpg", "JPEG claims 60000x60000 pixels in only \(bytes.count) bytes — its header is damaged; save it again")) {
            try ImageFile.decode(bytes, name: "big.jpg")
        }
        // 12000 x 12000 in 150 KB (what follows the image's end is not read): a photo.
        bytes[sof + 5] = 0x2E; bytes[sof + 6] = 0xE0; bytes[sof + 7] = 0x2E; bytes[sof + 8] = 0xE0
        #expect(throws: IOError("big.jpg", "JPEG claims 12000x12000 pixels — too large for a digit picture (at most 100 megapixels); shrink it")) {
            try ImageFile.decode(bytes + [UInt8](repeating: 0, count: 150_000), name: "big.jpg")
        }
        bytes[sof + 1] = 0xC2 // progressive
        bytes[sof + 5] = 0x1F; bytes[sof + 6] = 0x40; bytes[sof + 7] = 0x1F; bytes[sof + 8] = 0x40 // 8000 x 8000
        #expect(throws: IOError("big.jpg", "progressive JPEG of 8000x8000 pixels needs 366 MB to decode, more than 160 MB — save it as a baseline JPEG or smaller")) {
            try ImageFile.decode(bytes, name: "big.jpg")
        }
    }

    /// A large photo is shrunk while decoding (the DCT's own 1/2…1/8), never decoded whole.
    @Test func largePicturesAreShrunkWhileDecoding() throws {
        let (w, h) = (3000, 2000)
        let big = RasterImage(width: w, height: h, channels: 1, pixels: [UInt8](repeating: 200, count: w * h))
        let r = try JPEG.decode(try Self.jpeg(big, quality: 50), name: "big.jpg", maxPixels: 1 << 20)
        #expect(r.pixelCount <= 1 << 20 && r.width == 1125 && r.height == 750, "3/8 is the largest reduction that fits")
        // PNG: decoded whole (up to the cap), then shrunk by whole blocks.
        let png = try PNG.encode(width: w, height: h, pixels: big.pixels, channels: 1)
        let p = try PNG.decodeRaster(png, name: "big.png", maxPixels: 1 << 20)
        #expect(p.pixelCount <= 1 << 20 && p.width == 1000 && p.pixels.allSatisfy { $0 == 200 })
    }

    /// A drawing app exports white ink on a transparent ground: over white paper it was
    /// all white ("blank or has no contrast"). Light ink on nothing goes over black; dark
    /// ink on nothing, and a picture mostly opaque, over white as before.
    @Test func transparentPicturesGoOverPaperThatShowsTheirInk() throws {
        func picture(ink: UInt8, channels: Int, opaque: (Int, Int) -> Bool) throws -> RasterImage {
            var px = [UInt8]()
            for y in 0..<20 { for x in 0..<20 {
                let drawn = opaque(x, y)
                px += [UInt8](repeating: drawn ? ink : 0, count: channels - 1) + [drawn ? 255 : 0]
            } }
            return try ImageFile.decode(try PNG.encode(width: 20, height: 20, pixels: px, channels: channels), name: "drawing.png")
        }
        let stroke = { (x: Int, y: Int) in x == 10 && y > 3 && y < 16 }
        for channels in [2, 4] {
            let white = try picture(ink: 255, channels: channels, opaque: stroke)
            #expect(white.pixels.first == 0 && white.pixels[(10 * 20 + 10) * white.channels] == 255, "white ink over black, \(channels) channels")
            let black = try picture(ink: 0, channels: channels, opaque: stroke)
            #expect(black.pixels.first == 255 && black.pixels[(10 * 20 + 10) * black.channels] == 0, "dark ink over white")
            // Mostly opaque and light (a white page with a transparent hole): over white.
            let page = try picture(ink: 250, channels: channels) { x, _ in x > 2 }
            #expect(page.pixels.first == 255, "a page with a hole stays on white paper")
        }
    }

    @Test func formatsAreToldByTheirBytes() throws {
        let png = try PNG.encode(width: 40, height: 30, pixels: Self.marked.pixels, channels: 3)
        // A PNG named .jpg and a JPEG named .png are read for what they are.
        #expect(try ImageFile.decode(png, name: "really-a-png.jpg").channels == 3)
        #expect(try ImageFile.decode(try Self.jpeg(), name: "really-a-jpeg.png").width == 40)
        #expect(throws: IOError("x.gif", "not a PNG or JPEG picture (it is a GIF) — save it as PNG or JPEG")) {
            try ImageFile.decode(Array("GIF89a....".utf8), name: "x.gif")
        }
        #expect(throws: IOError("x.bin", "not a PNG or JPEG picture (it starts with bytes 00 01 02 03) — save it as PNG or JPEG")) {
            try ImageFile.decode([0, 1, 2, 3, 4], name: "x.bin")
        }
        // Empty, it says so whatever its name (libpng said "invalid argument" for x.png).
        for name in ["x", "x.png", "x.jpg"] {
            #expect(throws: IOError(name, "not a PNG or JPEG picture (the file is empty) — copy or save it again")) {
                try ImageFile.decode([], name: name)
            }
        }
        // The start of a PNG and no more is cut short; a PNG's signature with its first
        // byte damaged is damaged ("it starts with bytes 89 50 4e 47, not a PNG" named
        // a PNG's own first bytes).
        #expect(throws: IOError("x.png", "not a readable PNG (it ends after 4 bytes, inside the PNG signature) — the file is cut short; copy or save it again")) {
            try ImageFile.decode(Array(png.prefix(4)), name: "x.png")
        }
        var flipped = png
        flipped[0] = 0x76
        #expect(throws: IOError("x.png", "not a readable PNG (it starts as a PNG does, then its signature is damaged) — the file is damaged; save it again")) {
            try ImageFile.decode(flipped, name: "x.png")
        }
    }

    /// Folders, pipes and devices are refused before reading (a pipe would block, a device
    /// never ends); so are files larger than the cap, without reading them.
    @Test func nonRegularAndOversizedFilesAreRefused() throws {
        let dir = NSTemporaryDirectory() + "digitlab-imagefile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: IOError(dir, "a folder, not a picture file — give the path of a PNG or JPEG file")) { try ImageFile.read(dir) }
        let fifo = dir + "/pipe.png"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: IOError(fifo, "a pipe, not a picture file — give the path of a PNG or JPEG file")) { try ImageFile.read(fifo) }
        #expect(throws: IOError("/dev/zero", "a device, not a picture file — give the path of a PNG or JPEG file")) { try ImageFile.read("/dev/zero") }
        let huge = dir + "/huge.png"
        #expect(FileManager.default.createFile(atPath: huge, contents: nil))
        #expect(truncate(huge, off_t(ImageFile.maxFileBytes + 1)) == 0) // sparse: nothing is written
        #expect(throws: IOError(huge, "the file holds 67108865 bytes, more than the 64 MB a digit picture may have — shrink it")) { try ImageFile.read(huge) }
        #expect(throws: IOError(dir + "/none.png", "cannot open the file (missing or unreadable)")) { try ImageFile.read(dir + "/none.png") }
    }

    /// Above 16 megapixels a colour PNG is decoded as grey (1 byte a pixel, not 3) and
    /// shrunk to the working cap at once: the 8192 x 8192 cap costs 64 MB, not 1.27 GB.
    @Test func aHugePNGCostsOneGreyCopy() throws {
        let (w, h) = (4200, 4200)
        let png = try PNG.encode(width: w, height: h, pixels: [UInt8](repeating: 240, count: w * h * 3), channels: 3)
        let r = try ImageFile.decode(png, name: "huge.png")
        #expect(r.channels == 1, "above \(PNG.maxColourPixels) pixels colour is dropped while decoding")
        #expect(r.pixelCount <= ImageFile.maxPixels && r.width == 1400)
        var claims = Array(png.prefix(16)) + [0, 0, 0x40, 0x01, 0, 0, 0x40, 0x00] + Array(png.dropFirst(24))
        // The IHDR's CRC covers its type and data (bytes 12..<29).
        let crc = claims[12..<29].withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, 17)) }
        for k in 0..<4 { claims[29 + k] = UInt8(crc >> (24 - 8 * k) & 255) }
        #expect(throws: IOError("huge.png", "PNG claims 16385x16384 pixels — too large for a digit picture (at most 67 megapixels); shrink it")) {
            try ImageFile.decode(claims, name: "huge.png")
        }
    }
}
