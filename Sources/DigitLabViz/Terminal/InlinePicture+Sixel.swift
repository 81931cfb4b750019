import DigitLabVision
import CSixel
import DigitLabIO

/// DEC sixel (xterm -ti vt340, foot, mlterm, Windows Terminal, Konsole, tmux built with
/// sixel): pixels, not a file, so the PNG is decoded, shrunk to the fitted size here (a
/// terminal draws sixels one to one), reduced to at most 256 colours and encoded by
/// libsixel into `ESC P … q "1;1;W;H #0;2;r;g;b … ESC \`.
///
/// libsixel picks the palette by median cut and diffuses the error; both are
/// deterministic, so the same PNG and fit give the same bytes.
extension InlinePicture {
    /// Colour registers asked for: the most a VT340-compatible terminal offers
    /// (xterm's default is 16 — start it with `-xrm 'XTerm*numColorRegisters: 256'`).
    public static let sixelColours: Int32 = 256

    static func sixel(png: [UInt8], placement: Placement, name: String) throws(IOError) -> String {
        let decoded = try PNG.decodeRGB(png, name: name)
        var rgb = decoded.pixels
        let (w, h) = (placement.pixelWidth, placement.pixelHeight)
        if w != decoded.width || h != decoded.height {
            rgb = resampleRGB(rgb, width: decoded.width, height: decoded.height, to: w, h)
        }
        return try encodeSixel(rgb: &rgb, width: w, height: h, name: name) + "\n"
    }

    /// 8-bit RGB pixels (3 bytes each) to a sixel sequence through libsixel.
    static func encodeSixel(rgb: inout [UInt8], width: Int, height: Int, name: String) throws(IOError) -> String {
        var dither: OpaquePointer?
        guard sixel_dither_new(&dither, sixelColours, nil) == SIXEL_OK, let dither else {
            throw IOError(name, "libsixel could not allocate a palette")
        }
        defer { sixel_dither_unref(dither) }
        let sink = SixelSink()
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }
        var output: OpaquePointer?
        let write: sixel_write_function = { data, size, context in
            guard let data, let context, size > 0 else { return 0 }
            let sink = Unmanaged<SixelSink>.fromOpaque(context).takeUnretainedValue()
            data.withMemoryRebound(to: UInt8.self, capacity: Int(size)) {
                sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: Int(size)))
            }
            return size
        }
        guard sixel_output_new(&output, write, context.toOpaque(), nil) == SIXEL_OK, let output else {
            throw IOError(name, "libsixel could not start an output")
        }
        defer { sixel_output_unref(output) }
        let format = Int32(DIGITLAB_SIXEL_PIXELFORMAT_RGB888)
        let status = rgb.withUnsafeMutableBufferPointer { p -> SIXELSTATUS in
            let initialised = sixel_dither_initialize(dither, p.baseAddress, Int32(width), Int32(height), format,
                                                      SIXEL_LARGE_AUTO, SIXEL_REP_AUTO, SIXEL_QUALITY_AUTO)
            guard initialised & 0x1000 == 0 else { return initialised } // SIXEL_FAILED
            return sixel_encode(p.baseAddress, Int32(width), Int32(height), 3, dither, output)
        }
        guard status & 0x1000 == 0 else {
            throw IOError(name, "libsixel could not encode the picture (status \(String(status, radix: 16)))")
        }
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    /// Shrinks RGB pixels channel by channel with the area averaging pictures use
    /// everywhere else (`Resample`), so thin lines in figures survive.
    static func resampleRGB(_ rgb: [UInt8], width: Int, height: Int, to w: Int, _ h: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: w * h * 3)
        for channel in 0..<3 {
            let plane = PNG.Grey(width: width, height: height,
                                 pixels: stride(from: channel, to: rgb.count, by: 3).map { rgb[$0] })
            let scaled = Resample.image(plane, width: w, height: h)
            for i in 0..<(w * h) { out[i * 3 + channel] = scaled.pixels[i] }
        }
        return out
    }
}

/// Collects what libsixel writes (its callback gets this through a context pointer).
private final class SixelSink {
    var bytes: [UInt8] = []
}
