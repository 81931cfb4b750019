import DigitLabCore
import DigitLabIO
import DigitLabVision
import DigitLabViz
import Foundation

/// What the `digitlab run` and `digitlab predict` sub-commands do, so the executable only
/// parses arguments. Each returns the process exit status; messages go to stdout/stderr.
public enum CommandLineTools {
    /// A flag given to the sub-command it does not belong to, or a name that is not there
    /// given to a flag that takes none: ArgumentParser says only "Unknown option '--number'", or
    /// takes the name for one more picture ("cannot open the file" after a figure was
    /// written). `arguments` are the command line's, without the program's name; `exists`
    /// says whether a file is there. One line naming what was meant, or nil.
    public static func misplacedFlagHint(_ arguments: [String], exists: (String) -> Bool) -> String? {
        guard let command = arguments.first, ["predict", "read"].contains(command) else { return nil }
        // After "--" every word is a picture's name, whatever it looks like.
        let arguments = Array(arguments.prefix { $0 != "--" })
        if arguments.contains("--number") {
            return command == "read"
                ? "digitlab read: it reads the whole number already — leave out --number (that is the shell's `predict file PICTURE --number`)"
                : "digitlab predict: --number is the shell's; on the command line `digitlab read PICTURE` reads a whole number"
        }
        if let i = arguments.firstIndex(of: "--top") {
            // "-1" looks like an option to the parser: "Missing value for '--top <top>'".
            if command == "read" {
                return "digitlab read has no --top: it gives each digit's answer and how sure the network is (--json for all of it); `digitlab predict --top K` shows a digit's K likeliest classes"
            }
            if i + 1 < arguments.count, arguments[i + 1].hasPrefix("-"), Int(arguments[i + 1]) != nil {
                return "digitlab predict: --top must be between 1 and 10, got \(arguments[i + 1])"
            }
        }
        if let i = arguments.firstIndex(of: "--stages"), i + 1 < arguments.count {
            let next = arguments[i + 1]
            if !next.hasPrefix("-"), !exists(next) {
                let figure = command == "read" ? "outputs/read-NAME.png" : "outputs/stages-NAME.png"
                return "digitlab \(command): --stages takes no file name, it writes \(figure) — '\(Sanitize.line(next))' is no picture there, leave it out"
            }
        }
        return nil
    }

    /// `digitlab run FILE [--write-manifest M] [--verify M] [--allow-writes]`: a lesson
    /// (`.lesson`) or a script, then optionally the manifest of what it wrote. A lesson's
    /// lines write only under outputs/ unless `allowWrites`.
    public static func run(file: String, locator: DataLocator, writeManifest: String?, verify: String?,
                           allowWrites: Bool = false) -> Int32 {
        let text: String
        do { text = try TextFile.read(file) } catch {
            printError(error.description)
            return 1
        }
        let session = Session(locator: locator)
        session.allowLessonWrites = allowWrites
        let status: Int32
        if file.hasSuffix(".lesson") {
            do {
                let renderer = TextRenderer(useColor: false, width: 100, includeLive: true, includeHints: false)
                let lesson = try Lesson.parse(text, name: file, file: file)
                status = LessonRunner.run(lesson, file: file, session: session,
                                          write: { out in let t = renderer.render(out); if !t.isEmpty { print(t) } },
                                          writeError: { printError($0) })
            } catch {
                printError(error.message)
                return 1
            }
        } else {
            status = ScriptRunner.run(lines: Tokenizer.lines(text), source: file, session: session)
        }
        guard status == 0 else { return status }
        let artifacts = session.state.outputs.artifacts
        do {
            if let m = writeManifest {
                try AtomicFile.write(Array(try Manifest.make(artifacts).utf8), to: m)
                print("wrote \(m): \(Format.plural(artifacts.count, "file"))")
            }
            if let m = verify {
                let manifest = try TextFile.read(m)
                let (checked, problems) = Manifest.verify(manifest)
                for p in problems { printError(p) }
                guard problems.isEmpty else { return 1 }
                print("verified \(Format.plural(checked, "file")) against \(m): all identical")
            }
        } catch {
            printError("\(error)")
            return 1
        }
        return 0
    }

