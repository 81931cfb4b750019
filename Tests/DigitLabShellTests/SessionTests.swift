import DigitLabCore
import DigitLabIO
import Foundation
import Testing
@testable import DigitLabShell

@Suite struct SessionTests {
    /// New data part way through an epoch starts the epoch again; a newcomer resuming a
    /// checkpoint and then loading the data saw other numbers without a word. Now said.
    @Test func newDataMidEpochSaysTheEpochStartsAgain() throws {
        let s = session()
        try run(s, "load mnist --train 320 --test 50", "net preset mlp", "train step 3")
        let reloaded = try run(s, "load mnist --train 320 --test 50")
        #expect(reloaded.contains("the next batch starts epoch 1 again with these images (it was 192 images in)"), "\(reloaded)")
        #expect(s.state.model.trainer?.positionInEpoch == 0)
        try run(s, "train step")
        #expect(try run(s, "split validation 64").contains("starts epoch 1 again with these images (it was 64 images in)"))
        #expect(!(try run(s, "load mnist --train 320 --test 50")).contains("again"), "at an epoch's start nothing is lost")
    }

    /// Holding out images the network already trained on makes validation look better
    /// than it is; `split validation` after training said nothing of it. Now it says how
    /// many, and only when there are some.
    @Test func splittingAfterTrainingSaysTheNetworkSawTheHeldOutImages() throws {
        let s = session()
        try run(s, "load mnist --train 320 --test 50", "set seed 4")
        #expect(!(try run(s, "split validation 40")).contains("warning"), "nothing trained yet")
        let before = s.state.data.dataset?.validation
        try run(s, "net preset mlp", "train step 2")
        // The pool is now training then validation images, so the same seed holds out
        // others: most of them were trained on.
        let again = try run(s, "split validation 40")
        let seen = again.split(separator: "\n").first { $0.contains("of these validation images were training images until now") }
        #expect(seen != nil, "\(again)")
        let n = seen.flatMap { line in Int(line.split(separator: " ").first { Int($0) != nil } ?? "") } ?? 0
        let after = s.state.data.dataset?.validation
        let kept = (0..<(after?.count ?? 0)).filter { i in (0..<(before?.count ?? 0)).contains { before!.image($0) == after!.image(i) } }.count
        #expect(n == 40 - kept && n > 20, "\(seen ?? ""); \(kept) images held out both times")
        #expect(seen?.hasSuffix("its validation accuracy will look better than it is — `net reset` starts it afresh") == true)
        // Two steps went through less than half of the training images: not all of them
        // were trained on (a newcomer's review: it said they were, after one step).
        #expect(seen?.contains("and the network has been through 40% of an epoch, so about \(Int((Double(n) * 0.4).rounded())) of them were trained on") == true, "\(seen ?? "")")
        #expect(SplitCommand.formerlyTraining(after, heldOutBefore: after) == 0)
        #expect(SplitCommand.formerlyTraining(after, heldOutBefore: nil) == 40)
        #expect(!(try run(s, "net reset", "split validation 30")).contains("warning"), "a fresh network saw nothing")
    }

    @Test func loadAndDataReportTheBundledMNIST() throws {
        let s = session()
        let loaded = try run(s, "load mnist")
        #expect(loaded.contains("loaded mnist: 60,000 training and 10,000 test images, 28x28"))
        #expect(loaded.contains("standardising with the training mean 0.1307 and std 0.3081"))
        let data = try run(s, "data")
        for count in [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949] {
            #expect(data.contains(" \(count) "), "class count \(count)")
        }
        #expect(data.contains("  train       60,000  28x28"))
    }

    @Test func subsetsAndValidationSplit() throws {
        let s = session()
        try run(s, "load mnist --train 1000 --test 200")
        #expect(s.state.data.dataset?.train.count == 1000 && s.state.data.dataset?.test.count == 200)
        let out = try run(s, "split validation 0.1")
        #expect(out == "validation: 100 images held out (same share of each class, seed 0); training: 900")
        try run(s, "set seed 3", "load mnist --train 500 --random")
        let a = s.state.data.dataset!.train
        try run(s, "load mnist --train 500 --random")
        #expect(s.state.data.dataset!.train == a, "seeded random subsets repeat")
    }

