import DigitLabIO
import Foundation
import Glibc

/// Every command of the session with its output as it was when it ran — pictures as
/// their bytes of that moment — for `export notebook`. Kept in an unnamed temporary
/// file, not in memory: a 50,000-command session costs a few hundred kilobytes of
/// offsets here, and the file vanishes when DigitLab exits (it is unlinked at once).
public final class NotebookJournal: @unchecked Sendable {
    public enum Entry: Codable, Sendable, Equatable {
        /// A command line and what it gave: its blocks, or the one-line error.
        case command(line: String, output: Output?, error: String?)
        /// What a lesson showed between commands: prose, checks, its title.
        case lesson(Output)
    }

    /// The journal stops growing past this many bytes (then `export` says so).
    static let limit: Int64 = 2 << 30

    private var fd: Int32 = -1
    private var spans: [(offset: Int64, length: Int)] = []
    private var end: Int64 = 0
    private let lock = NSLock()
    /// True once something could not be kept (the disk was full, the limit reached).
    public private(set) var incomplete = false

    public init() {}

    deinit { if fd >= 0 { close(fd) } }

    public var count: Int { lock.withLock { spans.count } }

    func append(command line: String, output: Output) { append(.command(line: line, output: output, error: nil)) }
    func append(command line: String, error: String) { append(.command(line: line, output: nil, error: error)) }
    func append(lessonOutput output: Output) {
        guard !output.isEmpty else { return }
        append(.lesson(output))
    }

    func append(_ entry: Entry) {
        guard let data = try? JSONEncoder().encode(entry) else { return }
        lock.withLock {
            guard openSpool(), end + Int64(data.count) <= Self.limit else { incomplete = true; return }
            let written = data.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(end)) }
            guard written == data.count else { incomplete = true; return }
            spans.append((end, data.count))
            end += Int64(data.count)
        }
    }

    /// The entries in order, read back one at a time.
    public func forEach<E: Error>(_ body: (Entry) throws(E) -> Void) throws(E) {
        let (spans, fd) = lock.withLock { (self.spans, self.fd) }
        let decoder = JSONDecoder()
        for span in spans {
            var bytes = [UInt8](repeating: 0, count: span.length)
            let read = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, span.length, off_t(span.offset)) }
            guard read == span.length, let entry = try? decoder.decode(Entry.self, from: Data(bytes)) else { continue }
            try body(entry)
        }
    }

    private func openSpool() -> Bool {
        if fd >= 0 { return true }
        let folder = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((folder + "/digitlab-notebook-XXXXXX").utf8CString)
        fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return false }
        // Unlinked at once: only this process can reach it, and it goes when we do.
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return true
    }
}
