import DigitLabCore
import Foundation
import Testing
@testable import DigitLabIO

@Suite struct ModelFileTests {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    func network(_ preset: Preset = .lenet5, seed: UInt64 = 5) -> Network {
        var rng = SeededRNG(seed: seed)
        return preset.makeNetwork(using: &rng)
    }

    let info = ModelFile.Info(normalization: .mnist, seed: 5, classNames: (0...9).map(String.init), training: "{\"epochs\": 1}")

    func testImages() throws -> LabeledImages {
        try DatasetLoader.mnist(locator: DataLocator(explicit: packageRoot)).test.subset(Array(0..<10))
    }

    @Test func saveLoadPredictsTheSameAndResavesTheSameBytes() throws {
        let net = network()
        // Batchnorm too: running statistics must survive the trip.
        var rng = SeededRNG(seed: 1)
        let bnNet = Network()
        for spec: LayerSpec in [.conv(filters: 4, kernel: 3, stride: 1, padding: .same), .batchnorm, .activation(.relu),
                                .flatten, .dense(units: 10)] { try bnNet.append(spec, using: &rng) }
        let images = try testImages()
        _ = bnNet.forward(Normalization.mnist.batch(images, indices: 0..<10).x, mode: .training, rng: &rng)
        for n in [net, bnNet] {
            let bytes = ModelFile.encode(n, info: info)
            let (loaded, loadedInfo) = try ModelFile.decode(bytes, name: "m")
            #expect(loadedInfo == info)
            let x = Normalization.mnist.batch(images, indices: 0..<10).x
            #expect(loaded.probabilities(x) == n.probabilities(x))
            #expect(ModelFile.encode(loaded, info: loadedInfo) == bytes, "re-saving gives identical bytes")
        }
    }

    @Test func aFileMadeByPyTorchPredictsAsPyTorchDid() throws {
        let (net, loadedInfo) = try ModelFile.load(fixtures + "/pytorch-lenet5.safetensors")
        #expect(loadedInfo.normalization == .mnist && loadedInfo.training.contains("PyTorch"))
        let expected = try JSONDecoder().decode([[Float]].self,
                                                from: Data(contentsOf: URL(fileURLWithPath: fixtures + "/pytorch-lenet5-probabilities.json")))
        let p = net.probabilities(loadedInfo.normalization.batch(try testImages(), indices: 0..<10).x).data
        for (i, row) in expected.enumerated() {
            for (j, q) in row.enumerated() { #expect(abs(p[i * 10 + j] - q) < 1e-5, "image \(i) class \(j): \(p[i * 10 + j]) vs \(q)") }
        }
    }

    @Test func atomicSaveReplacesAndLeavesNoTemporaryFiles() throws {
        let folder = NSTemporaryDirectory() + "digitlab-model-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false) // never created by a save
        try ModelFile.save(network(seed: 1), info: info, to: folder + "/m.safetensors")
        try ModelFile.save(network(seed: 2), info: info, to: folder + "/m.safetensors")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["m.safetensors"])
        #expect(try ModelFile.load(folder + "/m.safetensors").network.parameters[0].value == network(seed: 2).parameters[0].value)
        #expect(throws: IOError("/proc/m.safetensors", "cannot write here (No such file or directory) — check the folder is writable")) {
            try ModelFile.save(network(), info: info, to: "/proc/m.safetensors")
        }
    }

    /// Builds a file from a header string and a data size.
    func file(_ header: String, data: Int = 0) -> [UInt8] {
        let h = Array(header.utf8)
        return withUnsafeBytes(of: UInt64(h.count).littleEndian) { Array($0) } + h + [UInt8](repeating: 0, count: data)
    }

    func problem(_ bytes: [UInt8]) -> String {
        do { _ = try ModelFile.decode(bytes, name: "f"); return "no error" } catch { return error.problem }
    }

    @Test func malformedFilesAreRefusedWithOneLine() {
        let good = ModelFile.encode(network(.mlp), info: info)
        #expect(problem([1, 2, 3]) == "truncated: 3 bytes, not even the 8-byte header length")
        #expect(problem([255, 255, 0, 0, 0, 0, 0, 0, 123]) == "header length 65535 at byte 0 runs past the end of the file (9 bytes) — the file is truncated or not safetensors")
        #expect(problem(file("{not json")) == "invalid JSON in the header (bytes 8–17) — the file is damaged")
        #expect(problem(file("{\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", data: 4)) == "tensor 'a': dtype BF16 is not supported (DigitLab reads F32 weights)")
        #expect(problem(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", data: 8)) == "tensor 'a': shape [3] of F32 needs 12 bytes but data_offsets span 8")
        #expect(problem(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", data: 4)) == "tensor 'a': data_offsets [0, 8] fall outside the 4 data bytes")
        #expect(problem(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", data: 12)) == "tensors 'a' and 'b' overlap (bytes 4–8) — the file is damaged")
        #expect(problem(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", data: 4)).hasPrefix("no DigitLab architecture in __metadata__"))
        #expect(problem(Array(good.prefix(good.count - 10))) == "tensor '3.bias': data_offsets [407040, 407080] fall outside the 407070 data bytes")

        // The same file with its header edited: a tensor renamed, reshaped, or a layer changed.
        func edited(_ from: String, _ to: String) -> [UInt8] {
            let length = good.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
            let header = String(decoding: good[8..<(8 + length)], as: UTF8.self).replacingOccurrences(of: from, with: to)
            return file(header) + good[(8 + length)...]
        }
        #expect(problem(edited("\"3.bias\"", "\"4.bias\"")) == "missing tensor '3.bias' that the architecture needs")
        #expect(problem(edited("\"shape\":[10,128]", "\"shape\":[128,10]")) == "architecture mismatch: tensor '3.weight' is F32 [128, 10], the architecture needs F32 [10, 128]")
        #expect(problem(edited("\\\"units\\\":128", "\\\"units\\\":64")) == "architecture mismatch: tensor '1.weight' is F32 [128, 784], the architecture needs F32 [64, 784]")
    }
}
