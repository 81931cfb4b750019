import DigitLabIO
import Foundation
import Testing
@testable import DigitLabShell

@Suite struct RenderCommandTests {
    func trainedSession(_ folder: String) throws -> Session {
        let s = session()
        s.outputFolder = folder
        try run(s, "load mnist --train 640 --test 200", "split validation 64", "net preset lenet5", "train epoch")
        return s
    }

    @Test func everyFigureIsWrittenAndDecodes() throws {
        let folder = NSTemporaryDirectory() + "digitlab-render-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = try trainedSession(folder)
        let lines = ["render samples", "render samples test 5", "render filters 0", "render filters 3",
                     "render activations 0 3", "render activations 7 3", "render confusion", "render misclassified 8",
                     "render curves", "render probabilities 4", "render saliency 4", "render embedding"]
        for line in lines {
            let out = try run(s, line)
            let path = String(out.dropFirst("wrote ".count).prefix { $0 != " " })
            #expect(path.hasPrefix(folder + "/") && path.hasSuffix(".png"), "\(line): \(out)")
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            let image = try PNG.decodeRGB(bytes, name: path)
            #expect(out.hasSuffix("(\(image.width)x\(image.height))"), "\(line): the size printed is the size written")
        }
        #expect(try run(s, "render confusion").hasPrefix("wrote \(folder)/confusion-test.png"))
        #expect(try run(s, "render saliency 4").contains("saliency-test4.png"))
    }

    @Test func sameStateSameBytesAndToFile() throws {
        let folder = NSTemporaryDirectory() + "digitlab-render-\(UUID().uuidString)"
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
        #expect(errorOf(s, "render saliency 99") == "index 99 is out of range: this split has images 0..19")
        #expect(errorOf(s, "render pictures") == "render: unknown picture 'pictures' — samples, filters, activations, confusion, misclassified, curves, probabilities, saliency, embedding")
        #expect(errorOf(s, "render confusion to /proc/nope/x.png") == "/proc/nope/x.png: folder /proc/nope does not exist — create it first, or choose another folder")
    }
}