    @Test func oneLineErrorsThatSayWhatToDo() throws {
        let s = session()
        #expect(errorOf(s, "train epoch") == "no data loaded — start with `load mnist`")
        #expect(errorOf(s, "data") == "no data loaded — start with `load mnist`")
        #expect(errorOf(s, "load") == "load: missing a word — one of mnist, fashion, idx, folder, model, checkpoint")
        #expect(errorOf(s, "load mnist --train x") == "load mnist: N (training images to keep) must be a whole number from 1 to 10,000,000, got 'x'")
        #expect(errorOf(s, "load idx /no/such") == "/no/such: no such folder")
        try run(s, "load mnist --train 100 --test 10")
        #expect(errorOf(s, "train step") == "no network yet — try `net preset mlp`, or `net new` then `net add dense 128 relu`")
        #expect(errorOf(s, "split validation 2.5") == "split validation: '2.5' is neither a count nor a fraction between 0 and 1")
        #expect(errorOf(s, "set lr -1") == "set lr: RATE (the learning rate) must be a number from 1e-09 to 1000, got '-1'")
        try run(s, "net new", "net add conv 16 5x5", "net add maxpool 6")
        #expect(errorOf(s, "net add conv 8 5x5 relu") == "net add conv 8 5x5: conv 5x5 needs an input of at least 5x5, this one is 4x4x16")
        #expect(s.state.model.network?.layers.count == 2, "a refused layer changes nothing")
        #expect(errorOf(s, "net add relu conv 8 5x5") == "net add conv 8 5x5: conv 5x5 needs an input of at least 5x5, this one is 4x4x16 — nothing was added")
        #expect(s.state.model.network?.layers.count == 2, "all or nothing")
        #expect(errorOf(s, "net add dense 10 relux") == "net add: unknown layer 'relux' — did you mean relu?")
        #expect(errorOf(s, "train step") == "the network ends with 16x4x4 outputs but there are 10 classes — end with `net add dense 10`")
        #expect(errorOf(s, "eval validation") == "there is no validation set — `split validation 5000` first")
    }

    @Test func buildTrainAndEvaluateStepByStep() throws {
        let s = session()
        try run(s, "load mnist --train 640 --test 100", "split validation 64", "net new")
        let added = try run(s, "net add dense 32 relu dense 10")
        #expect(added == "added flatten → 784 (dense needs a flat input)\nadded dense 32 → 32\nadded relu → 32\nadded dense 10 → 10")
        let summary = try run(s, "net summary")
        let total = summary.components(separatedBy: "\n").last!
        #expect(total.hasPrefix("     total") && total.contains(" 25,450 ") && total.hasSuffix(" 50,848"), "\(summary)")
        let steps = try run(s, "train step 2")
        #expect(steps.components(separatedBy: "\n").filter { $0.hasPrefix("step ") }.count == 2)
        #expect(steps.contains("    1  dense 32") && steps.contains("|update|/|weight|") && steps.contains(", lr 1.00e-01"), "\(steps)")
        let epoch = try run(s, "train epoch")
        #expect(epoch.hasPrefix("epoch 1 goes on from image 128 of 576, where it stopped\nepoch 1: train loss"), "\(epoch)")
        #expect(epoch.contains("| validation loss") && epoch.contains("| lr 1.00e-01 |"))
        let eval = try run(s, "eval")
        #expect(eval.hasPrefix("test: accuracy "))
        #expect(eval.contains("most confused (true → predicted)"))
        let until = try run(s, "train until validation.accuracy >= 0.99 max 2")
        #expect(until.contains("early stopping: after 2 epochs; kept the weights of epoch"), "\(until)")
        #expect(until.components(separatedBy: "kept the weights").count == 2, "said once")
    }

    @Test func interruptStopsAtABatchBoundaryAndCountsWhatRan() throws {
        let s = session()
        try run(s, "load mnist --train 640 --test 10", "net preset mlp")
        let calls = Counter()
        s.interruptRequested = { calls.next() >= 3 }
        let out = try run(s, "train epoch 3")
        #expect(out.contains("stopped (interrupted) after step 3, 192 of 640 images into epoch 1"), "\(out)")
        s.interruptRequested = { false }
        #expect(try run(s, "train step").hasPrefix("step 4 (epoch 1, 4/10)"), "the session goes on where it stopped")
        let epoch = try run(s, "train epoch")
        #expect(epoch.hasPrefix("epoch 1 goes on from image 256 of 640, where it stopped\nepoch 1: "), "the epoch that was interrupted finishes as epoch 1: \(epoch)")
        #expect(s.state.model.trainer?.stepsTaken == 10)
        #expect(try run(s, "train step").hasPrefix("step 11 (epoch 2, 1/10)"))
    }

