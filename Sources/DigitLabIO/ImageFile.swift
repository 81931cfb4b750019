import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The one door for picture files: `predict file`, `digitlab predict`, `digitlab read` and
/// `load folder` all read through `ImageFile.read`. The format comes from the file's first
/// bytes, not its name; the result is upright (EXIF orientation applied) and at most
/// `maxPixels` (large pictures are shrunk while or right after decoding).
///
/// Budget: whatever the bytes, reading costs at most the file (≤ `maxFileBytes`) plus one
/// decoded copy (a PNG above 16 megapixels is decoded as grey, 1 byte a pixel, so the
/// 67-megapixel cap costs 64 MB) plus the shrunk result — well under 300 MB.
public enum ImageFile {
    public enum Format: String, Sendable { case png = "PNG", jpeg = "JPEG" }

    /// Files larger than this are refused before reading.
    public static let maxFileBytes = 64 << 20
    /// Decoded pictures are shrunk to at most this many pixels (2048 x 2048): plenty for
    /// a number on a page, and the pipeline never sees more.
    public static let maxPixels = 1 << 22

    /// Reads a PNG or JPEG file. Refuses, in one line each: missing or unreadable files,
    /// directories and other non-regular files (a FIFO would block, a device never ends),
    /// files over `maxFileBytes`, and bytes that are neither format.
    public static func read(_ path: String) throws(IOError) -> RasterImage {
        try decode(try contents(path), name: path)
    }

    /// The bytes of a regular file, checked before reading: opened without blocking, then
    /// `fstat` on the open descriptor (so the file checked is the file read).
    public static func contents(_ path: String) throws(IOError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw errno == ENOENT ? .missing(path) : IOError(path, "cannot open the file (missing or unreadable)") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw IOError(path, "cannot open the file (missing or unreadable)") }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFREG else {
            let what = kind == S_IFDIR ? "a folder" : kind == S_IFIFO ? "a pipe" : kind == S_IFCHR || kind == S_IFBLK ? "a device" : kind == S_IFSOCK ? "a socket" : "not a regular file"
            throw IOError(path, "\(what), not a picture file — give the path of a PNG or JPEG file")
        }
        let size = Int(info.st_size)
        guard size <= maxFileBytes else {
            throw IOError(path, "the file holds \(size) bytes, more than the \(maxFileBytes >> 20) MB a digit picture may have — shrink it")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, size - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            done += n
        }
        // A file that shrank while being read is read as far as it goes (the decoder then
        // reports it as cut short).
        if done < size { bytes.removeLast(size - done) }
        return bytes
    }

    /// Decodes PNG or JPEG bytes; `name` is used in error messages.
    public static func decode(_ bytes: [UInt8], name: String) throws(IOError) -> RasterImage {
        // An empty file is neither format, whatever its name says (libpng would only say
        // "invalid argument").
        switch bytes.isEmpty ? nil : format(of: bytes) {
        case .png?: return try PNG.decodeRaster(bytes, name: name)
        case .jpeg?: return try JPEG.decode(bytes, name: name)
        case nil:
            // The start of a PNG's or a JPEG's signature, and no more: cut short. The right
            // first bytes and a wrong one after them: damaged ("it starts with bytes 89 50
            // 4e 47, not a PNG" named a PNG's own first bytes).
            if let (kind, cutShort) = damagedSignature(bytes) {
                throw IOError(name, cutShort
                    ? "not a readable \(kind) (it ends after \(bytes.count) byte\(bytes.count == 1 ? "" : "s"), inside the \(kind) signature) — \(IOError.cutShort)"
                    : "not a readable \(kind) (it starts as a \(kind) does, then its signature is damaged) — \(IOError.damaged)")
            }
            // Named as one but not one: said in the words of the format named, with what
            // it is instead (libpng's own was "Not a PNG file" for a text file).
            switch bytes.isEmpty ? nil : guessFromName(name) {
            case .png?: throw IOError(name, "not a readable PNG (\(describe(bytes)), not a PNG) — check it is a PNG file")
            case .jpeg?: throw IOError(name, "not a readable JPEG (\(describe(bytes)), not a JPEG) — check it is a JPEG file")
            case nil where bytes.isEmpty: throw IOError(name, "not a PNG or JPEG picture (the file is empty) — copy or save it again")
            case nil: throw IOError(name, "not a PNG or JPEG picture (\(describe(bytes))) — save it as PNG or JPEG")
            }
        }
    }

    /// "PNG" or "JPEG" when the bytes begin as one (two bytes at least, or all of a
    /// shorter file; or "PNG" after one damaged byte) without being one; whether they
    /// simply stop (cut short).
    static func damagedSignature(_ b: [UInt8]) -> (kind: String, cutShort: Bool)? {
        guard !b.isEmpty else { return nil }
        let signatures: [(String, [UInt8])] = [("PNG", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), ("JPEG", [0xFF, 0xD8, 0xFF])]
        for (kind, signature) in signatures where b.count < signature.count && signature.starts(with: b) { return (kind, true) }
        if b.count >= 4, b[1...3].elementsEqual("PNG".utf8) { return ("PNG", false) }
        for (kind, signature) in signatures where b.count >= 2 && b.starts(with: signature.prefix(2)) { return (kind, false) }
        return nil
    }

    /// PNG or JPEG by the magic bytes at the start.
    public static func format(of bytes: [UInt8]) -> Format? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        return nil
    }

    /// When the bytes match neither format, the file's name decides in whose words it is
    /// refused.
    static func guessFromName(_ name: String) -> Format? {
        let lower = name.lowercased()
        if lower.hasSuffix(".png") { return .png }
        if lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") || lower.hasSuffix(".jpe") { return .jpeg }
        return nil
    }

    /// What the bytes look like, for the error line.
    static func describe(_ b: [UInt8]) -> String {
        func starts(_ s: String, at offset: Int = 0) -> Bool {
            let m = Array(s.utf8)
            return b.count >= offset + m.count && Array(b[offset..<(offset + m.count)]) == m
        }
        if b.isEmpty { return "the file is empty" }
        if starts("GIF8") { return "it is a GIF" }
        if starts("BM") { return "it looks like a BMP" }
        if starts("RIFF") && starts("WEBP", at: 8) { return "it is a WebP" }
        if starts("ftypheic", at: 4) || starts("ftypheix", at: 4) || starts("ftypmif1", at: 4) { return "it is a HEIC photo" }
        if starts("II*\u{0}") || starts("MM\u{0}*") { return "it is a TIFF" }
        if starts("%PDF") { return "it is a PDF" }
        // Printable text at the start (a note, an HTML page saved under a picture's name).
        if b.prefix(64).allSatisfy({ (0x20...0x7E).contains($0) || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { return "it is text" }
        return "it starts with bytes " + b.prefix(4).map { String(format: "%02x", $0) }.joined(separator: " ")
    }
}
