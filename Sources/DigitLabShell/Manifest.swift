import DigitLabIO
import Foundation

/// What a run wrote, as `SHA256  PATH` lines (the format of `sha256sum`), so a replay
/// can be checked byte for byte: `digitlab run FILE --write-manifest M`, then
/// `digitlab run FILE --verify M`.
public enum Manifest {
    public static func make(_ paths: [String]) throws(IOError) -> String {
        var lines = [String]()
        for path in paths.sorted() {
            guard let data = FileManager.default.contents(atPath: path) else { throw IOError(path, "written by the run but now unreadable") }
            lines.append("\(SHA256.hex([UInt8](data)))  \(path)")
        }
        return lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")
    }

    /// Compares the files a manifest lists with what is on disk now; returns the problems.
    public static func verify(_ manifest: String) -> (checked: Int, problems: [String]) {
        var problems = [String](), checked = 0
        for line in manifest.split(separator: "\n") where !line.isEmpty {
            let hash = String(line.prefix(64)), path = String(line.dropFirst(66))
            checked += 1
            guard let data = FileManager.default.contents(atPath: path) else { problems.append("\(path): missing"); continue }
            let actual = SHA256.hex([UInt8](data))
            if actual != hash { problems.append("\(path): differs (sha256 \(actual.prefix(12))…, expected \(hash.prefix(12))…)") }
        }
        return (checked, problems)
    }
}