    @Test func divergenceIsCaughtAndExplained() throws {
        let s = session()
        try run(s, "load mnist --train 256 --test 10", "net preset mlp", "set lr 1000")
        let out = try run(s, "train epoch")
        #expect(out.contains("the loss became NaN or infinite at step") || out.contains("warning: the loss grew from"), "\(out)")
        #expect(out.contains("try `set lr 100`"))
    }

    @Test func aLearningRateTooHighIsNamedOnce() throws {
        let s = session()
        #expect(try run(s, "set lr 10").contains("warning: lr 10 is far above what sgd usually takes on MNIST (0.01 to 0.1)"))
        #expect(!(try run(s, "set lr 0.1")).contains("warning"))
        try run(s, "load mnist --train 2000 --test 10", "net preset mlp", "set lr 10")
        let out = try run(s, "train epoch")
        let warnings = out.components(separatedBy: "\n").filter { $0.hasPrefix("warning: the loss grew from") }
        #expect(warnings.count == 1, "\(out)")
        #expect(warnings.first?.contains("the learning rate (1.00e+01) is probably too high — try `set lr 1`") == true)
    }

    /// What a terminal shows: live lines as they come, then the output without its live
    /// blocks. The warning and the resumed-epoch note each appear once, in order.
    @Test func theTerminalShowsEachLineOnceInOrder() throws {
        let s = session()
        try run(s, "load mnist --train 2000 --test 10", "net preset mlp", "train step 3", "set lr 10")
        let shown = try linesOnScreen(s, "train epoch")
        let note = shown.firstIndex { $0.hasPrefix("epoch 1 goes on from image 192 of 2,000") }
        let warning = shown.firstIndex { $0.hasPrefix("warning: the loss grew from") }
        let epoch = shown.firstIndex { $0.hasPrefix("epoch 1: train loss") }
        #expect(shown.filter { $0.hasPrefix("warning: the loss grew") }.count == 1, "\(shown)")
        #expect(shown.filter { $0.contains("goes on from image") }.count == 1, "\(shown)")
        #expect(note != nil && warning != nil && epoch != nil && note! < warning! && warning! < epoch!, "\(shown)")
        #expect(!shown.contains { $0.contains(" 1 steps") })
    }

    /// `train step` past the end of an epoch: the epoch's line comes after the step that
    /// ended it, not before all the step lines (it was sent live, the steps at the end).
    @Test func theEpochLineOfTrainStepComesAfterItsLastStep() throws {
        let s = session()
        try run(s, "load mnist --train 200 --test 10", "net preset mlp", "set batch 50", "train step 2")
        let shown = try linesOnScreen(s, "train step 4")
        let last = shown.firstIndex { $0.hasPrefix("step 4 (epoch 1, 4/4)") }
        let epoch = shown.firstIndex { $0.hasPrefix("epoch 1: train loss") }
        let next = shown.firstIndex { $0.hasPrefix("step 5 (epoch 2, 1/4)") }
        #expect(last != nil && epoch != nil && next != nil && last! < epoch! && epoch! < next!, "\(shown)")
        #expect(shown.filter { $0.hasPrefix("epoch 1: train loss") }.count == 1, "\(shown)")
    }

    @Test func helpForCommandsAndSubCommands() throws {
        let s = session()
        let all = try run(s, "help")
        #expect(all.contains("  dataset:") && all.contains("  training:"))
        #expect(all.range(of: "dataset:")!.lowerBound < all.range(of: "training:")!.lowerBound)
        let train = try run(s, "help train")
        #expect(train.contains("  train step [N]") && train.contains("  train until METRIC OP VALUE [max N] [patience P]"), "\(train)")
        #expect(train.contains("example: train until"))
        let lr = try run(s, "help set lr")
        #expect(lr.contains("  set lr RATE") && !lr.contains("set batch"))
        #expect(try run(s, "help net add").contains("conv FILTERS KxK [stride S] [pad P|same]"))
        #expect(try run(s, "help render saliency").contains("render saliency INDEX [to FILE]"))
        #expect(errorOf(s, "help set lrr") == "help set: no sub-command 'lrr' — did you mean lr? — set has lr, batch, optimizer, momentum, weight-decay, schedule, seed, threads, epochs, loss, init, pictures, memory-limit")
    }

