import Foundation
import Testing
import DigitLabIO
@testable import DigitLabVision

/// `load folder`: PNG and JPEG pictures in sub-folders 0–9; unusable ones are skipped and
/// listed, one line each, rather than stopping the load.
@Suite struct FolderTests {
    @Test func unusablePicturesAreSkippedAndListed() throws {
        let dir = NSTemporaryDirectory() + "digitlab-folder-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for i in 0..<4 {
            let ink = Fixtures.tightInk(i, scale: 3)
            let p = Fixtures.picture(width: ink.width + 20, height: ink.height + 20, ink: ink, at: 10, 10)
            let bytes = i % 2 == 0 ? try PNG.encode(width: p.width, height: p.height, pixels: p.pixels, channels: 3)
                                   : try JPEG.encode(width: p.width, height: p.height, channels: 3, pixels: p.pixels)
            try writeMakingFolder(bytes, to: "\(dir)/\(Fixtures.label(i))/d\(i).\(i % 2 == 0 ? "png" : "jpg")")
        }
        try writeMakingFolder(Array("this is not a picture at all".utf8), to: "\(dir)/3/broken.png")
        try writeMakingFolder(try PNG.encode(width: 30, height: 30, pixels: [UInt8](repeating: 200, count: 900), channels: 1), to: "\(dir)/5/blank.png")
        try writeMakingFolder(Array("not a picture at all".utf8), to: "\(dir)/5/notes.txt") // not a picture name: ignored
        let r = try DatasetLoader.readFolder(dir)
        #expect(r.dataset.test.count == 4)
        #expect(r.dataset.test.labels.sorted() == (0..<4).map { UInt8(Fixtures.label($0)) }.sorted())
        #expect(r.skipped.map(\.path) == ["\(dir)/3/broken.png", "\(dir)/5/blank.png"])
        #expect(r.skippedReport == [
            "skipped \(dir)/3/broken.png: not a readable PNG (it is text, not a PNG) — check it is a PNG file",
            "skipped \(dir)/5/blank.png: no digit found: the picture is blank or has no contrast — check that it shows the writing (dark on light, or light on dark), not an empty or faded page",
            "skipped 2 pictures: broken.png, blank.png",
        ])
        // All or nothing, for callers that want it: the first bad picture stops the load.
        #expect(throws: IOError("\(dir)/3/broken.png", "not a readable PNG (it is text, not a PNG) — check it is a PNG file")) {
            try DatasetLoader.folder(dir)
        }
    }

    @Test func aFolderWithNothingUsableSaysSo() throws {
        let dir = NSTemporaryDirectory() + "digitlab-folder-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try writeMakingFolder(Array("this is not a picture at all".utf8), to: "\(dir)/1/broken.png")
        #expect(throws: IOError(dir, "none of the 1 pictures could be used (the first: \(dir)/1/broken.png: not a readable PNG (it is text, not a PNG) — check it is a PNG file)")) {
            try DatasetLoader.readFolder(dir)
        }
        try FileManager.default.removeItem(atPath: "\(dir)/1/broken.png")
        #expect(throws: IOError(dir, "no PNG or JPEG files in sub-folders 0–9 — put each digit's pictures in a folder named after it")) {
            try DatasetLoader.readFolder(dir)
        }
    }
}

/// The fixture's folders are made first: AtomicFile never creates folders.
func writeMakingFolder(_ bytes: [UInt8], to path: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try AtomicFile.write(bytes, to: path)
}
