import CZlib
import Foundation
import Glibc
import Testing
@testable import DigitLabIO

/// Readers never block or balloon (issue 12, class 5): FIFOs, devices and folders are
/// refused before any read; a decompression bomb costs only what it holds.
@Suite struct RegularFileTests {
    /// Runs `body` on another thread and fails if it has not returned within 10 s (a
    /// FIFO open or read would block forever).
    func withinSeconds(_ body: @escaping @Sendable () -> String) -> String {
        final class Box: @unchecked Sendable { var value = "blocked" }
        let box = Box(), done = DispatchSemaphore(value: 0)
        Thread.detachNewThread { box.value = body(); done.signal() }
        return done.wait(timeout: .now() + 10) == .success ? box.value : "blocked"
    }

    /// A mistyped name (`load checkpoint mnie.ckpt`) said only "missing or unreadable";
    /// a close name in the same folder is now offered, by every reader of files.
    @Test func aMistypedFileNameGetsTheCloseOne() throws {
        let f = IDXFixtures(); defer { f.remove() }
        let folder = f.folder
        for name in ["mine.ckpt", "default.safetensors", "seven.png"] {
            #expect(FileManager.default.createFile(atPath: "\(folder)/\(name)", contents: Data([1, 2, 3])))
        }
        func error(_ read: () throws -> Void) -> String {
            do { try read(); return "read" } catch { return "\(error)" }
        }
        let missing = "cannot open the file (missing or unreadable)"
        #expect(error { _ = try RegularFile.read("\(folder)/mnie.ckpt", limit: 100) } == "\(folder)/mnie.ckpt: \(missing) — did you mean \(folder)/mine.ckpt?")
        #expect(error { _ = try ImageFile.read("\(folder)/sevne.png") } == "\(folder)/sevne.png: \(missing) — did you mean \(folder)/seven.png?")
        #expect(error { _ = try PNG.readGrey("\(folder)/seven.pgn") } == "\(folder)/seven.pgn: \(missing) — did you mean \(folder)/seven.png?")
        // Nothing close, or no such folder: the plain line.
        #expect(error { _ = try RegularFile.read("\(folder)/weights.bin", limit: 100) } == "\(folder)/weights.bin: \(missing)")
        #expect(error { _ = try RegularFile.read("\(folder)/nowhere/mine.ckpt", limit: 100) } == "\(folder)/nowhere/mine.ckpt: \(missing)")
        // A name in the current folder is offered as typed, without a folder.
        #expect(IOError.nearName("Packag.swift") == "Package.swift" || !FileManager.default.fileExists(atPath: "Package.swift"))
    }