    @Test func presetsSayWhichSettingsTheyChange() throws {
        let s = session()
        try run(s, "set lr 0.01", "set optimizer adam", "set batch 256")
        let out = try run(s, "net preset lenet5")
        #expect(out.hasSuffix("settings changed for lenet5: lr 0.01 → 0.05, optimizer adam → momentum 0.9, batch 256 → 64 — `set` changes them back"))
        #expect(try run(s, "net preset lenet5").hasSuffix("settings for lenet5: already in force (lr 0.05, optimizer momentum 0.9, batch 64)"))
        // cnn-bn trains with AdamW and a one-cycle schedule: each change is listed.
        #expect(try run(s, "net preset cnn-bn").hasSuffix("settings changed for cnn-bn: lr 0.05 → 0.003, optimizer momentum 0.9 → adam, batch 64 → 128, schedule constant → onecycle 15, weight-decay 0 → 0.01 — `set` changes them back"))
        #expect(try run(s, "net preset lenet5").hasSuffix("schedule onecycle 15 → constant, weight-decay 0.01 → 0 — `set` changes them back"))
        #expect(try run(s, "help set seed").replacingOccurrences(of: "\n      ", with: " ").contains("`set seed 1` then `net preset mlp` always gives the same network"))
    }

    @Test func netResetStartsTheSameLayersFromTheSeed() throws {
        let s = session()
        try run(s, "load mnist --train 256 --test 10", "set seed 4", "net preset mlp")
        let first = s.state.model.network!.snapshot()
        try run(s, "train step 2", "net reset")
        #expect(s.state.model.network!.snapshot() == first, "reset draws the same first weights as after `set seed 4`")
        #expect(s.state.model.trainer == nil && s.state.model.metrics.isEmpty)
        #expect(s.state.runs.runs.count == 1, "the run before the reset is kept for comparison")
    }

    @Test func aScheduleSetNowStartsNow() throws {
        let s = session()
        try run(s, "load mnist --train 256 --test 10", "net preset mlp", "train epoch 3", "set schedule cosine 2")
        let line = try run(s, "set")
        #expect(line.contains(" 0.1 (now 1.00e-01 under cosine 2)"), "\(line)")
        let out = try run(s, "train epoch 2")
        let rates = out.components(separatedBy: "\n").compactMap { $0.components(separatedBy: "| lr ").dropFirst().first?.prefix(8) }
        #expect(rates == ["5.00e-02", "0.00e+00"], "\(out)")
    }

    @Test func threadsAboveTheCoresAreClamped() throws {
        let s = session()
        let out = try run(s, "set threads 1000")
        #expect(out.hasPrefix("this machine has \(Format.plural(Settings.cores, "core")): using \(Settings.cores)"))
        #expect(s.state.settings.threads == Settings.cores)
    }

    @Test func aDigitModelOnFashionSaysSo() throws {
        let s = session()
        try run(s, "load model models/default.safetensors")
        s.state.data = DataState()
        var d = try DatasetLoader.mnist(locator: .init(explicit: packageRoot))
        d.classNames = Dataset.fashionClassNames
        d.train = SubsetRule.first(10).apply(to: d.train); d.test = SubsetRule.first(10).apply(to: d.test)
        s.state.replaceData(d, recipe: [])
        #expect(try run(s, "eval").contains("warning: the model was trained on classes 0 1 2 3 4 5 6 7 8 9, but mnist has T-shirt"))
    }

    @Test func emptySplitsSayThereIsNothing() throws {
        let s = session()
        try run(s, "load mnist --train 10 --test 10", "net preset mlp")
        var d = s.state.data.dataset!
        d.test = SubsetRule.first(0).apply(to: d.test)
        s.state.replaceData(d, recipe: [])
        #expect(errorOf(s, "eval") == "eval: the test split has no images — nothing to evaluate")
    }
}

