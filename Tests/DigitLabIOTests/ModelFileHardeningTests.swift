import DigitLabCore
import Foundation
import Glibc
import Testing
@testable import DigitLabIO

/// Crafted model files (issue 12, class 1): each is refused with its exact one-line
/// error, never a trap, and never allocates more than the file holds.
@Suite struct ModelFileHardeningTests {
    static let corpus = packageRoot + "/Tests/Malformed/MalformedSafetensors"

    static var cases: [(name: String, expected: String)] {
        let text = (try? String(contentsOfFile: corpus + "/expected.txt", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { line in
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            return (parts[0], parts[1])
        }
    }

    /// Tests/Malformed/MalformedSafetensors through `ModelFile.load`, exact lines (the
    /// shell's MalformedCorpusTests feeds the same files to `load model`).
    @Test func everyMalformedModelGivesItsExactLine() {
        #expect(Self.cases.count >= 40)
        for (name, expected) in Self.cases {
            let path = Self.corpus + "/" + name
            do {
                _ = try ModelFile.load(path)
                Issue.record("\(name): loaded")
            } catch {
                #expect(error.description == expected.replacingOccurrences(of: "{F}", with: path), "\(name)")
            }
        }
    }

    func network() -> Network {
        var rng = SeededRNG(seed: 3)
        return Preset.mlp.makeNetwork(using: &rng)
    }

    let info = ModelFile.Info(normalization: .mnist, seed: 1, classNames: (0...9).map(String.init), training: "{}")

    /// A good file with its header rewritten by `edit`.
    func edited(_ edit: (inout [String: Any]) -> Void) throws -> [UInt8] {
        let good = ModelFile.encode(network(), info: info)
        let length = good.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        var header = try JSONSerialization.jsonObject(with: Data(good[8..<(8 + length)])) as! [String: Any]
        edit(&header)
        let h = [UInt8](try JSONSerialization.data(withJSONObject: header))
        return withUnsafeBytes(of: UInt64(h.count).littleEndian) { Array($0) } + h + good[(8 + length)...]
    }

    func problem(_ bytes: [UInt8], budget: MemoryBudget = .default) -> String {
        do { _ = try ModelFile.decode(bytes, name: "m", budget: budget); return "loaded" } catch { return error.problem }
    }

    /// The examples of issue 12, each of which trapped or was accepted before.
    @Test func theIssueExamplesAreRefused() throws {
        func architecture(_ json: String) throws -> [UInt8] {
            try edited { h in var m = h["__metadata__"] as! [String: String]; m["architecture"] = json; h["__metadata__"] = m }
        }
        func metadata(_ key: String, _ value: String) throws -> [UInt8] {
            try edited { h in var m = h["__metadata__"] as! [String: String]; m[key] = value; h["__metadata__"] = m }
        }
        // A shape whose element count × 4 bytes overflows: trapped in Safetensors.swift.
        #expect(problem(try edited { h in h["3.bias"] = ["dtype": "F32", "shape": [4_611_686_018_427_387_904], "data_offsets": [0, 40]] })
                == "tensor '3.bias': shape [4611686018427387904] of F32 needs too many bytes but data_offsets span 40")
        // Negative, zero, huge input sizes; an input other than 1x28x28.
        let layers = #"[{"flatten":{}},{"dense":{"units":10}}]"#
        for input in ["[-1,28,28]", "[0,28,28]", "[1,9223372036854775807,2]", "[3,32,32]", "[784]"] {
            let p = problem(try architecture(#"{"input":\#(input),"layers":\#(layers)}"#))
            #expect(p.hasPrefix("the model's input is ") && p.hasSuffix(", but DigitLab's pictures are 1x28x28 — this model was made for other data"), "\(input): \(p)")
        }
        // A huge padding: trapped in LayerSpec.
        #expect(problem(try architecture(#"{"input":[1,28,28],"layers":[{"conv":{"filters":4,"kernel":3,"padding":{"fixed":{"_0":9223372036854775807}},"stride":1}},{"flatten":{}},{"dense":{"units":10}}]}"#))
                == "layer 0 (conv 4 3x3 pad 9223372036854775807) cannot follow the one before: padding 9223372036854775807 is more than a 3x3 kernel can use: at most 2 (wider padding only adds outputs that see nothing but zeros)")
        // 200,000 layers: refused before anything is built (flatten: the shortest layer,
        // so that the header stays under its 4 MB cap and the layer count is what refuses).
        let many = Array(repeating: #"{"flatten":{}}"#, count: 200_000).joined(separator: ",")
        #expect(problem(try architecture(#"{"input":[1,28,28],"layers":[{"flatten":{}},{"dense":{"units":10}},\#(many)]}"#))
                == "the architecture lists 200002 layers; DigitLab allows at most 1000")
        // NaN, inf or 1e-45 normalisation constants: accepted before (predict printed -nan).
        #expect(problem(try metadata("normalization_mean", "nan")) == "normalization_mean is 'nan': it must be a finite number — the file is damaged")
        #expect(problem(try metadata("normalization_std", "inf")) == "normalization_std is 'inf': it must be a finite number above 0.000001 — the file is damaged")
        #expect(problem(try metadata("normalization_std", "1e-45")) == "normalization_std is '1e-45': it must be a finite number above 0.000001 — the file is damaged")
    }

    @Test func nanWeightsAreRefusedNamingTheTensor() throws {
        var bytes = ModelFile.encode(network(), info: info)
        let length = bytes.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        let at = 8 + length + 4 * 5 // the sixth value of the first tensor, 1.weight
        withUnsafeBytes(of: Float.nan) { for i in 0..<4 { bytes[at + i] = $0[i] } }
        #expect(problem(bytes) == "tensor '1.weight' holds nan at index 5 (byte offset \(at)) — the model is damaged, or was saved after training diverged")
    }

    @Test func aHugeHeaderLengthIsRefusedWithoutReadingIt() {
        // 4 MB of header and a byte: bigger than DigitLab reads, present in the file.
        let length = Safetensors.maxHeaderLength + 1
        let bytes = withUnsafeBytes(of: UInt64(length).littleEndian) { Array($0) } + [UInt8](repeating: 0x20, count: length)
        #expect(problem(bytes) == "header length 4194305 at byte 0 is more than DigitLab reads (4194304 bytes) — not a DigitLab model")
    }

    /// Found by the second adversarial pass: a 12 MB header of 200,000 tensors took 800 MB
    /// and 13 s to parse; a shape of a million dimensions made a 2 MB error line.
    @Test func headersThatBalloonWhenParsedAreRefusedFirst() {
        func file(_ header: String) -> [UInt8] {
            let h = Array(header.utf8)
            return withUnsafeBytes(of: UInt64(h.count).littleEndian) { Array($0) } + h
        }
        let many = (0..<200_000).map { "\"x\($0)\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}" }.joined(separator: ",")
        let clock = ContinuousClock(), start = clock.now
        #expect(problem(file("{" + many + "}")) == "header length 11688891 at byte 0 is more than DigitLab reads (4194304 bytes) — not a DigitLab model")
        let fewer = (0..<6002).map { "\"x\($0)\":{}" }.joined(separator: ",")
        #expect(problem(file("{" + fewer + "}")) == "the header lists 6002 entries; DigitLab reads at most 6000 tensors — not a DigitLab model")
        #expect(clock.now - start < .seconds(2))
        let dims = Array(repeating: "1", count: 1_000_000).joined(separator: ",")
        #expect(problem(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[\(dims)],\"data_offsets\":[0,4]}}") + [0, 0, 0, 0])
                == "tensor 'a': shape has 1000000 dimensions, at most 8")
        #expect(JSONDepth.topLevelMembers(in: Array("{}".utf8)) == 0)
        #expect(JSONDepth.topLevelMembers(in: Array("{\"a,b\":[1,2],\"c\":{\"d\":1,\"e\":2}}".utf8)) == 2)
    }

    @Test func theMemoryLimitIsCheckedBeforeBuilding() throws {
        // mlp needs ~400 KB of weights; a 300 KB limit refuses it from the architecture.
        let bytes = ModelFile.encode(network(), info: info)
        let p = problem(bytes, budget: MemoryBudget(limit: 300 << 10))
        #expect(p.hasPrefix("the model needs about 404 KB to predict (weights 398 KB, activations 3.6 KB, the batch 3.1 KB)"), "\(p)")
        #expect(p.hasSuffix("more than the memory limit of 300 KB — `set memory-limit` to raise it"), "\(p)")
        #expect(problem(bytes, budget: MemoryBudget(limit: 2 << 20)) == "loaded")
        // Through load: a file bigger than the limit is not even read.
        let folder = NSTemporaryDirectory() + "digitlab-limit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try AtomicFile.write(bytes, to: folder + "/m.safetensors")
        #expect(throws: IOError(folder + "/m.safetensors", "is 398 KB; DigitLab reads at most 200 KB for a model file under the memory limit (`set memory-limit` to raise it)")) {
            try ModelFile.load(folder + "/m.safetensors", budget: MemoryBudget(limit: 200 << 10))
        }
    }

