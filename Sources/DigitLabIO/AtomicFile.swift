import Glibc

/// Writes files so that a crash or a full disk never leaves half a file, and nothing but
/// the named file is ever written:
///
/// 1. the path is checked as text first (`AtomicFile+Paths.swift`): `.`, `~`, a
///    trailing `/`, an empty or over-long name are one line each;
/// 2. its folder is opened once (`O_DIRECTORY`) and everything after happens relative to
///    that descriptor (`openat`, `renameat`), so the checks and the writes see the same
///    folder. A missing folder is an error ("folder X does not exist") unless the
///    policy may create it (DigitLab's own `outputs/`);
/// 3. the write policy is enforced on the folder's real path (`..` and symbolic links
///    resolved);
/// 4. an existing target must be a regular file: a symbolic link, a FIFO, a device or a
///    folder is never replaced;
/// 5. the bytes go to `NAME.tmp-PID-RANDOM` beside the target, created with
///    `O_CREAT|O_EXCL|O_NOFOLLOW` (a link planted at that name makes the open fail, and
///    another random name is tried), are flushed with `fsync`, and renamed over the
///    target in one step.
///
/// A writer killed between 5's create and rename leaves its temporary file; the next
/// write to the same name removes such files — regular files only, of the exact
/// pattern, owned by this user, whose process is gone. Links are never followed.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String, policy: WritePolicy = .anywhere) throws(IOError) {
        try write(to: path, policy: policy) { (append: ([UInt8]) throws(IOError) -> Void) throws(IOError) in try append(bytes) }
    }

    /// Writes a file made in pieces (a notebook of thousands of cells) without holding it
    /// whole in memory: `produce` calls `append` with each piece, in order. The same
    /// guarantees as a write of bytes: all or nothing, nothing but the named file.
    public static func write(to path: String, policy: WritePolicy = .anywhere,
                             produce: (_ append: ([UInt8]) throws(IOError) -> Void) throws(IOError) -> Void) throws(IOError) {
        var random = SystemRandomNumberGenerator()
        // The system generator is right here: the name must be unpredictable (not
        // reproducible) so that nobody can plant links at the names we will try.
        try write(to: path, policy: policy, suffix: { String(UInt32.random(in: .min ... .max, using: &random), radix: 16) },
                  produce: produce)
    }

    /// The writer with its temporary-name suffixes supplied (tests plant links at them).
    static func write(_ bytes: [UInt8], to path: String, policy: WritePolicy,
                      suffix: () -> String) throws(IOError) {
        try write(to: path, policy: policy, suffix: suffix) { (append: ([UInt8]) throws(IOError) -> Void) throws(IOError) in try append(bytes) }
    }

    static func write(to path: String, policy: WritePolicy, suffix: () -> String,
                      produce: (_ append: ([UInt8]) throws(IOError) -> Void) throws(IOError) -> Void) throws(IOError) {
        let (folder, name) = try split(path)
        try policy.checkLexically(path)
        let dir = try openFolder(folder, path: path, policy: policy)
        defer { close(dir) }
        if policy.root != nil { try checkRealFolder(dir, folder: folder, path: path, policy: policy) }
        let existingMode = try checkTarget(dir, name: name, path: path, folder: folder)
        removeStaleTemporaries(of: name, in: dir)

        // Create the temporary file: never through a link, never over an existing file.
        var temporary = "", fd: Int32 = -1
        for _ in 0..<100 {
            temporary = "\(name).tmp-\(getpid())-\(pad8(suffix()))"
            fd = openat(dir, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else {
            if errno == EEXIST { throw IOError(path, "cannot create a temporary file beside it: every name tried exists — check the folder") }
            throw IOError(path, "cannot write here (\(reason(errno))) — check the folder is writable")
        }
        func fail(_ problem: String) -> IOError {
            close(fd); unlinkat(dir, temporary, 0)
            return IOError(path, problem)
        }
        if let mode = existingMode { _ = fchmod(fd, mode & 0o777) } // the replacement keeps the file's permissions
        func append(_ bytes: [UInt8]) throws(IOError) {
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw IOError(path, writeFailure(n < 0 ? errno : ENOSPC)) }
                offset += n
            }
        }
        do { try produce(append) } catch {
            close(fd); unlinkat(dir, temporary, 0)
            throw error
        }
        guard fsync(fd) == 0 else { throw fail(writeFailure(errno)) }
        guard close(fd) == 0 else {
            let e = errno
            unlinkat(dir, temporary, 0)
            throw IOError(path, writeFailure(e))
        }
        // Check the target once more right before replacing it: rename replaces a link
        // or a special file as readily as a regular one.
        do { _ = try checkTarget(dir, name: name, path: path, folder: folder) } catch {
            unlinkat(dir, temporary, 0)
            throw error
        }
        guard renameat(dir, temporary, dir, name) == 0 else {
            let e = errno
            unlinkat(dir, temporary, 0)
            throw IOError(path, "cannot replace the file (\(reason(e)))")
        }
        _ = fsync(dir) // the rename itself survives a crash (best effort: an O_PATH folder cannot)
    }

    /// The target's permission bits when it is a regular file, nil when it does not
    /// exist; anything else is refused.
    static func checkTarget(_ dir: Int32, name: String, path: String, folder: String) throws(IOError) -> mode_t? {
        var info = stat()
        guard fstatat(dir, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            if errno == ENOENT { return nil }
            throw IOError(path, "cannot write here (\(reason(errno))) — check the folder is writable")
        }
        switch RegularFile.nonRegularKind(info.st_mode) {
        case nil: return info.st_mode
        case "a folder":
            throw IOError(path, "is a folder — give a file name inside it, such as \(display(path.hasSuffix("/") ? path : path + "/"))NAME")
        case "a symbolic link":
            throw IOError(path, "is a symbolic link — DigitLab never replaces links (the write could land somewhere else); remove it or choose another name")
        case let kind?:
            throw IOError(path, "is \(kind) — DigitLab replaces only regular files; choose another name")
        }
    }

    /// Opens the folder for `*at` calls, creating it when the policy allows.
    static func openFolder(_ folder: String, path: String, policy: WritePolicy) throws(IOError) -> Int32 {
        func open() -> Int32 {
            let fd = Glibc.open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            // A folder we may write but not list (mode -wx) still works through O_PATH.
            return fd >= 0 || errno != EACCES ? fd : Glibc.open(folder, oPath | O_DIRECTORY | O_CLOEXEC)
        }
        var fd = open()
        if fd < 0 && errno == ENOENT && policy.mayCreate(folder) {
            if mkdir(folder, 0o755) != 0 && errno != EEXIST {
                throw IOError(path, "cannot create the folder \(display(folder)) (\(reason(errno)))")
            }
            fd = open()
        }
        guard fd >= 0 else {
            switch errno {
            case ENOENT:
                // A link to nowhere: the folder's name exists, so "does not exist" misled.
                if let target = danglingLink(folder) {
                    throw IOError(path, "folder \(display(folder)) is a symbolic link to \(display(target)), which does not exist — create that folder, remove the link, or choose another folder")
                }
                throw IOError(path, "folder \(display(folder)) does not exist — create it first, or choose another folder")
            case ENOTDIR: throw IOError(path, "\(display(folder)) is not a folder (a part of the path is a file)")
            case ENAMETOOLONG: throw tooLong(path)
            case ELOOP: throw IOError(path, "too many symbolic links in the path")
            default: throw IOError(path, "cannot write here (\(reason(errno))) — check the folder is writable")
            }
        }
        return fd
    }

    /// Where `path` points when it is a symbolic link (the link's own text), else nil.
    static func danglingLink(_ path: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, Int(PATH_MAX))
        guard n >= 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The policy on the folder as the kernel resolved it (links and `..` included).
    static func checkRealFolder(_ dir: Int32, folder: String, path: String, policy: WritePolicy) throws(IOError) {
        guard let rootFolder = policy.root else { return }
        // The root itself must not be a link: `outputs -> /anywhere` would move the fence.
        var info = stat()
        if lstat(rootFolder, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK { throw policy.refusal(path) }
        guard let real = realPath(of: dir), let root = realPath(rootFolder),
              real == root || real.hasPrefix(root == "/" ? "/" : root + "/") else {
            throw policy.refusal(path)
        }
    }

    static func realPath(of fd: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/fd/\(fd)", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// Linux's O_PATH (the same value on x86-64 and arm64), hidden behind _GNU_SOURCE.
    static let oPath: Int32 = 0o10_000_000

    static func writeFailure(_ code: Int32) -> String {
        code == ENOSPC || code == EDQUOT ? "write failed (\(reason(code))) — is the disk full?" : "write failed (\(reason(code)))"
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Eight hex digits, so that the stale-file pattern can be exact.
    static func pad8(_ s: String) -> String {
        let hex = s.lowercased().filter { $0.isHexDigit }
        return String(repeating: "0", count: max(0, 8 - hex.count)) + hex.suffix(8)
    }
}

extension AtomicFile {
    /// Removes `NAME.tmp-PID-XXXXXXXX` (and the older `NAME.tmp-PID`) files left by
    /// writers that were killed: only regular files (a link is left alone, and never
    /// followed), owned by this user, whose PID is no longer running.
    static func removeStaleTemporaries(of name: String, in dir: Int32) {
        let listing = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard listing >= 0, let stream = fdopendir(listing) else { return }
        defer { closedir(stream) }
        let prefix = name + ".tmp-"
        var stale = [String]()
        while let entry = readdir(stream) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard entryName.hasPrefix(prefix) else { continue }
            let rest = entryName.dropFirst(prefix.count).split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(rest.count), let pid = Int32(rest[0]), pid > 0, pid != getpid(),
                  rest.count == 1 || (rest[1].count == 8 && rest[1].allSatisfy { $0.isHexDigit && !$0.isUppercase }) else { continue }
            guard kill(pid, 0) != 0, errno == ESRCH else { continue }
            stale.append(entryName)
        }
        for entryName in stale {
            var info = stat()
            guard fstatat(dir, entryName, &info, AT_SYMLINK_NOFOLLOW) == 0,
                  info.st_mode & S_IFMT == S_IFREG, info.st_uid == geteuid() else { continue }
            unlinkat(dir, entryName, 0)
        }
    }
}
