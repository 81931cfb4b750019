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
    /// A path as an error line shows it: at most 120 characters, the middle elided (a
    /// path can be 4,095 bytes, or 60,000 when it is the problem).
    static func shown(_ path: String) -> String {
        guard path.count > 120 else { return path }
        return String(path.prefix(60)) + "…" + String(path.suffix(59))
    }
}
