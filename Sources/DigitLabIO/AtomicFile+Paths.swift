import Glibc

/// Checks a path typed for writing, as text, before any system call — each mistake a
/// learner makes gets its own line instead of a trap or a surprising file:
///
///     save model .              →  .: names a folder, not a file — add a file name, such as ./NAME
///     save model outputs/       →  outputs/: ends with `/`, so it names a folder — add a file name, such as outputs/NAME
///     save model ~/m.safetensors →  ~/m.safetensors: DigitLab does not expand `~` (only a shell does) — write the folder in full (your home folder is /root); …
///
/// No recursion over path components anywhere: a path 30,000 folders deep is simply too
/// long (Linux resolves at most 4,095 bytes), in one line.
extension AtomicFile {
    /// The longest name a target may have: 255 bytes per name, less room for the
    /// temporary suffix `.tmp-PID-XXXXXXXX`.
    public static let maxNameLength = Int(NAME_MAX) - 24

    /// The folder (`.` when the path has none) and the file name.
    static func split(_ path: String) throws(IOError) -> (folder: String, name: String) {
        guard !path.isEmpty else {
            throw IOError("\"\"", "no file name given — name the file to write, such as outputs/NAME")
        }
        guard !path.utf8.contains(0) else { throw IOError(display(path), "the name contains a NUL character") }
        guard path.utf8.count < Int(PATH_MAX) else { throw tooLong(path) }
        if path.hasPrefix("~") {
            let home = getenv("HOME").map { String(cString: $0) } ?? "/home/NAME"
            throw IOError(path, "DigitLab does not expand `~` (only a shell does) — write the folder in full (your home folder is \(home)); for a file named like this, write ./\(path)")
        }
        guard !path.hasSuffix("/") else {
            throw IOError(path, "ends with `/`, so it names a folder — add a file name, such as \(display(path))NAME")
        }
        let slash = path.lastIndex(of: "/")
        let name = String(slash.map { path[path.index(after: $0)...] } ?? path[...])
        var folder = slash.map { String(path[..<$0]) } ?? "."
        if folder.isEmpty { folder = "/" } // "/name"
        if name == "." || name == ".." {
            throw IOError(path, "names a folder, not a file — add a file name, such as \(display(path))/NAME")
        }
        if let long = path.split(separator: "/").first(where: { $0.utf8.count > Int(NAME_MAX) }) {
            throw IOError(display(path), "the name \(display(String(long))) is too long (\(long.utf8.count) bytes; at most \(NAME_MAX) per name)")
        }
        guard name.utf8.count <= maxNameLength else {
            throw IOError(display(path), "the file name is too long (\(name.utf8.count) bytes; at most \(maxNameLength))")
        }
        return (folder, name)
    }

    static func tooLong(_ path: String) -> IOError {
        IOError(display(path), "the path is too long (\(path.utf8.count) bytes; Linux allows \(PATH_MAX - 1), and \(NAME_MAX) per name)")
    }

    static func display(_ path: String) -> String { IOError.shown(path) }
}
