import DigitLabIO
import Foundation
import Testing
@testable import DigitLabShell

@Suite struct RenderCommandTests {
    func trainedSession(_ folder: String) throws -> Session {
        let s = session()
        s.state.outputs.folder = folder
        try run(s, "load mnist --train 640 --test 200", "split validation 64", "net preset lenet5", "train epoch")
        return s
    }

    @Test func everyFigureIsWrittenAndDecodes() throws {
        let folder = temporaryFolder("render")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = try trainedSession(folder)
        let lines = ["render samples", "render samples test 5", "render filters 0", "render filters 3",
                     "render activations 0 3", "render activations 7 3", "render confusion", "render misclassified 8",
                     "render curves", "render probabilities 4", "render saliency 4", "render embedding",
                     "render embedding --tsne", "render trace 4", "render compare", "render samples 5"]
        for line in lines {
            let pictures = try s.run(line).pictures
            #expect(pictures.count == 1, "\(line)")
            let p = try #require(pictures.first)
            let path = try #require(p.path)
            #expect(path.hasPrefix(folder + "/") && path.hasSuffix(".png"), "\(line): \(path)")
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(bytes == p.png, "\(line): the block holds the bytes written")
            let image = try PNG.decodeRGB(bytes, name: path)
            #expect((image.width, image.height) == (p.width, p.height), "\(line): the size given is the size written")
        }
        #expect(try run(s, "render confusion").hasPrefix("wrote \(folder)/confusion-test-2.png"), "default names never overwrite")
        #expect(try run(s, "render saliency 4").contains("saliency-test4-2.png"))
    }

    @Test func sameStateSameBytesAndToFile() throws {
        let folder = temporaryFolder("render")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = try trainedSession(folder)
        for kind in ["confusion", "curves", "filters 0", "embedding"] {
            try run(s, "render \(kind) to \(folder)/a.png", "render \(kind) to \(folder)/b.png")
            let a = try Data(contentsOf: URL(fileURLWithPath: folder + "/a.png"))
            let b = try Data(contentsOf: URL(fileURLWithPath: folder + "/b.png"))
            #expect(a == b, "\(kind) repeats byte for byte")
        }
    }

    @Test func oneLineErrors() throws {
        let s = session()
        #expect(errorOf(s, "render confusion") == "no data loaded — start with `load mnist`")
        try run(s, "load mnist --train 100 --test 20")
        #expect(errorOf(s, "render filters 0") == "no network yet — try `net preset mlp`, or `net new` then `net add dense 128 relu`")
        #expect(errorOf(s, "render curves") == "render curves: nothing trained yet — `train epoch` first")
        try run(s, "net preset mlp")
        #expect(errorOf(s, "render filters 9") == "there is no layer 9: the network has layers 0..3 (see `net summary`)")
        #expect(errorOf(s, "render filters 2") == "render filters: layer 2 (relu) has no filters to draw — pick a conv layer or a dense layer on the 784 pixels")
        #expect(errorOf(s, "render saliency 99") == "image 99 is out of range: the test split has images 0..19")
        #expect(errorOf(s, "render pictures").hasPrefix("render: unknown 'pictures' — one of samples, filters"))
        #expect(errorOf(s, "render confusion to x.jpg") == "render: pictures are PNG — name the file .png, got 'x.jpg'")
        #expect(errorOf(s, "render samples --augmented") == "render samples --augmented: augmentation is off — `augment shift 2 rotate 10` first")
    }

    @Test func augmentedSamplesShowWhatTheNetworkSees() throws {
        let folder = temporaryFolder("render")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        s.state.outputs.folder = folder
        try run(s, "load mnist --train 100 --test 10", "augment shift 3 rotate 20")
        let plainSamples = try s.run("render samples 8").pictures[0].png
        let augmented = try s.run("render samples 8 --augmented").pictures[0].png
        #expect(plainSamples != augmented)
        #expect(try s.run("render samples 8 --augmented").pictures[0].png == augmented, "seeded: the same picture each time")
        // More than it draws is said, not passed over (40 asked, 12 drawn without a word).
        let many = try run(s, "render samples 40 --augmented")
        #expect(many.contains("the first 12 of the 40 asked — --augmented draws at most 12"), "\(many)")
        #expect(!(try run(s, "render samples 8 --augmented")).contains("asked"))
    }
}
