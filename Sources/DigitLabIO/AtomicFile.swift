import Foundation
import Glibc

/// Writes files so that a crash or a full disk never leaves half a file: the bytes go
/// to a temporary file in the same folder, are flushed to disk, then renamed over the
/// target in one step.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws(IOError) {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw IOError(path, "cannot create the folder \(folder) — check the path and permissions")
            }
        }
        removeStaleTemporaries(of: path)
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw IOError(path, "cannot write here (\(String(cString: strerror(errno)))) — check the folder is writable") }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 {
                let reason = String(cString: strerror(errno))
                close(fd); unlink(temporary)
                throw IOError(path, "write failed (\(reason)) — is the disk full?")
            }
            offset += n
        }
        guard fsync(fd) == 0, close(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw IOError(path, "write failed (\(reason)) — is the disk full?")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw IOError(path, "cannot replace the file (\(reason))")
        }
    }
}

extension AtomicFile {
    /// A process killed between writing and renaming leaves `PATH.tmp-PID` behind; the
    /// next write of PATH removes those whose process is gone.
    static func removeStaleTemporaries(of path: String) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let prefix = url.lastPathComponent + ".tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(folder + "/" + name) }
        }
    }
}
