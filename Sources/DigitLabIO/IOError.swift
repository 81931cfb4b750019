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
