import Foundation

/// Finds DigitLab's home: the folder holding `data/mnist/` (and `lessons/`).
///
/// Search order (first match wins):
/// 1. `--data DIR` on the command line;
/// 2. the `DIGITLAB_HOME` environment variable;
/// 3. next to the executable: its folder and its parents (a `swift build` binary lives
///    in `.build/release/` inside the package), and `../share/digitlab` (`make install`);
/// 4. the current directory.
public struct DataLocator: Sendable {
    public var explicit: String?

    public init(explicit: String? = nil) { self.explicit = explicit }

    /// Every place looked at, in order (shown when nothing is found).
    public var candidates: [String] {
        Self.places(explicit: explicit, home: ProcessInfo.processInfo.environment["DIGITLAB_HOME"],
                    executable: CommandLine.arguments.first ?? ".", current: FileManager.default.currentDirectoryPath)
    }

    /// The places for an executable at `executable`, each once: near the root its
    /// parents are "/" again and again.
    static func places(explicit: String?, home: String?, executable: String, current: String) -> [String] {
        var list = [String]()
        if let e = explicit { list.append(e) }
        if let h = home, !h.isEmpty { list.append(h) }
        let exe = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        list.append(dir.appendingPathComponent("../share/digitlab").standardized.path)
        for _ in 0..<5 {
            list.append(dir.path)
            dir = dir.deletingLastPathComponent()
        }
        list.append(current)
        var seen = Set<String>()
        return list.filter { seen.insert($0).inserted }
    }

    /// The home folder, or an error listing where it looked.
    public func home() throws(IOError) -> String {
        let fm = FileManager.default
        // An explicit --data is the learner's choice: never fall back silently.
        if let e = explicit {
            guard fm.fileExists(atPath: e + "/data/mnist") else {
                throw IOError(e, "no data/mnist folder here — point --data at the DigitLab folder")
            }
            return e
        }
        for c in candidates where fm.fileExists(atPath: c + "/data/mnist") { return c }
        throw IOError("data/mnist", "not found in \(candidates.joined(separator: ", ")) — run from the DigitLab folder or set DIGITLAB_HOME")
    }
}
