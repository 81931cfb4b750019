import DigitLabCore

/// The IDX format of MNIST: a big-endian header (magic, counts, dimensions) followed by
/// raw bytes. Images: magic 0x00000803, count, rows, columns, then count·rows·columns
/// pixels. Labels: magic 0x00000801, count, then count bytes.
public enum IDX {
    public static let imageMagic: UInt32 = 0x0000_0803
    public static let labelMagic: UInt32 = 0x0000_0801
    /// The most pixel bytes one image file may hold (128 MB: 171,196 images of 28x28,
    /// almost three times MNIST's training set). Pixels stay in memory, and a header is
    /// only a claim: a 2 MB gzip can claim 2³²−1 images, so a claim above this is refused
    /// before anything is read.
    public static let maxImageBytes = 1 << 27
    /// The most labels one label file may hold: as many as images of 28x28.
    public static let maxLabels = maxImageBytes / 784

    /// Reads an image file (gzipped or raw).
    ///
    /// - Parameter requiredSize: the rows and columns the caller can use; others are refused.
    /// - Throws: `IOError` naming the file and the problem: bad magic, truncated header
    ///   or body, or a size other than `requiredSize`.
    public static func readImages(_ path: String, requiredSize: (rows: Int, columns: Int)? = (28, 28))
        throws(IOError) -> (pixels: [UInt8], count: Int, rows: Int, columns: Int) {
        let reader = try GzipReader(path: path)
        let header = try reader.read(upTo: 16)
        guard header.count >= 4 else { throw truncatedHeader(path, header.count, 16) }
        try check(magic: bigEndian(header, 0), expected: imageMagic, path: path)
        guard header.count == 16 else { throw truncatedHeader(path, header.count, 16) }
        let (count, rows, columns) = (Int(bigEndian(header, 4)), Int(bigEndian(header, 8)), Int(bigEndian(header, 12)))
        if let size = requiredSize, rows != size.rows || columns != size.columns {
            throw IOError(path, "images are \(rows)x\(columns), DigitLab needs \(size.rows)x\(size.columns) — resize them or use `load folder` for your own images")
        }
        // Each factor is below 2^32, but two products can still overflow Int: check both.
        let (size, overflow1) = rows.multipliedReportingOverflow(by: columns)
        let (bytes, overflow2) = count.multipliedReportingOverflow(by: size)
        guard !overflow1, !overflow2 else { throw IOError(path, "header claims an impossible size (\(count) images of \(rows)x\(columns))") }
        guard bytes <= maxImageBytes else {
            throw IOError(path, "the header claims \(count) images of \(rows)x\(columns) (\(MemoryEstimate.format(bytes))); DigitLab reads at most \(MemoryEstimate.format(maxImageBytes)) of pixels from one file\(size > 0 ? " (\(maxImageBytes / size) images of this size)" : "") — use a smaller data set")
        }
        let pixels = try reader.read(upTo: bytes)
        guard pixels.count == bytes else {
            throw IOError(path, "truncated: the header promises \(count) images (\(bytes) bytes after the 16-byte header) but the file holds \(pixels.count) — copy the file again")
        }
        return (pixels, count, rows, columns)
    }

    /// Reads a label file and checks every label is a digit 0–9.
    public static func readLabels(_ path: String, classes: Int = 10) throws(IOError) -> [UInt8] {
        let reader = try GzipReader(path: path)
        let header = try reader.read(upTo: 8)
        guard header.count >= 4 else { throw truncatedHeader(path, header.count, 8) }
        try check(magic: bigEndian(header, 0), expected: labelMagic, path: path)
        guard header.count == 8 else { throw truncatedHeader(path, header.count, 8) }
        let count = Int(bigEndian(header, 4))
        guard count <= maxLabels else {
            throw IOError(path, "the header claims \(count) labels; DigitLab reads at most \(maxLabels) from one file — use a smaller data set")
        }
        let labels = try reader.read(upTo: count)
        guard labels.count == count else {
            throw IOError(path, "truncated: the header promises \(count) labels but the file holds \(labels.count) — copy the file again")
        }
        if let bad = labels.firstIndex(where: { Int($0) >= classes }) {
            throw IOError(path, "label \(labels[bad]) at index \(bad) (byte offset \(8 + bad)) is not a class 0–\(classes - 1)")
        }
        return labels
    }

    private static func bigEndian(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }

    private static func check(magic: UInt32, expected: UInt32, path: String) throws(IOError) {
        guard magic != expected else { return }
        let hex = { (v: UInt32) in "0x" + String(repeating: "0", count: 8 - String(v, radix: 16).count) + String(v, radix: 16) }
        let what = expected == imageMagic ? "an image file" : "a label file"
        var hint = "not an IDX \(expected == imageMagic ? "image" : "label") file"
        if magic == imageMagic { hint = "this is an image file, a label file was expected" }
        if magic == labelMagic { hint = "this is a label file, an image file was expected" }
        throw IOError(path, "bad magic number \(hex(magic)) at byte 0, expected \(hex(expected)) for \(what): \(hint)")
    }

    private static func truncatedHeader(_ path: String, _ got: Int, _ want: Int) -> IOError {
        IOError(path, "truncated header: \(got) of \(want) bytes — the file is empty or cut short")
    }
}