@Suite struct PreviewCommandTests {
    @Test func showAndPredict() throws {
        let s = session()
        try run(s, "load mnist --train 640 --test 20")
        let shown = try blocks(s, "show train 0..2")
        guard case .digits(let digits) = shown.first else { Issue.record("digits"); return }
        #expect(digits.map(\.caption) == ["#0: 5", "#1: 0", "#2: 4"])
        let text = try run(s, "show train 0..2")
        #expect(!text.contains("\u{1B}"), "no escape codes outside a terminal")
        #expect(errorOf(s, "show test 20") == "image 20 is out of range: the test split has images 0..19")
        try run(s, "net preset mlp", "train epoch")
        let p = try blocks(s, "predict test 0")
        #expect(p.contains { if case .text(let t) = $0 { return t.contains("test #0: the network says ") && t.contains("the label is 7") } else { return false } })
        #expect(p.contains { if case .bars(let b) = $0 { return b.count == 3 } else { return false } })
    }

    @Test func galleriesWrapToTheWidth() {
        let d = Digit(pixels: [UInt8](repeating: 0, count: 784), caption: "x")
        let narrow = TextRenderer(width: 80).render(.digits(Array(repeating: d, count: 6)))!
        #expect(narrow.components(separatedBy: "\n").count == 3 * 15, "three rows of two at 80 columns")
        #expect(narrow.components(separatedBy: "\n").allSatisfy { $0.count <= 80 })
        let wide = TextRenderer(width: 200).render(.digits(Array(repeating: d, count: 6)))!
        #expect(wide.components(separatedBy: "\n").count == 15, "one row at 200 columns")
    }
}

@Suite struct AugmentCommandTests {
    @Test func augmentSetsShowsAndTrains() throws {
        let s = session()
        #expect(try run(s, "augment") == "augmentation: off")
        #expect(try run(s, "augment shift 2 rotate 10 scale 0.1").hasPrefix("augmentation: shift 2.0 rotate 10.0 scale 0.1 (training batches only; seed 0)"))
        #expect(try run(s, "augment elastic").hasPrefix("augmentation: elastic 2.0 (training batches only"))
        #expect(errorOf(s, "augment rotate 500") == "augment: DEGREES (the largest rotation in degrees) must be a number from 0 to 180, got '500'")
        #expect(errorOf(s, "augment twist 3") == "augment: unknown 'twist' — one of shift, rotate, scale, elastic, thickness, blur, contrast, styles, outliers, off")
        #expect(s.state.data.augmentation.elastic == 2, "a refused augment leaves the old one")
        #expect(try run(s, "augment thickness 1 blur 0.8 contrast 0.4").hasPrefix("augmentation: thickness 1.0 blur 0.8 contrast 0.4 (training batches only; seed 0)"))
        #expect(errorOf(s, "augment thickness 5") == "augment: PIXELS (the largest change of stroke width in pixels) must be a number from 0 to 3, got '5'")
        #expect(errorOf(s, "augment outliers 0.8") == "augment: SHARE (the share of each batch replaced by things that are not one digit) must be a number from 0 to 0.5, got '0.8'")
        try run(s, "augment elastic")
        try run(s, "load mnist --train 256 --test 10", "net preset mlp", "augment shift 2")
        #expect(try run(s, "data").contains("augmentation shift 2.0"))
        let other = session()
        try run(other, "load mnist --train 256 --test 10", "net preset mlp")
        try run(s, "train step 2"); try run(other, "train step 2")
        #expect(s.state.model.network!.snapshot() != other.state.model.network!.snapshot(), "augmented batches train differently")
        #expect(try run(s, "augment off") == "augmentation off")
    }

    /// `augment styles`: the share is checked, said back, and kept by `record` and
    /// checkpoints as the line that put it in force.
    @Test func stylesAreSetAndSaidBack() throws {
        let s = session()
        #expect(try run(s, "augment styles 0.3 shift 2").hasPrefix("augmentation: shift 2.0 styles 0.3 (training batches only"))
        #expect(s.state.data.augmentation.styles == 0.3)
        #expect(errorOf(s, "augment styles 2").hasPrefix("augment: SHARE (the share of 1s and 7s drawn as much of the world writes them"))
        #expect(s.state.data.augmentation.styles == 0.3, "a refused command changes nothing")
        #expect(Checkpoint.trainingLines(s.state).last == "augment shift 2.0 styles 0.3")
    }

