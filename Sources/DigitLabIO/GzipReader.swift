import CZlib
import Glibc

/// Reads a file through zlib's gz* functions, which pass plain files through unchanged:
/// one code path for `train-images-idx3-ubyte` and `train-images-idx3-ubyte.gz`.
///
/// The file is opened by `RegularFile.open` (a FIFO, a device or a folder is refused
/// before any read), then handed to zlib with `gzdopen`.
final class GzipReader {
    let path: String
    private let file: gzFile

    init(path: String) throws(IOError) {
        self.path = path
        let (fd, _) = try RegularFile.open(path)
        guard let f = gzdopen(fd, "rb") else {
            close(fd)
            throw IOError(path, "cannot open the file (out of memory)")
        }
        file = f
        gzbuffer(file, 1 << 18)
    }

    deinit { gzclose(file) }

    /// Reads up to `count` bytes; fewer only at the end of the data.
    ///
    /// Memory follows the data that actually arrives, not the count a header claims: the
    /// result grows geometrically from what has been decompressed (never beyond `count`),
    /// so a 2 MB gzip claiming gigabytes costs only what it really holds.
    func read(upTo count: Int) throws(IOError) -> [UInt8] {
        var out = [UInt8]()
        let chunk = 1 << 22
        var buffer = [UInt8](repeating: 0, count: min(max(count, 0), chunk))
        while out.count < count {
            let want = min(chunk, count - out.count)
            let got = buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32(want)) }
            if got < 0 || hasError { throw corruption() }
            if got == 0 { break }
            let needed = out.count + Int(got)
            if needed > out.capacity {
                // Double what has arrived, capped by the claim: the last step lands on it exactly.
                out.reserveCapacity(min(count, max(needed, 2 * out.capacity)))
            }
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
