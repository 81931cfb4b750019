import Foundation

/// A file that could not be read, in one line: where, what, and what to do.
///
///     data/x/train-images-idx3-ubyte.gz: truncated: the header promises 60000 images
///     (47040000 bytes) but the file holds 1200 — copy the file again
public struct IOError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let problem: String
    public init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }
    public var description: String { "\(path): \(problem)" }
}

extension IOError {
    /// What to do about a picture or data file that stops early (a download or a copy
    /// that did not finish), and about one whose bytes are wrong: said the same way by
    /// every decoder, rather than "check it is a PNG file" for a PNG cut short.
    static let cutShort = "the file is cut short; copy or save it again"
    static let damaged = "the file is damaged; save it again"

    /// A file that is not there; when a name in its folder is close to the one given (a
    /// typo), that name is offered: "mnie: cannot open the file (missing or unreadable)
    /// — did you mean mine?" A symbolic link whose target is not there is said to be one
    /// (its name is in the folder, so "missing" misled).
    static func missing(_ path: String) -> IOError {
        if let target = AtomicFile.danglingLink(path) {
            return IOError(path, "a symbolic link to \(shown(target)), which does not exist — restore that file, or remove the link")
        }
        return IOError(path, "cannot open the file (missing or unreadable)" + (nearName(path).map { " — did you mean \($0)?" } ?? ""))
    }

    /// The path with its last name replaced by the closest name in its folder, if any
    /// is close (`Suggest.closest`); nothing for folders of more than 10,000 entries.
    static func nearName(_ path: String) -> String? {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let listed = slash == nil ? "." : folder.isEmpty ? "/" : folder
        guard !name.isEmpty, let entries = try? FileManager.default.contentsOfDirectory(atPath: listed),
              entries.count <= 10_000,
              let near = Suggest.closest(to: name, among: entries.filter { !$0.hasPrefix(".") && $0 != name }.sorted()) else { return nil }
        return slash == nil ? near : folder + "/" + near
    }

    /// A path as an error line shows it: at most 120 characters, the middle elided (a
    /// path can be 4,095 bytes, or 60,000 when it is the problem).
    static func shown(_ path: String) -> String {
        guard path.count > 120 else { return path }
        return String(path.prefix(60)) + "…" + String(path.suffix(59))
    }
}
