import Foundation
import Testing
@testable import DigitLabShell
import DigitLabIO

/// The package folder, so the bundled data/mnist is found.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

func session() -> Session { Session(locator: .init(explicit: packageRoot)) }

/// Runs lines and returns the last output; a failing line fails the test.
@discardableResult
func run(_ s: Session, _ lines: String...) throws -> String {
    var last = ""
    for l in lines { last = try s.run(l) }
    return last
}

func errorOf(_ s: Session, _ line: String) -> String {
    do { _ = try s.run(line); return "no error" } catch { return error.message }
}

@Suite struct SessionTests {
    @Test func loadAndDataReportTheBundledMNIST() throws {
        let s = session()
        let loaded = try run(s, "load mnist")
        #expect(loaded.contains("loaded mnist: 60,000 training and 10,000 test images, 28x28"))
        #expect(loaded.contains("standardising with the training mean 0.1307 and std 0.3081"))
        let data = try run(s, "data")
        for count in [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949] {
            #expect(data.contains(" \(count) "), "class count \(count)")
        }
        #expect(data.contains("train        60,000 images 28x28"))
    }

    @Test func subsetsAndValidationSplit() throws {
        let s = session()
        try run(s, "load mnist --train 1000 --test 200")
        #expect(s.dataset?.train.count == 1000 && s.dataset?.test.count == 200)
        let out = try run(s, "split validation 0.1")
        #expect(out == "validation: 100 images held out (same share of each class, seed 0); training: 900")
        try run(s, "set seed 3", "load mnist --train 500 --random")
        let a = s.dataset!.train
        try run(s, "load mnist --train 500 --random")
        #expect(s.dataset!.train == a, "seeded random subsets repeat")
    }

    @Test func oneLineErrorsThatSayWhatToDo() throws {
        let s = session()
        #expect(errorOf(s, "trian epoch") == "unknown command 'trian' — did you mean train?")
        #expect(errorOf(s, "train epoch") == "no data loaded — start with `load mnist`")
        #expect(errorOf(s, "data") == "no data loaded — start with `load mnist`")
        #expect(errorOf(s, "load") == "load: missing what to load (mnist, fashion or idx DIR) — see `help load`")
        #expect(errorOf(s, "load mnist --train x") == "load: --train needs a whole number > 0, got 'x'")
        #expect(errorOf(s, "load idx /no/such") == "/no/such: no such folder")
        try run(s, "load mnist --train 100 --test 10")
        #expect(errorOf(s, "train step") == "no network yet — try `net preset mlp`, or `net new` then `net add dense 128 relu`")
        #expect(errorOf(s, "split validation 2.5") == "split: '2.5' is neither a count nor a fraction between 0 and 1")
        #expect(errorOf(s, "set lr -1") == "set lr: the learning rate must be positive, got -1.0")
        #expect(errorOf(s, "set lrate 0.1") == "set: unknown setting 'lrate' — did you mean lr?")
        try run(s, "net new", "net add conv 16 5x5", "net add maxpool 6")
        #expect(errorOf(s, "net add conv 8 5x5 relu") == "net add conv 8 5x5: conv 5x5 needs an input of at least 5x5, this one is 4x4x16")
        #expect(s.network?.layers.count == 2, "a refused layer changes nothing")
        #expect(errorOf(s, "net add dense 10 relux") == "net: unexpected 'relux' — see `help net`")
        #expect(errorOf(s, "train step") == "the network ends with 16x4x4 outputs but there are 10 classes — end with `net add dense 10`")
        #expect(errorOf(s, "eval validation") == "there is no validation set — `split validation 5000` first")
    }