    /// A 900 MB file with a 2-byte header was read whole before being refused (1.9 GB
    /// resident, 9.5 s). The header is now checked first; in a child process, so that the
    /// peak resident memory is this test's alone.
    @Test func aFileIsRefusedFromItsHeaderBeforeItsBodyIsRead() async {
        await #expect(processExitsWith: .success) {
            let path = NSTemporaryDirectory() + "digitlab-junk-\(getpid()).safetensors"
            defer { unlink(path) }
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            var head: [UInt8] = [2, 0, 0, 0, 0, 0, 0, 0, UInt8(ascii: "{"), UInt8(ascii: "}")]
            _ = write(fd, &head, head.count)
            _ = ftruncate(fd, 900 << 20) // sparse: 900 MB that cost no disk
            close(fd)
            let before = Self.peakResident()
            let refused: Bool
            do { _ = try ModelFile.load(path, budget: MemoryBudget(limit: 1 << 30)); refused = false } catch {
                refused = "\(error)".contains("no DigitLab architecture in __metadata__")
            }
            exit(refused && Self.peakResident() - before < 64 << 20 ? 0 : 1)
        }
    }

    static func peakResident() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Int(line.split(whereSeparator: \.isWhitespace).dropFirst().first ?? "0") ?? 0) * 1024
    }

    @Test func goodFilesStillLoad() throws {
        let (net, loaded) = try ModelFile.load(packageRoot + "/models/default.safetensors")
        // The cnn-bn preset (models/train-default.txt): 14 layers, batchnorm statistics included.
        #expect(net.layers.count == 14 && loaded.classNames.count == 10)
        #expect(net.layers.contains { $0 is BatchNorm })
        let bytes = ModelFile.encode(network(), info: info)
        #expect(problem(bytes) == "loaded")
    }
}
