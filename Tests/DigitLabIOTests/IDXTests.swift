import Foundation
import Testing
@testable import DigitLabIO

@Suite struct IDXTests {
    @Test(arguments: [false, true])
    func readsImagesAndLabelsRawOrGzipped(gzip: Bool) throws {
        let f = IDXFixtures(); defer { f.remove() }
        let path = f.write("img", IDXFixtures.images(count: 3), gzip: gzip)
        let img = try IDX.readImages(path)
        #expect(img.count == 3 && img.rows == 28 && img.columns == 28)
        #expect(img.pixels.count == 3 * 784)
        #expect(img.pixels[0] == 0 && img.pixels[300] == UInt8(300 % 256))
        let lpath = f.write("lab", IDXFixtures.labels([1, 9, 0]), gzip: gzip)
        #expect(try IDX.readLabels(lpath) == [1, 9, 0])
    }

    /// Every malformed case gives one line naming the file and the problem.
    @Test func refusesMalformedFiles() {
        let f = IDXFixtures(); defer { f.remove() }
        func imageError(_ bytes: [UInt8], gzip: Bool = false) -> String {
            let p = f.write("bad\(UUID().uuidString.prefix(6))", bytes, gzip: gzip)
            do { _ = try IDX.readImages(p); return "no error" } catch { return error.description }
        }
        #expect(imageError(IDXFixtures.header([0x801, 1]) + [3]).contains("bad magic number 0x00000801 at byte 0, expected 0x00000803"))
        #expect(imageError(IDXFixtures.header([0x803, 1]).prefix(7).map { $0 }).contains("truncated header: 7 of 16 bytes"))
        #expect(imageError([]).contains("truncated header: 0 of 16 bytes"))
        #expect(imageError(Array(IDXFixtures.images(count: 2).dropLast(100))).contains("truncated: the header promises 2 images (1568 bytes after the 16-byte header) but the file holds 1468"))
        #expect(imageError(IDXFixtures.images(count: 1, rows: 32, columns: 32)).contains("images are 32x32, DigitLab needs 28x28"))
        #expect(imageError(Array(IDXFixtures.images(count: 2).dropLast(5)), gzip: true).contains("truncated"))

        // A 100-byte file claiming 2^31 images: refused from its header, before reading.
        let liar = IDXFixtures.header([0x803, 0x8000_0000, 28, 28]) + [UInt8](repeating: 1, count: 84)
        #expect(imageError(liar).contains("the header claims 2147483648 images of 28x28 (1.5 TB); DigitLab reads at most 128 MB"))
        // Within the cap but more than the file holds: truncated, after reading what is there.
        let short = IDXFixtures.header([0x803, 100_000, 28, 28]) + [UInt8](repeating: 1, count: 84)
        #expect(imageError(short).contains("truncated: the header promises 100000 images (78400000 bytes after the 16-byte header) but the file holds 84"))

        // A gzip stream damaged in the middle.
        let good = f.write("good.gz", IDXFixtures.images(count: 50), gzip: true)
        var bytes = [UInt8](FileManager.default.contents(atPath: good)!)
        for i in 40..<80 { bytes[i] ^= 0x5A }
        #expect(imageError(bytes).contains("corrupt gzip stream"))

        do { _ = try IDX.readImages(f.folder + "/nope"); Issue.record("no error") } catch {
            #expect(error.description == f.folder + "/nope: cannot open the file (missing or unreadable)")
        }
    }

    @Test func refusesLabelsOutsideTheClasses() {
        let f = IDXFixtures(); defer { f.remove() }
        let p = f.write("labels", IDXFixtures.labels([1, 2, 12, 3]))
        #expect(throws: IOError(p, "label 12 at index 2 (byte offset 10) is not a class 0–9")) { try IDX.readLabels(p) }
        let q = f.write("labels2", Array(IDXFixtures.labels([1, 2, 3]).dropLast()))
        #expect(throws: IOError(q, "truncated: the header promises 3 labels but the file holds 2 — copy the file again")) { try IDX.readLabels(q) }
    }
}