    /// A link to nowhere (a model or picture moved away) was "missing or unreadable", or
    /// "did you mean" another name, though its own name is there: it is said to be a link.
    @Test func aLinkToNowhereIsSaidToBeOne() throws {
        let f = IDXFixtures(); defer { f.remove() }
        let link = f.folder + "/in-line.safetensors"
        #expect(symlink(f.folder + "/moved/in-line.safetensors", link) == 0)
        let said = "\(link): a symbolic link to \(f.folder)/moved/in-line.safetensors, which does not exist — restore that file, or remove the link"
        for read in [{ _ = try RegularFile.read(link, limit: 100) }, { _ = try ImageFile.read(link) }, { _ = try PNG.readGrey(link) }] as [() throws -> Void] {
            do { try read(); Issue.record("read") } catch { #expect("\(error)" == said) }
        }
    }

    @Test func fifosDevicesAndFoldersAreRefusedWithoutBlocking() throws {
        let f = IDXFixtures(); defer { f.remove() }
        let fifo = f.folder + "/fifo"
        #expect(mkfifo(fifo, 0o644) == 0)
        for (path, problem) in [(fifo, "is a FIFO (named pipe), not a regular file — DigitLab reads only regular files"),
                                ("/dev/zero", "is a device, not a regular file — DigitLab reads only regular files"),
                                (f.folder, "is a folder, not a file")] {
            let line = withinSeconds {
                do { _ = try RegularFile.read(path, limit: 1 << 20); return "read" } catch { return "\(error)" }
            }
            #expect(line == "\(path): \(problem)")
            #expect(withinSeconds { do { _ = try TextFile.read(path); return "read" } catch { return "\(error)" } } == "\(path): \(problem)")
        }
    }

    @Test func sizeLimitsAndTextChecks() throws {
        let f = IDXFixtures(); defer { f.remove() }
        let big = f.write("big", [UInt8](repeating: 65, count: 3000))
        #expect(throws: IOError(big, "is 2.9 KB; DigitLab reads at most 2.0 KB for a file")) { try RegularFile.read(big, limit: 2048) }
        #expect(try RegularFile.read(big, limit: 3000).count == 3000)
        let bad = f.write("bad.lesson", Array("# title: T\n".utf8) + [0xC3, 0x28])
        #expect(throws: IOError(bad, "is not UTF-8 text (byte offset 11) — save it as UTF-8")) { try TextFile.read(bad) }
        let good = f.write("good.lesson", [0xEF, 0xBB, 0xBF] + Array("# title: é\r\n".utf8))
        #expect(try TextFile.read(good) == "\u{FEFF}# title: é\r\n")
        #expect(throws: IOError(f.folder + "/none", "cannot open the file (missing or unreadable)")) { try TextFile.read(f.folder + "/none") }
        // A link to a regular file is read through; /proc files (size 0) up to the limit.
        try FileManager.default.createSymbolicLink(atPath: f.folder + "/link", withDestinationPath: good)
        #expect(try TextFile.read(f.folder + "/link").hasSuffix("é\r\n"))
        #expect(try TextFile.read("/proc/self/status").contains("VmRSS"))
    }

    /// A FIFO in an IDX folder hung `load idx` forever, ignoring Ctrl-C.
    @Test func aFIFOInAnIDXFolderIsRefused() {
        let f = IDXFixtures(); defer { f.remove() }
        f.writeDataset(train: 20, test: 5, gzip: false)
        try? FileManager.default.removeItem(atPath: f.folder + "/t10k-labels-idx1-ubyte")
        #expect(mkfifo(f.folder + "/t10k-labels-idx1-ubyte", 0o644) == 0)
        let folder = f.folder
        let line = withinSeconds { do { _ = try DatasetLoader.idx(folder: folder); return "loaded" } catch { return "\(error)" } }
        #expect(line == "\(folder)/t10k-labels-idx1-ubyte: is a FIFO (named pipe), not a regular file — DigitLab reads only regular files")
    }

    /// A 2 MB gzip claiming 2³²−1 images reached 2.2 GB resident before "truncated".
    /// Now the claim is refused from the header, before a byte of the body is read.
    @Test func aGzipBombClaimingBillionsIsRefusedFromTheHeader() throws {
        let f = IDXFixtures(); defer { f.remove() }
        let path = f.folder + "/bomb.gz"
        let gz = gzopen(path, "wb9")!
        let header = IDXFixtures.header([0x803, 0xFFFF_FFFF, 28, 28])
        _ = header.withUnsafeBytes { gzwrite(gz, $0.baseAddress, UInt32($0.count)) }
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        for _ in 0..<20 { _ = zeros.withUnsafeBytes { gzwrite(gz, $0.baseAddress, UInt32($0.count)) } } // 20 MB of zeros in 20 KB
        gzclose(gz)
        let clock = ContinuousClock(), start = clock.now
        #expect(throws: IOError(path, "the header claims 4294967295 images of 28x28 (3.1 TB); DigitLab reads at most 128 MB of pixels from one file (171196 images of this size) — use a smaller data set")) {
            try IDX.readImages(path)
        }
        #expect(clock.now - start < .seconds(1), "refused without decompressing")
        let labels = f.write("labels", IDXFixtures.header([0x801, 0xFFFF_FFFF]) + [1, 2, 3])
        #expect(throws: IOError(labels, "the header claims 4294967295 labels; DigitLab reads at most 171196 from one file — use a smaller data set")) {
            try IDX.readLabels(labels)
        }
    }

    /// Within the cap, memory follows the data that arrives: a file claiming 170,000
    /// images that holds 2,000 costs about 2,000 images, not 170,000.
    @Test func memoryFollowsWhatArrivesNotWhatIsClaimed() throws {
        let f = IDXFixtures(); defer { f.remove() }
        let path = f.write("liar.gz", IDXFixtures.header([0x803, 170_000, 28, 28]) + [UInt8](repeating: 7, count: 2000 * 784), gzip: true)
        let reader = try GzipReader(path: path)
        _ = try reader.read(upTo: 16)
        let body = try reader.read(upTo: 170_000 * 784)
        #expect(body.count == 2000 * 784)
        #expect(body.capacity < 4 * 2000 * 784, "capacity \(body.capacity) grew from what arrived, not from the claim")
        #expect(throws: IOError.self) { try IDX.readImages(path) }
    }
}