    @Test func buildTrainAndEvaluateStepByStep() throws {
        let s = session()
        try run(s, "load mnist --train 640 --test 100", "split validation 64", "net new")
        let added = try run(s, "net add dense 32 relu")
        #expect(added == "added flatten → 784\nadded dense 32 → 32\nadded relu → 32 (flatten added first: dense needs a flat input)")
        try run(s, "net add dense 10")
        let summary = try run(s, "net summary")
        let total = summary.components(separatedBy: "\n").last!
        #expect(total.hasPrefix("     total") && total.contains(" 25,450 ") && total.hasSuffix(" 50,848"))
        let steps = try run(s, "train step 2")
        #expect(steps.components(separatedBy: "\n").filter { $0.hasPrefix("step ") }.count == 2)
        #expect(steps.contains("layer 1 dense 32") && steps.contains("|update|/|weight|"))
        let epoch = try run(s, "train epoch")
        #expect(epoch.hasPrefix("epoch 1: train loss"), "\(epoch)")
        #expect(epoch.contains("| validation loss"))
        let eval = try run(s, "eval")
        #expect(eval.hasPrefix("test: accuracy "))
        #expect(eval.contains("most confused (true → predicted)"))
        let until = try run(s, "train until validation.accuracy >= 0.99 max 2")
        #expect(until.contains("restored the best weights: epoch"))
    }

    @Test func interruptStopsAtABatchBoundary() throws {
        let s = session()
        try run(s, "load mnist --train 640 --test 10", "net preset mlp")
        s.interruptRequested = { true }
        let out = try run(s, "train epoch 3")
        #expect(out.contains("stopped (interrupted) after step 1, 64 images into epoch 1"))
        s.interruptRequested = { false }
        #expect(try run(s, "train step").hasPrefix("step 2 (epoch 1, 2/10)"), "the session goes on where it stopped")
    }

    @Test func divergenceIsCaughtAndExplained() throws {
        let s = session()
        try run(s, "load mnist --train 256 --test 10", "net preset mlp", "set lr 1e30")
        let out = try run(s, "train epoch")
        #expect(out.contains("the loss became NaN or infinite at step"))
        #expect(out.contains("try a smaller learning rate"))
    }

    @Test func helpListsByStepAndExplainsOneCommand() throws {
        let s = session()
        let all = try run(s, "help")
        #expect(all.contains("  dataset:") && all.contains("  training:"))
        #expect(all.range(of: "dataset:")!.lowerBound < all.range(of: "training:")!.lowerBound)
        let train = try run(s, "help train")
        #expect(train.hasPrefix("train step [N] | train epoch [N]"))
        #expect(train.contains("example: train until"))
        #expect(errorOf(s, "help trane") == "help: no command 'trane' — did you mean train?")
    }
}

@Suite struct PreviewCommandTests {
    @Test func showAndPredict() throws {
        let s = session()
        try run(s, "load mnist --train 640 --test 20")
        let shown = try run(s, "show train 0..2")
        #expect(shown.hasSuffix("#0: 5                         #1: 0                         #2: 4                       "))
        #expect(shown.components(separatedBy: "\n").count == 15)
        #expect(!shown.contains("\u{1B}"), "no escape codes outside a terminal")
        #expect(errorOf(s, "show test 20") == "index 20 is out of range: this split has images 0..19")
        #expect(errorOf(s, "show test 3..x") == "'3..x' is not an index or a range such as 0..5")
        try run(s, "net preset mlp", "train epoch")
        let p = try run(s, "predict test 0")
        #expect(p.contains("test #0: the network says "))
        #expect(p.contains("the label is 7"))
        #expect(p.components(separatedBy: "\n").count == 14 + 1 + 3)
    }
}

@Suite struct AugmentCommandTests {
    @Test func augmentSetsShowsAndTrains() throws {
        let s = session()
        #expect(try run(s, "augment") == "augmentation: off")
        #expect(try run(s, "augment shift 2 rotate 10 scale 0.1") == "augmentation: shift 2.0 rotate 10.0 scale 0.1 (training batches only; seed 0)")
        #expect(try run(s, "augment elastic") == "augmentation: elastic 2.0 (training batches only; seed 0)")
        #expect(errorOf(s, "augment rotate 500") == "augment rotate: must be between 0 and 180.0, got 500.0")
        #expect(errorOf(s, "augment twist 3") == "augment: unknown 'twist' — shift, rotate, scale, elastic, thickness, blur, contrast or off")
        #expect(try run(s, "augment thickness 1 blur 0.8 contrast 0.4") == "augmentation: thickness 1.0 blur 0.8 contrast 0.4 (training batches only; seed 0)")
        #expect(errorOf(s, "augment thickness 5") == "augment thickness: must be between 0 and 3.0, got 5.0")
        try run(s, "augment elastic")
        #expect(s.augmentation.elastic == 2, "a refused augment leaves the old one")
        try run(s, "load mnist --train 256 --test 10", "net preset mlp", "augment shift 2")
        #expect(try run(s, "data").contains("augmentation shift 2.0"))
        let plain = session()
        try run(plain, "load mnist --train 256 --test 10", "net preset mlp")
        try run(s, "train step 2"); try run(plain, "train step 2")
        #expect(s.network!.snapshot() != plain.network!.snapshot(), "augmented batches train differently")
        #expect(try run(s, "augment off") == "augmentation off")
    }
}

