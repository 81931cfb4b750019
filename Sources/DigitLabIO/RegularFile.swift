import DigitLabCore
import Glibc

/// Reading a file that someone else named, without blocking and without ballooning.
///
/// A FIFO with no writer blocks `open(2)` forever, a device such as `/dev/zero` never
/// ends, a directory fails somewhere deep inside a decoder. So every reader in
/// DigitLab opens through here: `open` with `O_NONBLOCK` returns at once whatever the
/// path is, `fstat` on the descriptor says what it really is, and anything but a
/// regular file is refused in one line before the first read. Symbolic links are
/// followed (reading through a link is harmless); what they point at must be regular.
///
///     let bytes = try RegularFile.read("m.safetensors", limit: 1 << 30, kind: "a model file")
///     // /tmp/fifo: is a FIFO (named pipe), not a regular file — DigitLab reads only regular files
public enum RegularFile {
    /// Opens `path` for reading; the descriptor is blocking again and closed by the caller.
    /// - Returns: the descriptor and the file's size as `fstat` reports it (0 for some
    ///   `/proc` files: readers must still stop at their own limit).
    public static func open(_ path: String) throws(IOError) -> (fd: Int32, size: Int) {
        guard !path.isEmpty, !path.utf8.contains(0) else { throw IOError(path, "not a file name") }
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw openError(path, errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let e = errno
            close(fd)
            throw IOError(path, "cannot read the file (\(reason(e)))")
        }
        if let kind = nonRegularKind(info.st_mode) {
            close(fd)
            throw IOError(path, kind == "a folder" ? "is a folder, not a file" : "is \(kind), not a regular file — DigitLab reads only regular files")
        }
        // Regular files never block; reads may as well wait like ordinary ones.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return (fd, Int(info.st_size))
    }

    /// The whole file, refusing non-regular files and files over `limit` bytes (from
    /// their size, before reading; a file that grows while read stops at `limit` + 1).
    /// `kind` names the file in the refusal ("a model file").
    public static func read(_ path: String, limit: Int, kind: String = "a file") throws(IOError) -> [UInt8] {
        let (fd, size) = try open(path)
        defer { close(fd) }
        guard size <= limit else { throw tooLarge(path, size: size, limit: limit, kind: kind) }
        // One byte more than the limit: a file that grows while read (or a /proc file
        // that reports size 0) is caught going over it.
        let out = try read(fd: fd, path: path, upTo: limit + 1, expected: size)
        if out.count > limit { throw tooLarge(path, size: out.count, limit: limit, kind: kind, atLeast: true) }
        return out
    }

    /// Up to `count` bytes from the start of an open file (`pread`: the position does not
    /// matter), in chunks; the result is reserved at `expected` (what the file says it
    /// holds), and grows only with what arrives.
    public static func read(fd: Int32, path: String, upTo count: Int, expected: Int? = nil) throws(IOError) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(min(count, expected ?? (1 << 20)))
        var chunk = [UInt8](repeating: 0, count: min(max(count, 1), 1 << 20))
        while out.count < count {
            let want = min(chunk.count, count - out.count)
            let got = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(out.count)) }
            if got < 0 {
                if errno == EINTR { continue }
                throw IOError(path, "read failed (\(reason(errno))) at byte \(out.count)")
            }
            if got == 0 { break }
            out.append(contentsOf: chunk[0..<got])
        }
        return out
    }

    /// "a FIFO (named pipe)", "a device", … for anything but a regular file; nil for one.
    static func nonRegularKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "not a regular file"
        }
    }

    static func openError(_ path: String, _ code: Int32) -> IOError {
        switch code {
        case ENOENT: return .missing(path)
        case ENAMETOOLONG: return IOError(IOError.shown(path), "the path is too long (\(path.utf8.count) bytes; Linux allows \(PATH_MAX - 1), and 255 per name)")
        case ENOTDIR: return IOError(path, "cannot open the file (a part of the path is not a folder)")
        default: return IOError(path, "cannot open the file (\(reason(code)))")
        }
    }

    static func tooLarge(_ path: String, size: Int, limit: Int, kind: String, atLeast: Bool = false) -> IOError {
        IOError(path, "is \(atLeast ? "more than " : "")\(MemoryEstimate.format(size)); DigitLab reads at most \(MemoryEstimate.format(limit)) for \(kind)")
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}

/// Lessons, scripts and manifests: UTF-8 text read through `RegularFile`, so a FIFO, a
/// device or a huge file is one line instead of a hang.
public enum TextFile {
    /// 16 MB: a lesson is a few KB, a long recording a few hundred.
    public static let defaultLimit = 16 << 20

    /// The file as a String. Invalid UTF-8 is refused with the byte offset of the first
    /// bad byte. A byte-order mark and CRLF line ends are kept (the parsers accept them).
    public static func read(_ path: String, limit: Int = defaultLimit) throws(IOError) -> String {
        let bytes = try RegularFile.read(path, limit: limit, kind: "a text file")
        if let bad = firstInvalidUTF8(bytes) {
            throw IOError(path, "is not UTF-8 text (byte offset \(bad)) — save it as UTF-8")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The offset of the first byte that does not belong to valid UTF-8, or nil.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s): offset += UTF8.width(s)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}