    /// `digitlab predict [--model FILE] IMAGE... [--json] [--top K] [--stages]`: one line or
    /// JSON object per image, in the order given. A picture that cannot be classified is a
    /// line on stderr (plain) or `{"error": …, "file": …}` in its place (JSON), the others
    /// are still classified, and the exit status is 1 at the end. Notes ("a number?") go
    /// to stderr in both modes, and with --json into the object's `notes` too. `--stages` writes
    /// `outputs/stages-NAME.png`, as the shell's `predict file PATH --stages` does.
    public static func predict(images: [String], model: String?, locator: DataLocator, json: Bool, top: Int,
                               stages: Bool = false) -> Int32 {
        guard let loaded = loadModel(model, locator: locator, command: "predict") else { return 1 }
        var figures = StagesFigures(kind: "stages")
        var failed = false
        for image in images {
            do throws(PictureNotRead) {
                let r = try ImagePrediction.classify(image, network: loaded.network, normalization: loaded.info.normalization,
                                                     classNames: loaded.info.classNames, top: top)
                print(json ? r.json : r.line)
                if let note = r.numberNote(command: "digitlab read \(Tokenizer.quoted(image))") { printError("note: " + note) }
                if stages, !figures.write(r.stagesFigure(), of: image) { failed = true }
            } catch {
                failed = true
                if stages, let figure = error.stagesFigure(number: false) { _ = figures.write(figure, of: image) }
                if json { print(JSONLine.error(file: image, error.problem)) } else { printError(error.description) }
            }
        }
        return failed ? 1 : 0
    }

    /// `digitlab read [--model FILE] IMAGE... [--json] [--stages]`: the whole number in
    /// each picture, one line or JSON object per image (errors as for `predict`).
    /// `--stages` writes `outputs/read-NAME.png` for each picture: the boxes and each digit
    /// as the network saw it, or for a picture the pipeline gave up on ("no digits found")
    /// the steps it went through up to there, with the reason.
    public static func read(images: [String], model: String?, locator: DataLocator, json: Bool, stages: Bool) -> Int32 {
        guard let loaded = loadModel(model, locator: locator, command: "read") else { return 1 }
        let helpers = LineHelpers.bundled(locator)
        var figures = StagesFigures(kind: "read")
        var failed = false
        for image in images {
            do throws(PictureNotRead) {
                var r = try NumberPrediction.read(image, network: loaded.network, normalization: loaded.info.normalization,
                                                  classNames: loaded.info.classNames, helpers: helpers)
                r.stagesDrawn = stages
                print(json ? r.json : r.line)
                for note in r.notes { printError("note: \(image): " + note) }
                if stages, !figures.write(r.stagesFigure(), of: image) { failed = true }
            } catch {
                failed = true
                if stages, let figure = error.stagesFigure(number: true) { _ = figures.write(figure, of: image) }
                if json { print(JSONLine.error(file: image, error.problem)) } else { printError(error.description) }
            }
        }
        return failed ? 1 : 0
    }

    /// The figures of `--stages` on the command line: `outputs/KIND-NAME.png`, named as the
    /// shell names them (two pictures of one name get NAME and NAME-2; outputs/ is made
    /// when missing). "wrote …", or why not, goes to stderr, so JSON on stdout stays one
    /// object per picture: a figure that cannot be written loses nothing of the answer,
    /// already printed, and makes the exit status 1.
    struct StagesFigures {
        let kind: String
        var outputs = OutputState()

        mutating func write(_ figure: Canvas, of image: String) -> Bool {
            let target = outputs.nextPath(OutputState.figureName(kind, of: image))
            do throws(IOError) {
                try AtomicFile.write(try figure.png(), to: target, policy: WritePolicy.anywhere.creating(outputs.folder))
            } catch {
                printError("\(image): the steps were not drawn: \(error.description)")
                return false
            }
            printError("wrote \(target)")
            return true
        }
    }

    /// The model named, or the default model of the DigitLab home; nil (after one line on
    /// stderr) when it cannot be loaded.
    static func loadModel(_ model: String?, locator: DataLocator, command: String) -> (network: Network, info: ModelFile.Info)? {
        let path: String
        if let model { path = model } else {
            do { path = try locator.home() + "/models/default.safetensors" } catch {
                printError("\(command): \(error) — or pass --model FILE")
                return nil
            }
        }
        let loaded: (network: Network, info: ModelFile.Info)
        do { loaded = try ModelFile.load(path) } catch {
            printError("\(command): \(error)")
            return nil
        }
        guard !loaded.info.isOneDigitJudge else {
            printError("\(command): \(path) is the one-digit judge of `read` (its classes say whether a piece is one whole digit, not which) — pass a digit model, such as models/default.safetensors")
            return nil
        }
        return loaded
    }
}