    /// `augment outliers`: things that are not one digit among the batches change what
    /// is learnt, and the loss stays finite (their target is every class alike).
    @Test func outliersTrainOnThingsThatAreNotOneDigit() throws {
        let s = session()
        #expect(try run(s, "augment outliers 0.25").hasPrefix("augmentation: outliers 0.25 (training batches only; seed 0)"))
        try run(s, "load mnist --train 256 --test 10", "net preset mlp")
        let plain = session()
        try run(plain, "load mnist --train 256 --test 10", "net preset mlp")
        let log = try run(s, "train epoch 1")
        try run(plain, "train epoch 1")
        #expect(s.state.model.network!.snapshot() != plain.state.model.network!.snapshot())
        #expect(!log.contains("nan") && log.contains("epoch 1: train loss"), "\(log)")
    }
}

@Suite struct CompletionTests {
    @Test func completesFromTheDeclarations() {
        func words(_ typed: [String]) -> [String] {
            if case .words(let w) = Completion.candidates(after: typed, lessons: ["01-meet-the-data"]) { return w }
            return ["<files>"]
        }
        #expect(words([]).contains("train"))
        #expect(words(["net"]) == ["new", "add", "pop", "reset", "preset", "summary"])
        #expect(words(["net", "add"]).contains("conv"))
        #expect(words(["net", "add", "dense", "128"]).contains("relu"))
        #expect(words(["set", "optimizer"]) == ["sgd", "momentum", "nesterov", "adam"])
        #expect(words(["set", "schedule"]) == ["constant", "step", "cosine", "onecycle"])
        #expect(words(["train", "until"]).first == "validation.accuracy")
        #expect(words(["lesson", "start"]) == ["01-meet-the-data"])
        #expect(words(["render", "confusion"]).contains("to"))
        #expect(words(["bogus"]).isEmpty)
        for typed in [["predict", "file"], ["predict", "file", "--stages"], ["load", "model"], ["export", "notebook"],
                      ["record", "start"], ["render", "confusion", "to"], ["save", "model"], ["draw", "save"]] {
            #expect(Completion.candidates(after: typed) == .files, "\(typed) completes file names")
        }
        for typed in [["load", "folder"], ["load", "idx"]] {
            #expect(Completion.candidates(after: typed) == .folders, "\(typed) completes folder names")
        }
    }

    @Test func helpCompletesCommandsThenTheirSubCommands() {
        #expect(Completion.candidates(after: ["help"]) == .words(CommandTable.names))
        #expect(Completion.candidates(after: ["help", "net"]) == .words(["new", "add", "pop", "reset", "preset", "summary"]))
        guard case .words(let set) = Completion.candidates(after: ["help", "set"]) else { Issue.record("words"); return }
        #expect(set.contains("lr") && set.contains("optimizer"))
        #expect(Completion.candidates(after: ["help", "net", "add"]) == .words([]), "help goes no deeper than a sub-command")
        #expect(Completion.candidates(after: ["help", "bogus"]) == .words([]))
    }

    /// What completion writes for a file name must read back as that name.
    @Test func completedFileNamesReadBackAsThemselves() throws {
        for name in ["my digits/seven on paper.png", "it's a two.png", #"say "hi".png"#, #"back\\slash.png"#, "#1.png", "plain.png"] {
            // As readline writes it: no quote opened (backslash-escapes), inside "…" and inside '…'
            // (readline adds the closing quote).
            for (opening, closing) in [(CChar(0), ""), (CChar(0x22), "\""), (CChar(0x27), "'")] {
                var quote = opening
                let written = ReadlineCompletion.quotedForCompletion(name, opening: &quote) + closing
                #expect(try Tokenizer.words("predict file " + written + " --stages") == ["predict", "file", name, "--stages"], "\(written)")
            }
        }
        var none: CChar = 0
        #expect(ReadlineCompletion.quotedForCompletion("my digits/", opening: &none) == #"my\ digits/"#, "a folder leaves no quote open")
        #expect(ReadlineCompletion.dequoted(#"my\ digits/s"#, quote: 0) == "my digits/s")
        #expect(ReadlineCompletion.dequoted(#"a\"b\\c"#, quote: 0x22) == #"a"b\c"#)
        #expect(ReadlineCompletion.dequoted(#"a\b"#, quote: 0x27) == #"a\b"#)
    }
}

