import Foundation

/// Where `AtomicFile` may write, and which one folder it may create.
///
/// - `.anywhere`: the user's own commands and scripts write where they say; missing
///   folders are never created.
/// - `.anywhere.creating("outputs")`: the same, and DigitLab's own output folder is
///   made when missing (only that folder, one level: its parent must exist).
/// - `.under("outputs", hint: …)`: a lesson someone downloaded may write only inside
///   `outputs/`: paths whose `..` and symbolic links, once resolved, stay inside it. The folder itself may be created. The refusal ends with `hint`, e.g.
///   "run the lesson with --allow-writes to let it write elsewhere".
///
///     try AtomicFile.write(png, to: "outputs/confusion.png", policy: .under("outputs"))   // written
///     try AtomicFile.write(rc, to: "../../.bashrc", policy: .under("outputs"))            // refused
public struct WritePolicy: Sendable, Equatable {
    /// nil: anywhere. Otherwise the folder every write must resolve inside.
    public let root: String?
    /// The one folder that may be created when missing.
    public let creatableFolder: String?
    /// Appended to a refusal: what to do to write there anyway.
    public let hint: String?

    public init(root: String?, creatableFolder: String?, hint: String?) {
        self.root = root; self.creatableFolder = creatableFolder; self.hint = hint
    }

    public static let anywhere = WritePolicy(root: nil, creatableFolder: nil, hint: nil)

    /// Only relative paths that stay inside `folder` (which may be created).
    public static func under(_ folder: String, hint: String? = nil) -> WritePolicy {
        WritePolicy(root: folder, creatableFolder: folder, hint: hint)
    }

    /// The same policy, allowed to create `folder` when it is missing.
    public func creating(_ folder: String) -> WritePolicy {
        WritePolicy(root: root, creatableFolder: folder, hint: hint)
    }

    /// Whether `folder` (as typed in a path) is the one this policy may create.
    func mayCreate(_ folder: String) -> Bool {
        guard let creatable = creatableFolder else { return false }
        return Self.lexical(folder) == Self.lexical(creatable)
    }

    /// Lexical refusals, before any system call: a path whose `..` (resolved as written,
    /// from the current folder) climbs out of the root. Symbolic links are checked once
    /// the folder is open.
    func checkLexically(_ path: String) throws(IOError) {
        guard let root else { return }
        let here = Self.currentFolder()
        guard let parts = Self.resolvedComponents(path, from: here), let rootParts = Self.resolvedComponents(root, from: here),
              parts.count > rootParts.count, Array(parts.prefix(rootParts.count)) == rootParts else {
            throw refusal(path)
        }
    }

    func refusal(_ path: String) -> IOError {
        let folder = (root ?? ".").hasSuffix("/") ? root ?? "." : (root ?? ".") + "/"
        return IOError(path, "not written: only files under \(folder) may be written here (relative paths that stay inside it)"
                       + (hint.map { " — \($0)" } ?? ""))
    }

    /// The absolute path's components with `.` dropped and `..` applied (as the kernel
    /// would, were there no symbolic links); nil when `..` climbs above `/`.
    static func resolvedComponents(_ path: String, from folder: String) -> [Substring]? {
        var out = [Substring]()
        let absolute = path.hasPrefix("/") ? path : folder + "/" + path
        for c in absolute.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == ".." {
                guard !out.isEmpty else { return nil }
                out.removeLast()
            } else {
                out.append(c)
            }
        }
        return out
    }

    static func currentFolder() -> String { FileManager.default.currentDirectoryPath }

    /// `./outputs//` and `outputs` alike.
    static func lexical(_ path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }
}