@Suite struct CompletionTests {
    @Test func completesFromTheCommandTable() {
        #expect(Completion.words(after: []).contains("train"))
        #expect(Completion.words(after: ["net", "add"]).contains("conv"))
        #expect(Completion.words(after: ["net", "add", "dense", "128"]).contains("relu"))
        #expect(Completion.words(after: ["set", "optimizer"]) == ["sgd", "momentum", "nesterov", "adam"])
        #expect(Completion.words(after: ["train", "until"]).first == "validation.accuracy")
        #expect(Completion.words(after: ["bogus"]).isEmpty)
    }
}

@Suite struct DocsTests {
    @Test func commandsMarkdownIsCurrent() throws {
        let file = try String(contentsOfFile: packageRoot + "/Docs/commands.md", encoding: .utf8)
        #expect(file == CommandTable.markdown, "Docs/commands.md is stale: run `make docs`")
        for c in CommandTable.all { #expect(file.contains("### `\(c.name)`")) }
    }
}

@Suite struct ModelCommandTests {
    @Test func saveLoadAndPredictFiles() throws {
        let folder = NSTemporaryDirectory() + "digitlab-models-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        s.outputFolder = folder
        try run(s, "load mnist --train 640 --test 50", "net preset mlp", "train epoch")
        let before = try run(s, "eval")
        #expect(try run(s, "save model \(folder)/m.safetensors") == "saved 4 layers, 101,770 parameters to \(folder)/m.safetensors")
        let fresh = session()
        fresh.outputFolder = folder
        try run(fresh, "load mnist --train 640 --test 50")
        let loaded = try run(fresh, "load model \(folder)/m.safetensors")
        #expect(loaded.hasPrefix("loaded \(folder)/m.safetensors: flatten → dense 128 → relu → dense 10"))
        #expect(try run(fresh, "eval") == before, "the loaded model evaluates exactly as the saved one")
        #expect(errorOf(fresh, "load model \(folder)/none.safetensors") == "\(folder)/none.safetensors: cannot open the file (missing or unreadable)")

        // A picture of a test digit, drawn as dark ink on light paper, 3x larger.
        let set = s.dataset!.test
        var big = [UInt8]()
        for y in 0..<84 { for x in 0..<84 { big.append(255 - set.pixels[(y / 3) * 28 + x / 3]) } }
        try AtomicFile.write(try PNG.encode(width: 84, height: 84, pixels: big, channels: 1), to: folder + "/seven.png")
        let out = try run(fresh, "predict file \(folder)/seven.png --stages")
        #expect(out.contains("\(folder)/seven.png: the network says 7"), "\(out)")
        #expect(out.contains("wrote \(folder)/stages-seven.png"))
        #expect(FileManager.default.fileExists(atPath: folder + "/stages-seven.png"))
        #expect(errorOf(fresh, "predict file \(folder)/missing.png") == "\(folder)/missing.png: cannot open the file (missing or unreadable)")
    }

