import CTurboJPEG

/// JPEG files (phone photos) through libjpeg-turbo's TurboJPEG API, which reports every
/// failure as a status rather than a longjmp.
///
/// Memory is bounded before anything is decoded: the frame header gives the size, and
/// the decoder's own scaling (1/2, 1/4, 1/8 in the DCT) brings a large photo down to
/// at most `maxPixels` while it decodes, so a 48-megapixel photo never exists at full
/// size. A progressive JPEG keeps every DCT coefficient of the picture until its last
/// scan (2 bytes per sample), so its size is limited by that cost too.
public enum JPEG {
    /// Pictures larger than this (in the file) are refused: about 10,000 x 10,000.
    public static let maxSourcePixels = 100_000_000
    /// A progressive decode's coefficient buffers may take at most this many bytes.
    public static let maxCoefficientBytes = 160 << 20

    public static func decode(_ bytes: [UInt8], name: String, maxPixels: Int = ImageFile.maxPixels) throws(IOError) -> RasterImage {
        guard let header = header(bytes), header.width > 0, header.height > 0 else {
            if endsBeforeImageData(bytes) { throw cutBeforeImageData(bytes, name) }
            throw IOError(name, "not a readable JPEG (no frame header before the image data) — check it is a JPEG file")
        }
        let pixels = header.width * header.height
        guard pixels <= maxSourcePixels else {
            // Even a blank JPEG costs a few bits for each 8x8 block of each channel, about
            // a byte per 128 pixels: a claim of 65535x65535 in 16 KB is a damaged header,
            // which no shrinking can mend (an attacker's file was told to shrink).
            if bytes.count < pixels / 1000 {
                throw IOError(name, "JPEG claims \(header.width)x\(header.height) pixels in only \(bytes.count) bytes — its header is damaged; save it again")
            }
            throw IOError(name, "JPEG claims \(header.width)x\(header.height) pixels — too large for a digit picture (at most \(maxSourcePixels / 1_000_000) megapixels); shrink it")
        }
        let coefficientBytes = pixels * max(1, header.components) * 2
        guard !header.progressive || coefficientBytes <= maxCoefficientBytes else {
            throw IOError(name, "progressive JPEG of \(header.width)x\(header.height) pixels needs \(coefficientBytes >> 20) MB to decode, more than \(maxCoefficientBytes >> 20) MB — save it as a baseline JPEG or smaller")
        }
        guard let handle = tjInitDecompress() else { throw IOError(name, "cannot start the JPEG decoder") }
        defer { tjDestroy(handle) }
        var (w, h, subsampling, colorspace): (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)
        let read = bytes.withUnsafeBufferPointer {
            tjDecompressHeader3(handle, $0.baseAddress, UInt(bytes.count), &w, &h, &subsampling, &colorspace)
        }
        guard read == 0, w > 0, h > 0 else {
            throw endsBeforeImageData(bytes) ? cutBeforeImageData(bytes, name) : failure(handle, name, "not a readable JPEG")
        }
        guard colorspace != Int32(TJCS_CMYK.rawValue), colorspace != Int32(TJCS_YCCK.rawValue) else {
            throw IOError(name, "a CMYK JPEG (print colours) — save it as an ordinary RGB JPEG or a PNG")
        }
        // The smallest reduction the DCT offers that fits in maxPixels.
        let (sw, sh) = scaledSize(width: Int(w), height: Int(h), maxPixels: maxPixels)
        let grey = colorspace == Int32(TJCS_GRAY.rawValue)
        let channels = grey ? 1 : 3
        var out = [UInt8](repeating: 0, count: sw * sh * channels)
        // LIMITSCANS: a progressive file with more than 500 scans is an attack, not a photo.
        let flags = Int32(TJFLAG_LIMITSCANS) | Int32(TJFLAG_ACCURATEDCT)
        let status = bytes.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                tjDecompress2(handle, src.baseAddress, UInt(bytes.count), dst.baseAddress, Int32(sw), 0, Int32(sh),
                              Int32(grey ? TJPF_GRAY.rawValue : TJPF_RGB.rawValue), flags)
            }
        }
        if status != 0 {
            // Warnings still give a picture, but not always the one in the file: damaged
            // image data decodes to stripes and blocks of colour that were read as digits
            // ("1999" with flipped bytes read "1000" at 99%, no word said). Only stray bytes
            // between segments, which some cameras write, leave the picture whole.
            let message = errorText(handle)
            let cutShort = message.contains("Premature end")
            let corrupt = message.contains("Corrupt JPEG data") && !message.contains("extraneous bytes")
            if tjGetErrorCode(handle) != Int32(TJERR_WARNING.rawValue) || cutShort || corrupt {
                throw IOError(name, "damaged JPEG data (libjpeg: \(message)) — \(cutShort ? IOError.cutShort : IOError.damaged)")
            }
        }
        var image = RasterImage(width: sw, height: sh, channels: channels, pixels: out).fromSource(width: Int(w), height: Int(h))
        image = image.downscaled(maxPixels: maxPixels)
        return image.oriented(header.orientation)
    }

    /// The decoded size: the largest of TurboJPEG's reductions (8/8 … 1/8) that fits.
    static func scaledSize(width: Int, height: Int, maxPixels: Int) -> (Int, Int) {
        var count: Int32 = 0
        var best = (width: width, height: height)
        guard let factors = tjGetScalingFactors(&count) else { return best }
        var bestScale = 2.0
        for i in 0..<Int(count) {
            let f = factors[i]
            guard f.num > 0, f.num <= f.denom else { continue }
            let sw = (width * Int(f.num) + Int(f.denom) - 1) / Int(f.denom)
            let sh = (height * Int(f.num) + Int(f.denom) - 1) / Int(f.denom)
            let scale = Double(f.num) / Double(f.denom)
            // Prefer the largest scale that fits; failing all, the smallest there is.
            let fits = sw * sh <= maxPixels
            let bestFits = best.width * best.height <= maxPixels
            if (fits && (!bestFits || scale > bestScale)) || (!fits && !bestFits && scale < bestScale) {
                best = (sw, sh); bestScale = scale
            }
        }
        return best
    }

    /// Encodes grey (1 channel) or RGB (3 channels) pixels as a baseline JPEG, 4:2:0 for
    /// colour. Used by tests and by anyone who wants a photo-like file.
    public static func encode(width: Int, height: Int, channels: Int, pixels: [UInt8], quality: Int = 90) throws(IOError) -> [UInt8] {
        precondition((channels == 1 || channels == 3) && pixels.count == width * height * channels)
        guard let handle = tjInitCompress() else { throw IOError("jpeg", "cannot start the JPEG encoder") }
        defer { tjDestroy(handle) }
        var buffer: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let status = pixels.withUnsafeBufferPointer {
            tjCompress2(handle, $0.baseAddress, Int32(width), 0, Int32(height),
                        Int32(channels == 1 ? TJPF_GRAY.rawValue : TJPF_RGB.rawValue), &buffer, &size,
                        Int32(channels == 1 ? TJSAMP_GRAY.rawValue : TJSAMP_420.rawValue), Int32(max(1, min(100, quality))), 0)
        }
        defer { tjFree(buffer) }
        guard status == 0, let buffer else { throw IOError("jpeg", "cannot encode (libjpeg: \(errorText(handle)))") }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
    }

    static func errorText(_ handle: tjhandle) -> String {
        guard let c = tjGetErrorStr2(handle) else { return "unknown error" }
        return String(cString: c)
    }

    /// Whether the file stops before its first scan: no SOS marker (FF DA) anywhere. A
    /// JPEG cut in its header or tables gave "no frame header" or "Bogus Huffman table
    /// definition", and the advice to check it was a JPEG at all.
    static func endsBeforeImageData(_ b: [UInt8]) -> Bool {
        guard b.count >= 2, b[0] == 0xFF, b[1] == 0xD8 else { return false }
        for i in 2..<max(2, b.count - 1) where b[i] == 0xFF && b[i + 1] == 0xDA { return false }
        return true
    }

    static func cutBeforeImageData(_ bytes: [UInt8], _ name: String) -> IOError {
        IOError(name, "not a readable JPEG (it ends after \(bytes.count) bytes, before its picture begins) — \(IOError.cutShort)")
    }

    static func failure(_ handle: tjhandle, _ name: String, _ what: String) -> IOError {
        let message = errorText(handle)
        // A file whose frame header we read but whose scan never starts was cut short.
        let cutShort = message.contains("missing SOS") || message.contains("Premature end")
        // It began as a JPEG does (that is how it was told from a PNG): what libjpeg
        // cannot read in it is damage, not another format.
        return IOError(name, "\(what) (libjpeg: \(message)) — \(cutShort ? IOError.cutShort : IOError.damaged)")
    }
}
