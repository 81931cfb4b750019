import CZlib
import Foundation

/// Writes small IDX files (raw or gzipped) into a fresh temporary folder.
struct IDXFixtures {
    let folder: String

    init() {
        folder = NSTemporaryDirectory() + "digitlab-io-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }

    static func header(_ words: [UInt32]) -> [UInt8] {
        words.flatMap { w in [UInt8(w >> 24), UInt8(w >> 16 & 255), UInt8(w >> 8 & 255), UInt8(w & 255)] }
    }

    static func images(count: Int, rows: Int = 28, columns: Int = 28, seed: UInt8 = 0) -> [UInt8] {
        header([0x803, UInt32(count), UInt32(rows), UInt32(columns)])
            + (0..<(count * rows * columns)).map { UInt8(truncatingIfNeeded: $0 &+ Int(seed)) }
    }

    static func labels(_ values: [UInt8]) -> [UInt8] {
        header([0x801, UInt32(values.count)]) + values
    }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8], gzip: Bool = false) -> String {
        let path = folder + "/" + name
        if gzip {
            let f = gzopen(path, "wb")!
            _ = bytes.withUnsafeBytes { gzwrite(f, $0.baseAddress, UInt32($0.count)) }
            gzclose(f)
        } else {
            precondition(FileManager.default.createFile(atPath: path, contents: Data(bytes)), "cannot write the fixture \(path)")
        }
        return path
    }

    /// A complete, valid four-file folder with `train` and `test` images.
    func writeDataset(train: Int, test: Int, gzip: Bool, dotted: Bool = false) {
        let sep = dotted ? "." : "-"
        let ext = gzip ? ".gz" : ""
        write("train-images\(sep)idx3-ubyte\(ext)", Self.images(count: train), gzip: gzip)
        write("train-labels\(sep)idx1-ubyte\(ext)", Self.labels((0..<train).map { UInt8($0 % 10) }), gzip: gzip)
        write("t10k-images\(sep)idx3-ubyte\(ext)", Self.images(count: test, seed: 7), gzip: gzip)
        write("t10k-labels\(sep)idx1-ubyte\(ext)", Self.labels((0..<test).map { UInt8(($0 * 3) % 10) }), gzip: gzip)
    }
}
