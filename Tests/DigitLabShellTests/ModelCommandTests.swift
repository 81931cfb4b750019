import DigitLabIO
import Foundation
import Testing
@testable import DigitLabShell

@Suite struct ModelCommandTests {
    /// A newcomer trained, then typed `load model` and lost the training without a word.
    /// Every command that puts another network in place now says what went (the shell
    /// asks first: `REPL.confirmReplacing`), and growing or trimming the trained network
    /// keeps its training counted as unsaved, so that `quit` still asks.
    @Test func replacingATrainedNetworkNeverLosesItSilently() throws {
        let s = session()
        try run(s, "load mnist --train 320 --test 50", "net preset mlp", "train step 3")
        #expect(s.state.model.unsavedSteps == 3)
        let replacing = ["net new", "net reset", "net preset lenet5", "load model models/default.safetensors"]
        #expect(replacing.allSatisfy { (try? Parser.parse($0))??.command.replacesNetwork == true })
        #expect(["net add dense 10", "net pop", "net summary", "load mnist", "train step"].allSatisfy {
            (try? Parser.parse($0))??.command.replacesNetwork == false
        })
        try run(s, "net pop")
        #expect(s.state.model.unsavedSteps == 3, "the trimmed network still holds the training")
        try run(s, "net add dense 10")
        #expect(s.hasUnsavedTraining, "quit still asks")
        let out = try run(s, "load model models/default.safetensors")
        #expect(out.contains("warning: the network it replaced had trained 3 steps since it was last saved; that training is gone"), "\(out)")
        #expect(!(try run(s, "net reset")).contains("warning"), "nothing unsaved is left to lose")
    }

    @Test func saveLoadAndPredictFiles() throws {
        let folder = temporaryFolder("models")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        s.state.outputs.folder = folder
        try run(s, "load mnist --train 640 --test 50", "net preset mlp", "train epoch")
        let before = try run(s, "eval")
        #expect(s.hasUnsavedTraining)
        #expect(try run(s, "save model \(folder)/m.safetensors") == "saved 4 layers, 101,770 parameters to \(folder)/m.safetensors")
        #expect(!s.hasUnsavedTraining, "saving keeps the training: quit needs not ask")
        let fresh = session()
        fresh.state.outputs.folder = folder
        try run(fresh, "load mnist --train 640 --test 50")
        let loaded = try run(fresh, "load model \(folder)/m.safetensors")
        #expect(loaded.hasPrefix("loaded \(folder)/m.safetensors: flatten → dense 128 → relu → dense 10"))
        #expect(loaded.contains("training: dataset mnist, epochs 1, steps 10"), "\(loaded)")
        #expect(try run(fresh, "eval") == before, "the loaded model evaluates exactly as the saved one")
        #expect(errorOf(fresh, "load model \(folder)/none.safetensors") == "\(folder)/none.safetensors: cannot open the file (missing or unreadable)")
        #expect(try run(s, "save model \(folder)/m.pt").contains("warning: \(folder)/m.pt holds safetensors, whatever its name"))

        // A picture of a test digit, drawn as dark ink on light paper, 3x larger.
        let set = s.state.data.dataset!.test
        var big = [UInt8]()
        for y in 0..<84 { for x in 0..<84 { big.append(255 - set.pixels[(y / 3) * 28 + x / 3]) } }
        try AtomicFile.write(try PNG.encode(width: 84, height: 84, pixels: big, channels: 1), to: folder + "/seven.png")
        let out = try run(fresh, "predict file \(folder)/seven.png --stages")
        #expect(out.contains("\(folder)/seven.png: the network says 7"), "\(out)")
        #expect(out.contains("wrote \(folder)/stages-seven.png"))
        #expect(FileManager.default.fileExists(atPath: folder + "/stages-seven.png"))
        #expect(errorOf(fresh, "predict file \(folder)/missing.png") == "\(folder)/missing.png: cannot open the file (missing or unreadable)")
        // A figure that cannot be written leaves the answer (it was lost: only the error
        // was shown, a newcomer review found), with a warning.
        try FileManager.default.createSymbolicLink(atPath: folder + "/outputs-gone", withDestinationPath: "nowhere")
        fresh.state.outputs.folder = folder + "/outputs-gone"
        for command in ["predict file \(folder)/seven.png --stages", "predict file \(folder)/seven.png --number --stages"] {
            let kept = try run(fresh, command)
            #expect(kept.contains("\(folder)/seven.png: the network"), "\(kept)")
            #expect(kept.contains("the steps were not drawn: "), "\(kept)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/nowhere"))
    }

    /// A newcomer gave `predict file` a picture of "17" and was told "7 (100.0%)" without
    /// a word about the 1. The answer is still one digit, and it now says the picture
    /// looks like a number and which command reads one; a single digit gets no such note.
    @Test func predictingOneDigitOfANumberSaysSo() throws {
        let folder = temporaryFolder("number")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        try run(s, "load mnist --train 10 --test 20", "load model models/default.safetensors")
        // Test digits 0 (a 7) and 2 (a 1), 3x larger, side by side on light paper.
        let set = s.state.data.dataset!.test
        var pixels = [UInt8]()
        for y in 0..<84 { for x in 0..<200 {
            let (i, u) = x < 100 ? (0, x - 8) : (2, x - 108)
            pixels.append(u >= 0 && u < 84 ? 255 - set.pixels[i * 784 + (y / 3) * 28 + u / 3] : 255)
        } }
        try AtomicFile.write(try PNG.encode(width: 200, height: 84, pixels: pixels, channels: 1), to: folder + "/71.png")
        let out = try run(s, "predict file \(folder)/71.png")
        #expect(out.contains("warning: 1 more piece of ink the size of a digit beside this one: a number? This answer is for one digit; `predict file \(folder)/71.png --number` reads them all"), "\(out)")
        #expect(try run(s, "predict file \(folder)/71.png --number").contains("the network reads 71"))
        let touching = try run(s, "predict file lessons/digits/touching-8372.png")
        #expect(touching.contains("warning: the ink read is much wider than a digit: a number whose digits touch?"), "\(touching)")
        #expect(!(try run(s, "predict file lessons/digits/seven-on-paper.png")).contains("warning"))
    }

    /// What a newcomer's review met: each mistake gets a line that says what happened and
    /// what to type, not the jargon of what the bytes would mean.
    @Test func aNewcomersMistakesWithModelsPicturesAndSplits() throws {
        // Relative paths are shown as typed when the current folder holds them: it must be
        // the DigitLab folder throughout (other tests move it, one at a time).
        try inFolder(packageRoot) {
            let s = session()
            #expect(errorOf(s, "predict file lessons/digits/seven-on-paper.png")
                    == "no network yet — `load model models/default.safetensors` loads the bundled trained one, or train your own (`net preset lenet5`, `train epoch`)")
            try run(s, "net new")
            #expect(errorOf(s, "net summary") == "the network has no layers yet — `net add dense 128 relu` adds one (or `net preset mlp` makes a whole network)")
            #expect(errorOf(s, "load model lessons/digits/seven-on-paper.png")
                    == "lessons/digits/seven-on-paper.png: this is a PNG picture, not a model (safetensors) file — pictures are read by `predict file PICTURE` in the shell, `digitlab predict PICTURE` on the command line")
            #expect(errorOf(s, "load model README.md")
                    == "README.md: this is a text file, not a model (safetensors) file — models are written by `save model` or `save checkpoint`")
            #expect(errorOf(s, "read lessons/digits/seven-on-paper.png")
                    == "unknown command 'read' — in the shell, `predict file PICTURE --number` reads a number")
            try run(s, "load folder lessons/digits")
            #expect(!(try run(s, "data")).contains("split validation"), "no training images to hold out")
            #expect(errorOf(s, "split validation 1") == "split validation: there are no training images to hold out — `load mnist` loads 60,000")
        }
    }

    @Test func metadataCannotDrawOnTheTerminal() throws {
        let folder = temporaryFolder("models")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        try run(s, "net preset mlp")
        var info = ModelCommands.info(s.state)
        info.training = "{\"epochs\": \"\u{1B}]0;pwned\u{07}\u{1B}[2J\"}"
        try AtomicFile.write(ModelFile.encode(s.state.model.network!, info: info), to: folder + "/evil.safetensors")
        let out = try run(s, "load model \(folder)/evil.safetensors")
        #expect(!out.contains("\u{1B}") && out.contains("\\x1b]0;pwned\\x07"), "\(out)")
    }

    /// "no digit found" with `--stages` drew nothing: the learner who asked to see the
    /// steps got none where they would have shown why. Now the steps up to where the
    /// pipeline gave up are drawn, the reason under them, and the one error line says where.
    @Test func stagesOfAPictureNotRead() throws {
        let folder = temporaryFolder("stages")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        s.state.outputs.folder = folder
        try run(s, "load model \(packageRoot)/models/default.safetensors")
        try AtomicFile.write(try PNG.encode(width: 90, height: 60, pixels: [UInt8](repeating: 236, count: 90 * 60), channels: 1), to: folder + "/blank.png")
        let reason = "\(folder)/blank.png: no digit found: the picture is blank or has no contrast — check that it shows the writing (dark on light, or light on dark), not an empty or faded page"
        #expect(errorOf(s, "predict file \(folder)/blank.png") == reason)
        #expect(!FileManager.default.fileExists(atPath: folder + "/stages-blank.png"), "nothing drawn unless asked")
        #expect(errorOf(s, "predict file \(folder)/blank.png --stages") == reason + " (the steps up to there: \(folder)/stages-blank.png)")
        let figure = try PNG.decodeRGB(try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/stages-blank.png"))), name: "figure")
        // Three steps (picture, paper, ink) and the reason: wider than the strip alone.
        #expect(figure.width == 640, "\(figure.width)")
        #expect(errorOf(s, "predict file \(folder)/blank.png --number --stages")
                == "\(folder)/blank.png: no digits found: the picture is blank or has no contrast — check that it shows the writing (dark on light, or light on dark), not an empty or faded page (the steps up to there: \(folder)/number-blank.png)")
        #expect(FileManager.default.fileExists(atPath: folder + "/number-blank.png"))
        // A file that cannot be read has no steps: its line as it was, nothing written.
        #expect(errorOf(s, "predict file \(folder)/missing.png --stages") == "\(folder)/missing.png: cannot open the file (missing or unreadable)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/stages-missing.png"))
        // Dots all over: the steps reach the ink left once lines were removed.
        var dots = [UInt8](repeating: 236, count: 120 * 120)
        for y in stride(from: 0, to: 120, by: 6) { for x in stride(from: 0, to: 120, by: 6) { dots[y * 120 + x] = 30 } }
        try AtomicFile.write(try PNG.encode(width: 120, height: 120, pixels: dots, channels: 1), to: folder + "/dots.png")
        #expect(errorOf(s, "predict file \(folder)/dots.png --stages").hasSuffix("(the steps up to there: \(folder)/stages-dots.png)"))
        // A broken network is not a picture not read: its own line, no figure, for one
        // digit and for a number alike (a number once said "no digits found" for it).
        let broken = session()
        broken.state.outputs.folder = folder
        try run(broken, "load mnist --train 10 --test 3", "net preset mlp")
        broken.state.model.network!.parameters.last!.value = [Float](repeating: .nan, count: 10)
        let set = broken.state.data.dataset!.test
        try AtomicFile.write(try PNG.encode(width: 28, height: 28, pixels: (0..<784).map { 255 - set.pixels[$0] }, channels: 1), to: folder + "/seven.png")
        for (flags, figure) in [("--stages", "stages-seven.png"), ("--number --stages", "number-seven.png")] {
            let error = errorOf(broken, "predict file \(folder)/seven.png \(flags)")
            #expect(error.hasPrefix("\(folder)/seven.png: the network's answer is not a number (NaN or infinity)"), "\(error)")
            #expect(!FileManager.default.fileExists(atPath: "\(folder)/\(figure)"), "\(figure)")
        }
        // `digitlab read --stages` as well: the figure, and the error in its JSON object.
        let cli = try runDigitLab(["read", "--json", "--stages", "--data", packageRoot, "blank.png"], in: folder)
        #expect(cli.status == 1 && cli.out.count == 1 && cli.out[0].contains("no digits found"), "\(cli)")
        #expect(FileManager.default.fileExists(atPath: folder + "/outputs/read-blank.png"))
    }

    /// `digitlab predict` as a user runs it: the built executable, the default model.
    @Test func commandLinePredictWithTheDefaultModel() throws {
        let folder = temporaryFolder("cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        try run(s, "load mnist --train 10 --test 3")
        for i in 0..<3 {
            let img = s.state.data.dataset!.test.image(i).map { 255 - $0 }
            try AtomicFile.write(try PNG.encode(width: 28, height: 28, pixels: Array(img), channels: 1), to: "\(folder)/\(i).png")
        }
        try AtomicFile.write(Array("not a png".utf8), to: folder + "/bad.png")
        let (status, lines, errors) = try runDigitLab(["predict", "--json", "--data", packageRoot, "\(folder)/0.png", "\(folder)/bad.png", "\(folder)/1.png", "\(folder)/2.png"])
        #expect(status == 1, "a bad image makes the exit status non-zero")
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
        #expect(objects[0]["notes"] as? [String] == [], "a lone digit has no notes")
    }

    /// `predict --json` on a picture of a number: the "a number?" note went to stderr
    /// alone (a newcomer review); it is in the object's notes too, as `read`'s are.
    @Test func commandLinePredictJSONCarriesTheNumberNote() throws {
        let picture = packageRoot + "/Tests/DigitLabVisionTests/Pictures/84037-touching.png"
        let (status, lines, errors) = try runDigitLab(["predict", "--json", "--data", packageRoot, picture])
        let object = try #require(lines.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        let notes = object["notes"] as? [String]
        #expect(status == 0 && notes?.count == 1 && notes?.first?.contains("a number?") == true, "\(object)")
        #expect(errors.contains(notes?.first ?? "no note"), "the same note on stderr: \(errors)")
    }

    /// `digitlab read --stages`, from the attacker review: a figure that could not be
    /// written gave a second JSON object for the same picture; two pictures of one name
    /// shared one figure; outputs/ was not made as the shell makes it; an escape sequence
    /// in a file name reached the terminal.
    @Test func commandLineReadStagesOnePicturesOneAnswerOneFigure() throws {
        let folder = temporaryFolder("cli-read")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        try run(s, "load mnist --train 10 --test 3")
        let evil = "e\u{1B}[31m"
        for (i, path) in ["a/x", "b/x", "y", evil].enumerated() {
            let img = s.state.data.dataset!.test.image(i % 3).map { 255 - $0 }
            let parent = path.split(separator: "/").dropLast().joined(separator: "/")
            try FileManager.default.createDirectory(atPath: "\(folder)/\(parent)", withIntermediateDirectories: true)
            try AtomicFile.write(try PNG.encode(width: 28, height: 28, pixels: Array(img), channels: 1), to: "\(folder)/\(path).png")
        }
        func digitlab(_ args: [String]) throws -> (status: Int32, out: [Substring], err: String) { try runDigitLab(args, in: folder) }
        // No outputs/ yet: it is made; the two x.png get a figure each.
        let both = try digitlab(["read", "--json", "--stages", "--data", packageRoot, "a/x.png", "b/x.png"])
        #expect(both.status == 0 && both.out.count == 2, "\(both)")
        #expect(FileManager.default.fileExists(atPath: folder + "/outputs/read-x.png"))
        #expect(FileManager.default.fileExists(atPath: folder + "/outputs/read-x-2.png"))
        // A figure that cannot be written loses nothing of the answer: one object for the
        // picture, with its reading; why there is no figure on stderr; exit status 1. (The
        // answer was left out before, in a reviewer's words "hidden".)
        try FileManager.default.createSymbolicLink(atPath: folder + "/outputs/read-y.png", withDestinationPath: folder + "/elsewhere.png")
        let blocked = try digitlab(["read", "--json", "--stages", "--data", packageRoot, "y.png"])
        #expect(blocked.status == 1 && blocked.out.count == 1, "\(blocked)")
        let object = blocked.out.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(object?["text"] as? String == "1" && object?["error"] == nil, "\(blocked.out)")
        #expect(blocked.err.hasPrefix("y.png: the steps were not drawn: outputs/read-y.png"), "\(blocked.err)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/elsewhere.png"), "nothing written through the link")
        // A name the program chose, taken by a folder, is passed over (the line said "give
        // a file name inside it", which the user could not).
        try FileManager.default.createDirectory(atPath: folder + "/outputs/read-z.png", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: folder + "/y.png", toPath: folder + "/z.png")
        let passed = try digitlab(["read", "--stages", "--data", packageRoot, "z.png"])
        #expect(passed.status == 0 && passed.err.contains("wrote outputs/read-z-2.png"), "\(passed)")
        // An escape sequence in a name is shown, not obeyed; its figure's name has none.
        let named = try digitlab(["read", "--stages", "--data", packageRoot, "\(evil).png"])
        // Keys in one order, whatever the run: the same picture gives the same bytes.
        #expect(both.out.allSatisfy { $0.hasPrefix("{\"digits\":") && $0.contains("],\"file\":") && $0.contains(",\"marks\":[],\"notes\":[],\"text\":") }, "\(both.out)")
        let line = named.out.first.map(String.init) ?? ""
        #expect(named.out.count == 1 && !line.contains("\u{1B}") && line.contains("\\x1b[31m"), "\(named)")
        #expect(FileManager.default.fileExists(atPath: folder + "/outputs/read-e-31m.png"), "\(named.err)")
        #expect(named.err.contains("wrote outputs/read-e-31m.png"), "\(named.err)")
    }

    /// `digitlab predict --stages`: the shell's `predict file PATH --stages` on the command
    /// line (it was "Unknown option '--stages'"), for a digit and for a picture not read.
    @Test func commandLinePredictDrawsItsStages() throws {
        let folder = temporaryFolder("cli-stages")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        try run(s, "load mnist --train 10 --test 1")
        try AtomicFile.write(try PNG.encode(width: 28, height: 28, pixels: s.state.data.dataset!.test.image(0).map { 255 - $0 }, channels: 1),
                             to: folder + "/seven.png")
        try AtomicFile.write(try PNG.encode(width: 90, height: 60, pixels: [UInt8](repeating: 236, count: 90 * 60), channels: 1), to: folder + "/blank.png")
        let r = try runDigitLab(["predict", "--json", "--stages", "--data", packageRoot, "seven.png", "blank.png"], in: folder)
        #expect(r.status == 1 && r.out.count == 2 && r.out[0].contains("\"prediction\":\"7\"") && r.out[1].contains("no digit found"), "\(r)")
        #expect(r.err.contains("wrote outputs/stages-seven.png") && r.err.contains("wrote outputs/stages-blank.png"), "\(r.err)")
        for name in ["seven", "blank"] {
            let figure = try PNG.decodeRGB(try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(folder)/outputs/stages-\(name).png"))), name: name)
            #expect(figure.width >= 640, "\(name): \(figure.width)")
        }
    }

    /// A name that is not UTF-8 (a Latin-1 file name) reached the program as U+FFFD and
    /// named no file: "cannot open the file", then a wrong "did you mean". It is refused
    /// at once, the bytes shown, with what to do (a shell passes the raw bytes).
    @Test func aNameThatIsNotUTF8IsSaidToBe() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "\"$0\" predict \"$(printf 'caf\\351.png')\"", packageRoot + "/.build/debug/digitlab"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = Pipe()
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 64)
        #expect(text == "digitlab: argument 2 ('caf\\xe9.png') is not UTF-8 text, and DigitLab takes names in UTF-8 — rename the file (convmv or mv) and give the new name\n", "\(text)")
    }

    /// The shell names every mark it found and where ("26.11.2026" said "a decimal point
    /// after digit 2 (and more marks)").
    @Test func theShellNamesEachMark() throws {
        let s = session()
        try run(s, "load model \(packageRoot)/models/default.safetensors")
        let out = try run(s, "predict file \(packageRoot)/Tests/DigitLabVisionTests/Pictures/minus-42-a-minus-sign.png --number")
        #expect(out.contains("the network reads -42") && out.contains("a minus sign or dash before the first digit: found by size and place"), "\(out)")
    }

    /// A mistyped sub-command went to the shell as an argument: "2 unexpected arguments:
    /// 'reed', 'x.png' … Usage: digitlab repl" (a newcomer review).
    @Test func anUnknownSubcommandGetsTheOneMeant() throws {
        let typo = try runDigitLab(["reed", "x.png"])
        #expect(typo.status == 64 && typo.err == "digitlab: unknown command 'reed' — did you mean read?\n", "\(typo)")
        let picture = try runDigitLab(["my.png"])
        #expect(picture.err == "digitlab: unknown command 'my.png' — `digitlab predict my.png` classifies a picture, `digitlab read my.png` reads a number\n", "\(picture)")
        #expect(try runDigitLab(["docs"]).out.first == "# DigitLab commands", "a hidden sub-command still runs")
    }

    /// `load model default` (a newcomer review) said only "cannot open the file": the
    /// bundled model of that name is offered.
    @Test func aBundledModelIsOfferedForItsShortName() throws {
        let s = session()
        #expect(errorOf(s, "load model default") == "default: cannot open the file (missing or unreadable) — did you mean models/default.safetensors?")
        #expect(errorOf(s, "load model model/in-line.safetensors").hasSuffix("did you mean models/in-line.safetensors?") == true)
        #expect(!errorOf(s, "load model nothing-like-it").contains("did you mean"))
    }

    /// A flag given to the wrong sub-command, or a file name given to `--stages`: "Unknown
    /// option '--number'", or a figure written and then "cannot open the file" for the
    /// name taken as one more picture (a review). One line says what was meant.
    @Test func aMisplacedFlagGetsTheCommandMeant() throws {
        let picture = packageRoot + "/Tests/DigitLabVisionTests/Pictures/84037-touching.png"
        let read = try runDigitLab(["read", picture, "--number"])
        #expect(read.status == 64 && read.err == "digitlab read: it reads the whole number already — leave out --number (that is the shell's `predict file PICTURE --number`)\n", "\(read)")
        let predict = try runDigitLab(["predict", "--number", picture])
        #expect(predict.status == 64 && predict.err.contains("`digitlab read PICTURE` reads a whole number"), "\(predict)")
        let folder = temporaryFolder("stages-name")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let named = try runDigitLab(["predict", "--data", packageRoot, picture, "--stages", "steps.png"], in: folder)
        #expect(named.status == 64 && named.out.isEmpty, "\(named)")
        #expect(named.err == "digitlab predict: --stages takes no file name, it writes outputs/stages-NAME.png — 'steps.png' is no picture there, leave it out\n")
        #expect(!FileManager.default.fileExists(atPath: folder + "/outputs"), "nothing is written")
        // A picture that is there, after --stages, is one more picture.
        #expect(CommandLineTools.misplacedFlagHint(["read", "--stages", "a.png"], exists: { _ in true }) == nil)
        #expect(CommandLineTools.misplacedFlagHint(["read", "--stages", "a.png"], exists: { _ in false })?.contains("outputs/read-NAME.png") == true)
        #expect(CommandLineTools.misplacedFlagHint(["run", "--number"], exists: { _ in false }) == nil)
        // Any name that is not there, not only a picture's (an attacker review).
        #expect(CommandLineTools.misplacedFlagHint(["read", "a.png", "--stages", "scan"], exists: { $0 == "a.png" }) != nil)
        #expect(CommandLineTools.misplacedFlagHint(["read", "--stages", "--json", "a.png"], exists: { _ in false }) == nil)
        // A model's name is shown without its control characters.
        let escaped = try runDigitLab(["predict", "--model", "\u{1B}[31mred", picture])
        #expect(escaped.status == 1 && !escaped.err.contains("\u{1B}") && escaped.err.contains("red"), "\(escaped)")
        // --top on read, and a negative --top ("Missing value for '--top <top>'").
        #expect(CommandLineTools.misplacedFlagHint(["read", "--top", "3", "a.png"], exists: { _ in true })?.hasPrefix("digitlab read has no --top") == true)
        #expect(CommandLineTools.misplacedFlagHint(["predict", "--top", "-1", "a.png"], exists: { _ in true }) == "digitlab predict: --top must be between 1 and 10, got -1")
        #expect(CommandLineTools.misplacedFlagHint(["predict", "--top", "3", "a.png"], exists: { _ in true }) == nil)
        // After "--", a picture may be named "--number".
        #expect(CommandLineTools.misplacedFlagHint(["read", "--", "--number"], exists: { _ in false }) == nil)
    }

    /// A figure's name comes from the picture's, which may hold anything a file name can.
    @Test func figureNamesHoldNoControlCharacters() {
        #expect(OutputState.figureName("stages", of: "photos/seven.jpg") == "stages-seven")
        #expect(OutputState.figureName("read", of: "a/e\u{1B}[31m.png") == "read-e-31m")
        #expect(OutputState.figureName("read", of: "my digits/sieben ä.png") == "read-sieben-ä")
        #expect(OutputState.figureName("stages", of: "\u{1B}.png") == "stages-picture")
        #expect(OutputState.figureName("stages", of: ".hidden.png") == "stages-hidden")
        #expect(OutputState.figureName("stages", of: "\u{202E}gnp.exe") == "stages-gnp", "a bidi override is no letter")
        let long = OutputState.figureName("stages", of: String(repeating: "ü", count: 200) + ".png")
        #expect(long.utf8.count <= "stages-".utf8.count + 100, "\(long.utf8.count)")
    }
}

