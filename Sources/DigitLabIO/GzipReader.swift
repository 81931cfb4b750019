import CZlib

/// Reads a file through zlib's gz* functions, which pass plain files through unchanged:
/// one code path for `train-images-idx3-ubyte` and `train-images-idx3-ubyte.gz`.
final class GzipReader {
    let path: String
    private let file: gzFile

    init(path: String) throws(IOError) {
        self.path = path
        guard let f = gzopen(path, "rb") else {
            throw IOError(path, "cannot open the file (missing or unreadable)")
        }
        file = f
        gzbuffer(file, 1 << 18)
    }

    deinit { gzclose(file) }

    /// Reads up to `count` bytes; fewer only at the end of the data.
    /// Reads in chunks, so a header claiming gigabytes never allocates them up front.
    func read(upTo count: Int) throws(IOError) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(min(count, 1 << 20))
        let chunk = 1 << 22
        var buffer = [UInt8](repeating: 0, count: min(count, chunk))
        while out.count < count {
            let want = min(chunk, count - out.count)
            let got = buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32(want)) }
            if got < 0 || hasError { throw corruption() }
            if got == 0 { break }
            out.append(contentsOf: buffer[0..<Int(got)])
        }
        if hasError { throw corruption() }
        return out
    }

    /// zlib reports a truncated or damaged stream through gzerror, not the byte count.
    private var hasError: Bool {
        var code: Int32 = 0
        _ = gzerror(file, &code)
        return code != Z_OK && code != Z_STREAM_END
    }

    private func corruption() -> IOError {
        var code: Int32 = 0
        let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown error"
        let offset = gzoffset(file)
        return IOError(path, "corrupt gzip stream near compressed byte \(offset) (zlib: \(message)) — copy or download the file again")
    }
}
