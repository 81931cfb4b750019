import CSixel
import DigitLabIO
import Foundation
import Testing
@testable import DigitLabViz

/// Each protocol's sequence is read back the way a terminal reads it: kitty's chunks and
/// iTerm2's payload decode to the very PNG bytes; a sixel sequence decodes (libsixel's
/// own decoder) to a picture of the fitted size with the right colours.
@Suite struct InlinePictureTests {
    /// A PNG of `width` x `height` seeded noise (incompressible, so it spans many chunks)
    /// or, with `noise: false`, red on the left half and blue on the right.
    static func png(width: Int, height: Int, noise: Bool = true) throws -> [UInt8] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height { for x in 0..<width {
            let i = (y * width + x) * 3
            if noise {
                for c in 0..<3 {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    rgb[i + c] = UInt8(truncatingIfNeeded: state >> 56)
                }
            } else {
                (rgb[i], rgb[i + 1], rgb[i + 2]) = x < width / 2 ? (220, 20, 20) : (20, 20, 220)
            }
        } }
        return try PNG.encode(width: width, height: height, pixels: rgb, channels: 3)
    }

    static let wide = TerminalGeometry(columns: 200, rows: 60, cellWidth: 10, cellHeight: 20)

    /// The parts `ESC _ G control ; payload ESC \` of a kitty sequence, in order.
    static func kittyChunks(_ s: String) -> [(control: String, payload: String)] {
        s.components(separatedBy: "\u{1B}\\").dropLast().map { part in
            #expect(part.hasPrefix("\u{1B}_G"), "chunk starts with APC G: \(part.prefix(10))")
            let body = part.dropFirst(3)
            let semicolon = body.firstIndex(of: ";")!
            return (String(body[..<semicolon]), String(body[body.index(after: semicolon)...]))
        }
    }

    @Test func kittyPayloadDecodesToTheSamePNG() throws {
        let png = try Self.png(width: 120, height: 90)
        let s = try InlinePicture.encode(png: png, as: .kitty, fit: Self.wide)
        #expect(s.hasSuffix("\u{1B}\\\n"))
        let chunks = Self.kittyChunks(s)
        #expect(chunks.count > 3, "noise of 120x90 needs several 4096-byte chunks")
        #expect(chunks[0].control == "a=T,f=100,q=2,m=1")
        #expect(chunks.dropFirst().dropLast().allSatisfy { $0.control == "m=1" })
        #expect(chunks.last!.control == "m=0")
        #expect(chunks.allSatisfy { $0.payload.utf8.count <= InlinePicture.kittyChunkSize })
        #expect(chunks.dropLast().allSatisfy { $0.payload.utf8.count == InlinePicture.kittyChunkSize })
        let joined = chunks.map(\.payload).joined()
        #expect(Data(base64Encoded: joined).map { [UInt8]($0) } == png)
    }

    @Test func kittySmallPictureIsOneChunkAtItsOwnSize() throws {
        let png = try Self.png(width: 8, height: 8, noise: false)
        let chunks = Self.kittyChunks(try InlinePicture.encode(png: png, as: .kitty, fit: Self.wide))
        #expect(chunks.count == 1)
        #expect(chunks[0].control == "a=T,f=100,q=2,m=0")
        #expect(Data(base64Encoded: chunks[0].payload).map { [UInt8]($0) } == png)
    }

    @Test func kittyShrinksByTheLimitingSide() throws {
        let png = try Self.png(width: 800, height: 200, noise: false)
        // 41 columns of 10 px: 400 px wide at most, so 400x100: both sides in cells.
        let narrow = TerminalGeometry(columns: 41, rows: 50, cellWidth: 10, cellHeight: 20)
        let chunks = Self.kittyChunks(try InlinePicture.encode(png: png, as: .kitty, fit: narrow))
        #expect(chunks[0].control == "a=T,f=100,q=2,c=40,r=5,m=0")
        // 7 rows of 20 px less two: 100 px high at most, so 25x100: 2.5 columns round to 3.
        let short = TerminalGeometry(columns: 200, rows: 7, cellWidth: 10, cellHeight: 20)
        let tall = try Self.png(width: 200, height: 800, noise: false)
        #expect(Self.kittyChunks(try InlinePicture.encode(png: tall, as: .kitty, fit: short))[0].control
                == "a=T,f=100,q=2,c=3,r=5,m=0")
    }

    @Test func placementNeverEnlargesAndKeepsProportions() {
        let big = InlinePicture.placement(width: 300, height: 100, fit: Self.wide)
        #expect(big == .init(pixelWidth: 300, pixelHeight: 100, columns: 30, rows: 5, scaled: false))
        // At most 80 columns of 8 px (640) and 22 rows of 16 px (352): the height limits.
        let fit = TerminalGeometry(columns: 81, rows: 24, cellWidth: 8, cellHeight: 16)
        #expect(InlinePicture.placement(width: 1280, height: 960, fit: fit)
                == .init(pixelWidth: 469, pixelHeight: 352, columns: 59, rows: 22, scaled: true))
        #expect(InlinePicture.placement(width: 1280, height: 320, fit: fit)
                == .init(pixelWidth: 640, pixelHeight: 160, columns: 80, rows: 10, scaled: true))
    }

    @Test func itermPayloadDecodesToTheSamePNG() throws {
        let png = try Self.png(width: 64, height: 48)
        let s = try InlinePicture.encode(png: png, as: .iterm, fit: Self.wide)
        let prefix = "\u{1B}]1337;File=inline=1;size=\(png.count):"
        #expect(s.hasPrefix(prefix))
        #expect(s.hasSuffix("\u{07}\n"))
        let payload = s.dropFirst(prefix.count).dropLast(2)
        #expect(Data(base64Encoded: String(payload)).map { [UInt8]($0) } == png)
        let narrow = TerminalGeometry(columns: 5, rows: 50, cellWidth: 10, cellHeight: 20)
        #expect(try InlinePicture.encode(png: png, as: .iterm, fit: narrow)
            .hasPrefix("\u{1B}]1337;File=inline=1;size=\(png.count);width=4;height=2;preserveAspectRatio=1:"))
    }

    @Test func tmuxPassthroughDoublesEveryEscape() throws {
        #expect(InlinePicture.tmuxPassthrough("\u{1B}_Gm=0;QUJD\u{1B}\\")
                == "\u{1B}Ptmux;\u{1B}\u{1B}_Gm=0;QUJD\u{1B}\u{1B}\\\u{1B}\\")
        let png = try Self.png(width: 100, height: 100)
        let s = try InlinePicture.encode(png: png, as: .kitty, fit: Self.wide, passthrough: true)
        // Each chunk wrapped on its own; unwrapping gives kitty's chunks, with a fixed size
        // and the cursor kept still (C=1), then one newline per row covered.
        let wrapped = s.components(separatedBy: "\u{1B}Ptmux;").dropFirst()
        #expect(wrapped.count > 1)
        var inner = ""
        for w in wrapped {
            let body = w.trimmingCharacters(in: .newlines)
            #expect(body.hasSuffix("\u{1B}\u{1B}\\\u{1B}\\"))
            inner += String(body.dropLast(2)).replacingOccurrences(of: "\u{1B}\u{1B}", with: "\u{1B}")
        }
        let chunks = Self.kittyChunks(inner)
        #expect(chunks[0].control == "a=T,f=100,q=2,C=1,c=10,r=5,m=1")
        #expect(Data(base64Encoded: chunks.map(\.payload).joined()).map { [UInt8]($0) } == png)
        #expect(s.hasSuffix("\u{1B}\\\n\n\n\n\n"))
    }

    /// Decodes a sixel sequence with libsixel: width, height and RGB of each pixel.
    static func decodeSixel(_ s: String) -> (width: Int, height: Int, rgb: [UInt8])? {
        var bytes = Array(s.utf8)
        var pixels: UnsafeMutablePointer<UInt8>?, palette: UnsafeMutablePointer<UInt8>?
        var (w, h, n): (Int32, Int32, Int32) = (0, 0, 0)
        let status = sixel_decode_raw(&bytes, Int32(bytes.count), &pixels, &w, &h, &palette, &n, nil)
        guard status == SIXEL_OK, let pixels, let palette else { return nil }
        defer { free(pixels); free(palette) }
        var rgb = [UInt8]()
        for i in 0..<Int(w * h) {
            let c = Int(pixels[i]) * 3
            rgb += [palette[c], palette[c + 1], palette[c + 2]]
        }
        return (Int(w), Int(h), rgb)
    }

    @Test func sixelIsADCSSequenceOfTheFittedSize() throws {
        let png = try Self.png(width: 400, height: 300, noise: false)
        let fit = TerminalGeometry(columns: 21, rows: 40, cellWidth: 10, cellHeight: 20) // 200 px wide
        let s = try InlinePicture.encode(png: png, as: .sixel, fit: fit)
        #expect(s.hasPrefix("\u{1B}P"))
        let intro = s.prefix { $0 != "q" }
        #expect(intro.dropFirst(2).allSatisfy { $0.isNumber || $0 == ";" }, "DCS parameters: \(intro.debugDescription)")
        #expect(s.hasSuffix("\u{1B}\\\n"))
        // Raster attributes "Pan;Pad;Ph;Pv right after q: the picture's size in pixels.
        let afterQ = s[s.index(after: s.firstIndex(of: "q")!)...]
        #expect(afterQ.hasPrefix("\"1;1;200;150"), "raster attributes: \(afterQ.prefix(16))")
        let decoded = try #require(Self.decodeSixel(s))
        #expect(decoded.width == 200 && decoded.height == 150)
        // Left half red, right half blue, as drawn: sixel colours are whole percents, so
        // within 255/100 of each channel (and 2 more for rounding on the way).
        func near(_ x: Int, _ y: Int, _ want: [Int]) -> Bool {
            (0..<3).allSatisfy { abs(Int(decoded.rgb[(y * 200 + x) * 3 + $0]) - want[$0]) <= 5 }
        }
        #expect(near(10, 75, [220, 20, 20]) && near(99, 149, [220, 20, 20]))
        #expect(near(190, 75, [20, 20, 220]) && near(100, 0, [20, 20, 220]))
    }

    @Test func sixelIsTheSameForTheSamePicture() throws {
        let png = try Self.png(width: 60, height: 40)
        let a = try InlinePicture.encode(png: png, as: .sixel, fit: Self.wide)
        #expect(a == (try InlinePicture.encode(png: png, as: .sixel, fit: Self.wide)))
        #expect(Self.decodeSixel(a).map { [$0.width, $0.height] } == [60, 40])
    }

    @Test func badBytesAndNonProtocolsAreOneLineErrors() throws {
        #expect(throws: IOError("picture", "not a PNG (no PNG signature and IHDR header) — pictures are shown from PNG bytes")) {
            try InlinePicture.encode(png: Array("GIF89a not a png at all".utf8), as: .kitty, fit: Self.wide)
        }
        let png = try Self.png(width: 4, height: 4, noise: false)
        #expect(throws: IOError.self) { try InlinePicture.encode(png: png, as: .auto, fit: Self.wide) }
        #expect(throws: IOError.self) { try InlinePicture.encode(png: png, as: .files, fit: Self.wide) }
        // A damaged PNG body passes the header check but not libpng's decoder.
        var damaged = png
        damaged.removeLast(20)
        #expect(throws: IOError.self) { try InlinePicture.encode(png: damaged, as: .sixel, fit: Self.wide) }
    }
}