@Suite struct LoadFolderTests {
    @Test func yourOwnPicturesBecomeATestSet() throws {
        let folder = temporaryFolder("folder")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = session()
        try run(s, "load mnist --train 10 --test 20")
        let test = s.state.data.dataset!.test
        // Test digits as dark ink on light paper, 2x larger, in folders named by label.
        for i in 0..<20 {
            var big = [UInt8]()
            for y in 0..<56 { for x in 0..<56 { big.append(255 - test.pixels[i * 784 + (y / 2) * 28 + x / 2]) } }
            try FileManager.default.createDirectory(atPath: "\(folder)/\(test.labels[i])", withIntermediateDirectories: true)
            try AtomicFile.write(try PNG.encode(width: 56, height: 56, pixels: big, channels: 1), to: "\(folder)/\(test.labels[i])/digit\(i).png")
        }
        try run(s, "load model \(packageRoot)/models/default.safetensors")
        #expect(try run(s, "load folder \(folder)").hasPrefix("loaded \(URL(fileURLWithPath: folder).lastPathComponent): 20 pictures of yours as the test set"))
        #expect(s.state.data.dataset!.test.classCounts == test.classCounts)
        let eval = try run(s, "eval")
        #expect(eval.hasPrefix("test: accuracy 100.00% (20 of 20)"))
        // No 8 among the twenty, none read as 8: undefined, not "0.0%" (a newcomer review).
        let eight = eval.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("8 ") }
        #expect(eight.map { $0.split(separator: " ").map(String.init) } == ["8", "—", "—", "—", "0"], "\(eval)")
        #expect(errorOf(s, "load folder \(folder)/nope") == "\(folder)/nope: no such folder")
        #expect(errorOf(s, "train epoch") == "there are no training images to learn from — `load mnist`, or `load folder DIR` with a train/ folder")
        #expect(errorOf(s, "train step") == "there are no training images to learn from — `load mnist`, or `load folder DIR` with a train/ folder")
        #expect(errorOf(s, "render embedding train") == "render embedding: needs at least 2 train images, there are 0")
        #expect(try run(s, "data").contains("class balance (test):"), "only a test split: its balance, not empty training numbers")
    }
}