    /// `digitlab predict` as a user runs it: the built executable, the default model.
    @Test func commandLinePredictWithTheDefaultModel() throws {
        let exe = packageRoot + "/.build/debug/digitlab"
        // `make test` builds it; run alone, `swift build --product digitlab` first.
        try #require(FileManager.default.isExecutableFile(atPath: exe), "build the executable first: swift build --product digitlab")
        let folder = NSTemporaryDirectory() + "digitlab-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        try run(s, "load mnist --train 10 --test 3")
        for i in 0..<3 {
            let img = s.dataset!.test.image(i).map { 255 - $0 }
            try AtomicFile.write(try PNG.encode(width: 28, height: 28, pixels: Array(img), channels: 1), to: "\(folder)/\(i).png")
        }
        try AtomicFile.write(Array("not a png".utf8), to: folder + "/bad.png")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["predict", "--json", "--data", packageRoot, "\(folder)/0.png", "\(folder)/bad.png", "\(folder)/1.png", "\(folder)/2.png"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run(); p.waitUntilExit()
        let lines = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 1, "a bad image makes the exit status non-zero")
        // One JSON object per picture, in order; the bad one says why in its place.
        #expect(lines.count == 4, "every picture has its line")
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == 4, "every line is a JSON object: \(lines)")
        #expect(objects.map { $0["file"] as? String } == ["0.png", "bad.png", "1.png", "2.png"].map { "\(folder)/\($0)" })
        #expect(objects.map { $0["prediction"] as? String } == ["7", nil, "2", "1"])
        #expect((objects[1]["error"] as? String)?.hasPrefix("not a readable PNG") == true)
        let top = objects[0]["top"] as? [[String: Any]]
        #expect(top?.count == 3 && top?[0]["label"] as? String == "7" && (top?[0]["probability"] as? Double ?? 0) > 0.5)
        #expect(errors.isEmpty, "JSON mode keeps errors in the JSON: \(errors)")
    }
}

@Suite struct LoadFolderTests {
    @Test func yourOwnPicturesBecomeATestSet() throws {
        let folder = NSTemporaryDirectory() + "digitlab-folder-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        try run(s, "load mnist --train 10 --test 20")
        let test = s.dataset!.test
        // Test digits as dark ink on light paper, 2x larger, in folders named by label.
        for i in 0..<20 {
            var big = [UInt8]()
            for y in 0..<56 { for x in 0..<56 { big.append(255 - test.pixels[i * 784 + (y / 2) * 28 + x / 2]) } }
            try AtomicFile.write(try PNG.encode(width: 56, height: 56, pixels: big, channels: 1),
                                 to: "\(folder)/\(test.labels[i])/digit\(i).png")
        }
        try run(s, "load model \(packageRoot)/models/default.safetensors")
        #expect(try run(s, "load folder \(folder)").hasPrefix("loaded \(URL(fileURLWithPath: folder).lastPathComponent): 20 of your pictures as the test set"))
        #expect(s.dataset!.test.classCounts == test.classCounts)
        #expect(try run(s, "eval").hasPrefix("test: accuracy 100.00% (20 of 20)"))
        try AtomicFile.write(Array("junk".utf8), to: "\(folder)/3/broken.png")
        #expect(errorOf(s, "load folder \(folder)").hasPrefix("\(folder)/3/broken.png: not a readable PNG"))
        #expect(errorOf(s, "load folder \(folder)/nope") == "\(folder)/nope: no such folder")
        // Only test pictures: training and the train-split pictures say why they cannot run.
        try FileManager.default.removeItem(atPath: "\(folder)/3/broken.png")
        try run(s, "load folder \(folder)")
        #expect(errorOf(s, "train epoch") == "there are no training images to learn from — `load mnist`, or `load folder DIR` with a train/ folder")
        #expect(errorOf(s, "train step") == "there are no training images to learn from — `load mnist`, or `load folder DIR` with a train/ folder")
        #expect(errorOf(s, "render embedding train") == "render embedding: needs at least 2 train images, there are 0")
    }
}

@Suite struct InspectionHasNoSideEffectsTests {
    /// Looking at a network (eval, predict, render) must not change what training does next.
    @Test func evaluatingBeforeTrainingLeavesTrainingUnchanged() throws {
        let plain = session(), looked = session()
        for s in [plain, looked] { try run(s, "load mnist --train 256 --test 20", "net preset mlp") }
        try run(looked, "eval", "predict test 1", "render confusion to \(NSTemporaryDirectory())c.png")
        // A new network after looking: its initial weights must not depend on the look.
        for s in [plain, looked] { try run(s, "net preset mlp", "train step 3") }
        let same = looked.network!.snapshot() == plain.network!.snapshot()
        #expect(same, "eval, predict or render before training changed the weights training produced")
    }
}
