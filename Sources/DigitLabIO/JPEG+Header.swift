extension JPEG {
    /// What DigitLab needs from a JPEG's markers before decoding it: the frame (size,
    /// components, progressive or not — a progressive decode holds every coefficient of
    /// the picture in memory) and the EXIF orientation.
    public struct Header: Equatable, Sendable {
        public var width = 0
        public var height = 0
        public var components = 0
        public var progressive = false
        /// EXIF orientation 1–8 (1 when absent or unreadable).
        public var orientation = 1
    }

    /// Walks the marker segments from SOI up to the first scan (SOS). Every length is
    /// checked against the bytes there are, and each step moves forward by at least two
    /// bytes, so any byte string ends the walk quickly. Returns nil when no frame header
    /// (SOFn) comes before the scan.
    public static func header(_ b: [UInt8]) -> Header? {
        guard b.count >= 4, b[0] == 0xFF, b[1] == 0xD8 else { return nil }
        var h = Header()
        var sawFrame = false
        var i = 2
        while i + 1 < b.count {
            guard b[i] == 0xFF else { return sawFrame ? h : nil } // not at a marker: damaged
            var m = i + 1
            while m < b.count && b[m] == 0xFF { m += 1 }            // fill bytes
            guard m < b.count else { break }
            let marker = b[m]
            i = m + 1
            // Markers without a length: TEM, RST0–7, SOI, EOI.
            if marker == 0x01 || (0xD0...0xD8).contains(marker) { continue }
            if marker == 0xD9 { break }
            guard i + 1 < b.count else { break }
            let length = Int(b[i]) << 8 | Int(b[i + 1])   // counts its own two bytes
            guard length >= 2, i + length <= b.count else { break }
            let body = (i + 2)..<(i + length)
            switch marker {
            case 0xC0...0xCF where marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
                // SOFn: precision, height, width, components.
                guard body.count >= 6 else { return nil }
                h.height = Int(b[body.lowerBound + 1]) << 8 | Int(b[body.lowerBound + 2])
                h.width = Int(b[body.lowerBound + 3]) << 8 | Int(b[body.lowerBound + 4])
                h.components = Int(b[body.lowerBound + 5])
                h.progressive = [0xC2, 0xC6, 0xCA, 0xCE].contains(marker)
                sawFrame = true
            case 0xE1:
                if let o = exifOrientation(b[body]) { h.orientation = o }
            case 0xDA:
                return sawFrame ? h : nil
            default:
                break
            }
            i += length
        }
        return sawFrame ? h : nil
    }

    /// The orientation tag (0x0112) of IFD0 in an APP1 "Exif" segment, or nil. Only IFD0
    /// is read (the tag lives there), so links between IFDs — which a file can point
    /// anywhere, even at themselves — are never followed.
    static func exifOrientation(_ s: ArraySlice<UInt8>) -> Int? {
        let base = s.startIndex
        guard s.count >= 14, Array(s.prefix(6)) == [0x45, 0x78, 0x69, 0x66, 0, 0] else { return nil } // "Exif\0\0"
        let tiff = base + 6
        let little: Bool
        switch (s[tiff], s[tiff + 1]) {
        case (0x49, 0x49): little = true   // "II"
        case (0x4D, 0x4D): little = false  // "MM"
        default: return nil
        }
        let size = s.endIndex - tiff
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= size else { return nil }
            let (a, b) = (Int(s[tiff + at]), Int(s[tiff + at + 1]))
            return little ? a | b << 8 : a << 8 | b
        }
        func u32(_ at: Int) -> Int? {
            guard let lo = u16(little ? at : at + 2), let hi = u16(little ? at + 2 : at) else { return nil }
            return hi << 16 | lo
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        // Never more entries than the segment can hold.
        for e in 0..<min(count, max(0, (size - ifd - 2) / 12)) {
            let entry = ifd + 2 + 12 * e
            guard u16(entry) == 0x0112 else { continue }
            guard u16(entry + 2) == 3, let value = u16(entry + 8), (1...8).contains(value) else { return nil }
            return value
        }
        return nil
    }
}