@Suite struct DocsTests {
    @Test func commandsMarkdownIsCurrent() throws {
        let file = try String(contentsOfFile: packageRoot + "/Docs/commands.md", encoding: .utf8)
        #expect(file == CommandTable.markdown, "Docs/commands.md is stale: run `make docs`")
        for c in CommandTable.all { #expect(file.contains("### `\(c.name)`")) }
    }
}

@Suite struct InspectionHasNoSideEffectsTests {
    /// Looking at a network (eval, predict, render) must not change what training does next.
    @Test func evaluatingBeforeTrainingLeavesTrainingUnchanged() throws {
        let folder = temporaryFolder("look")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let a = session(), looked = session()
        for s in [a, looked] { try run(s, "load mnist --train 256 --test 20", "net preset mlp") }
        try run(looked, "eval", "predict test 1", "render confusion to \(folder)/c.png", "augment shift 1", "render samples --augmented to \(folder)/s.png", "augment off")
        // A new network after looking: its initial weights must not depend on the look.
        for s in [a, looked] { try run(s, "net preset mlp", "train step 3") }
        #expect(looked.state.model.network!.snapshot() == a.state.model.network!.snapshot(),
                "eval, predict or render before training changed the weights training produced")
    }
}

/// A counter a @Sendable closure may bump (tests run one at a time through it).
final class Counter: @unchecked Sendable {
    private var n = 0
    func next() -> Int { n += 1; return n }
}

@Suite struct OutputFitsTests {
    @Test func tablesFitTheWidth() {
        let t = Table([.init("lesson"), .init("what it teaches")], rows: [["01", String(repeating: "long words ", count: 20)]])
        let lines = TextRenderer(width: 80).render(.table(t))!.components(separatedBy: "\n")
        #expect(lines.allSatisfy { $0.count <= 80 } && lines[1].hasSuffix("…"))
    }

    @Test func lessonListFitsEightyColumns() throws {
        let s = session()
        let text = TextRenderer(width: 80).render(try s.run("lesson list"))
        #expect(text.components(separatedBy: "\n").allSatisfy { $0.count <= 80 }, "\(text)")
    }
}

@Suite struct PreprocessTests {
    @Test func rawPixelsTrainBadlyAndTheRunsSaySo() throws {
        let s = session()
        try run(s, "load mnist --train 1000 --test 200", "preprocess raw")
        #expect(s.state.data.normalization.std == Float(1.0 / 255))
        try run(s, "net preset mlp", "train epoch", "preprocess standardise", "net reset", "train epoch")
        let runs = try run(s, "runs")
        #expect(runs.contains("preprocess raw") && runs.contains("preprocess standardise"))
        let rawLoss = try #require(s.state.runs.runs.first?.lastTrainLoss)
        let standardLoss = try #require(s.state.model.metrics.epochs.last?.trainLoss)
        #expect(rawLoss > 10 * standardLoss, "raw 0–255 inputs train far worse: \(rawLoss) vs \(standardLoss)")
    }
}

@Suite struct TeachingCommandTests {
    @Test func conceptHelpAndSuggestions() throws {
        let s = session()
        #expect(try run(s, "help lr").hasPrefix("learning rate: "))
        #expect(try run(s, "help overfitting").contains("lesson:  05-overfitting"))
        #expect(try run(s, "help topics").contains("calibration"))
        #expect(try run(s, "help augment").contains("the idea behind it: `help augmentation`"))
        #expect(errorOf(s, "help overfiting").contains("did you mean overfitting?"))
        #expect(errorOf(s, "help zzyzx") == "help: no command or topic 'zzyzx' (`help` lists the commands, `help topics` the ideas)")
    }

    @Test func explainWorksTheNumbersOfTheNetwork() throws {
        let s = session()
        try run(s, "load mnist --train 300 --test 20", "net preset lenet5", "train step 3")
        let conv = try run(s, "explain conv 0")
        #expect(conv.contains("= value") && conv.contains("(the network's map holds"))
        #expect(try run(s, "explain softmax 0").contains("sum "))
        #expect(try run(s, "explain dense 0").contains("= value"))
        try run(s, "net preset mlp")
        #expect(errorOf(s, "explain conv 0") == "explain conv: this network has no conv layer — `explain dense` works through one unit of a dense layer instead")
    }

    @Test func theOutputLayerIsLabelledWithItsClasses() throws {
        let folder = temporaryFolder("act")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        s.state.outputs.folder = folder
        try run(s, "load mnist --train 100 --test 10", "net preset mlp")
        let labelled = try s.run("render activations 3 0").pictures[0]
        let hidden = try s.run("render activations 1 0").pictures[0]
        #expect(labelled.height < hidden.height || labelled.width != hidden.width, "the output layer is drawn as ten named cells")
    }
}
