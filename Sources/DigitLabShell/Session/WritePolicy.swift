import Foundation

/// Where a command may write. Lessons are files people download and share, so the lines
/// a lesson runs may write only under outputs/ (unless `--allow-writes`); scripts and
/// recordings are the learner's own and write where they say.
public enum WritePolicy: Sendable, Equatable {
    case anywhere
    /// Relative paths that stay inside this folder.
    case under(String)

    func check(_ path: String) throws(CommandError) {
        guard case .under(let folder) = self else { return }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        var depth = 0
        var escapes = path.hasPrefix("/") || path.hasPrefix("~")
        for p in parts {
            if p == ".." { depth -= 1 } else if p != "." { depth += 1 }
            if depth < 0 { escapes = true }
        }
        let normalized = parts.filter { $0 != "." }
        guard !escapes, normalized.first.map(String.init) == folder, normalized.count >= 2, !normalized.contains("..") else {
            throw CommandError("\(Sanitize.line(path)): a lesson may write only inside \(folder)/ — run it with --allow-writes to let it write elsewhere")
        }
    }
}
