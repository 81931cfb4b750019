import DigitLabIO
import Foundation

/// Scripts, lessons and manifests: read only from a regular file of reasonable size, so
/// a FIFO or a device never blocks and a huge file never fills memory.
enum TextFile {
    static let limit = 4 << 20

    static func read(_ path: String, what: String) throws(CommandError) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { throw CommandError("\(Sanitize.line(path)): cannot read the \(what) file (\(String(cString: strerror(errno))))") }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw CommandError("\(Sanitize.line(path)): not a regular file — give a \(what) file")
        }
        guard info.st_size <= limit else {
            throw CommandError("\(Sanitize.line(path)): \(info.st_size) bytes — too large for a \(what) file (at most \(limit >> 20) MB)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandError("\(Sanitize.line(path)): cannot read the \(what) file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CommandError("\(Sanitize.line(path)): not UTF-8 text — save the \(what) file as UTF-8")
        }
        return text
    }
}