@Suite struct VersionTests {
    @Test func versionNamesTheLibraries() throws {
        for arguments in [["--version"], ["version"]] {
            let (status, lines, _) = try runDigitLab(arguments)
            let text = lines.joined(separator: "\n")
            #expect(status == 0)
            for name in ["DigitLab ", "Swift 6", "readline ", "libpng ", "cairo ", "DigitLab kernels: "] {
                #expect(text.contains(name), "\(arguments): \(name)")
            }
        }
    }
}

/// The built `digitlab` executable, run as a user runs it (in `folder`, if given): its
/// exit status, its output's lines and its error output. `make test` builds it; a test
/// run alone needs `swift build --product digitlab` first.
func runDigitLab(_ arguments: [String], in folder: String? = nil) throws -> (status: Int32, out: [Substring], err: String) {
    let exe = packageRoot + "/.build/debug/digitlab"
    try #require(FileManager.default.isExecutableFile(atPath: exe), "build the executable first: swift build --product digitlab")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    if let folder { p.currentDirectoryURL = URL(fileURLWithPath: folder) }
    p.arguments = arguments
    let out = Pipe(), err = Pipe()
    p.standardOutput = out; p.standardError = err
    try p.run()
    // Read before waiting: a child that fills a pipe would otherwise wait for us forever.
    let output = out.fileHandleForReading.readDataToEndOfFile(), errors = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: output, as: UTF8.self).split(separator: "\n"), String(decoding: errors, as: UTF8.self))
}
