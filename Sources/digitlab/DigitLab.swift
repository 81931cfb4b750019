import ArgumentParser
import DigitLabCore
import DigitLabIO
import DigitLabShell
import Glibc

/// The executable only wires ArgumentParser to the Shell.
@main
struct DigitLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digitlab",
        abstract: "Learn how a neural network reads handwritten digits.",
        discussion: "With no sub-command: the interactive shell (or, when stdin is piped, its lines run as a script).",
        version: Version.text,
        subcommands: [Shell.self, Run.self, Predict.self, Read.self, Bench.self, VersionCommand.self, Docs.self],
        defaultSubcommand: Shell.self)

    /// Swift reads the command line as UTF-8 and replaces what is not (a file named on
    /// another system, in Latin-1): such a name then names no file, and "cannot open the
    /// file" or a wrong "did you mean" followed. It is said at once instead.
    static func main() {
        let argc = Int(CommandLine.argc)
        for i in 1..<max(1, argc) {
            guard let raw = CommandLine.unsafeArgv[i], String(validatingCString: raw) == nil else { continue }
            let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw)))
            let shown = bytes.map { (0x20..<0x7F).contains($0) ? String(UnicodeScalar($0)) : String(format: "\\x%02x", $0) }.joined()
            printError("digitlab: argument \(i) ('\(shown)') is not UTF-8 text, and DigitLab takes names in UTF-8 — rename the file (convmv or mv) and give the new name")
            Glibc.exit(64)
        }
        // A word that names no sub-command went to the shell as an argument, and came back
        // as "2 unexpected arguments … Usage: digitlab repl" (`digitlab reed x.png`).
        let names = configuration.subcommands.filter { $0.configuration.shouldDisplay }.map { $0._commandName } + ["help"]
        let accepted = configuration.subcommands.map { $0._commandName } + ["help"]
        if argc > 1, let first = CommandLine.arguments.dropFirst().first, !first.hasPrefix("-"), !accepted.contains(first) {
            let meant = Suggest.closest(to: first, among: names).map { "did you mean \($0)?" }
                ?? (first.contains(".") || first.contains("/") ? "`digitlab predict \(first)` classifies a picture, `digitlab read \(first)` reads a number"
                    : "one of " + names.dropLast().joined(separator: ", ") + ", or none for the shell")
            printError("digitlab: unknown command '\(first)' — \(meant)")
            Glibc.exit(64)
        }
        if let hint = CommandLineTools.misplacedFlagHint(Array(CommandLine.arguments.dropFirst()), exists: { access($0, F_OK) == 0 }) {
            printError(hint)
            Glibc.exit(64)
        }
        main(nil)
    }
}

struct DataOption: ParsableArguments {
    @Option(name: .long, help: "The DigitLab folder holding data/ (default: DIGITLAB_HOME, next to the executable, then the current directory).")
    var data: String?
}

struct Shell: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "repl", abstract: "The interactive shell (the default).")
    @OptionGroup var options: DataOption

    func run() throws {
        let session = Session(locator: DataLocator(explicit: options.data))
        let status = Terminal.stdinIsTTY
            ? REPL.run(session: session)
            : ScriptRunner.run(lines: StandardInputLines(), source: "stdin", session: session)
        if status != 0 { throw ExitCode(status) }
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a script of DigitLab lines, or a lesson (FILE.lesson), without pauses; the first failing line or `expect` stops it with FILE:LINE: message.",
        discussion: "DIGITLAB_QUICK=1 replays on a small subset of the data (5,000 training and 500 test images) with each expect's `quick` threshold.")
    @ArgumentParser.Argument(help: "The script file.") var file: String
    @Option(help: "Write the SHA-256 of every file the run wrote to this manifest.") var writeManifest: String?
    @Option(help: "Replay, then check the files against this manifest; exit 1 on any difference.") var verify: String?
    @Flag(help: "Let a lesson write outside outputs/ (lessons are shared files: by default they write only there).") var allowWrites = false
    @OptionGroup var options: DataOption

    func run() throws {
        let status = CommandLineTools.run(file: file, locator: DataLocator(explicit: options.data),
                                          writeManifest: writeManifest, verify: verify, allowWrites: allowWrites)
        if status != 0 { throw ExitCode(status) }
    }
}

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify digit pictures (PNG or JPEG): one line, or one JSON object, per image.",
        discussion: "Without --model, uses models/default.safetensors from the DigitLab folder (found like the data). Any PNG or JPEG works: photos (EXIF orientation applied), scans, drawings; light or dark paper, coloured ink, ruled paper, frames, shadows; any size and position. With --json, a picture that cannot be classified gives {\"error\": ..., \"file\": ...} in its place; the exit status is then 1.")
    @Option(help: "A model saved with `save model`.") var model: String?
    @Option(help: "How many of the most likely classes to show.") var top: Int = 3
    @Flag(help: "One JSON object per line: file, notes, prediction, top (or file, error).") var json = false
    @Flag(help: "Also write outputs/stages-NAME.png: each step from the picture to the 28x28 digit (for a picture not read, the steps up to where it gave up).") var stages = false
    @ArgumentParser.Argument(help: "PNG or JPEG files.") var images: [String]
    @OptionGroup var options: DataOption

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one picture (PNG or JPEG)") }
        guard (1...10).contains(top) else { throw ValidationError("--top must be between 1 and 10") }
    }

    func run() throws {
        let status = CommandLineTools.predict(images: images, model: model, locator: DataLocator(explicit: options.data),
                                              json: json, top: top, stages: stages)
        if status != 0 { throw ExitCode(status) }
    }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version",
        abstract: "DigitLab's version, the Swift it was built with and the libraries it runs with (as --version).")
    func run() { print(Version.text) }
}

struct Read: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read a whole handwritten number (a line of digits) in each picture: one line, or one JSON object, per image.",
        discussion: "Touching digits are split where the network is surest of the parts and the one-digit judge (models/one-digit.safetensors) finds each part one whole digit; a part cut from digits that overlap is also read by the in-line digit network (models/in-line.safetensors). Without --model, uses models/default.safetensors. JSON, keys in alphabetical order: {\"digits\": [{\"box\": [x, y, w, h], \"digit\": \"2\", \"doubted\": false, \"probability\": 0.99}, ...], \"file\": ..., \"marks\": [], \"notes\": [], \"text\": \"2026\"}. A decimal point, a comma or a colon between digits, or a minus sign before one, is in the text (\"3.14\", \"12:30\", \"-42\") and in marks: {\"after\": 1, \"box\": [x, y, w, h], \"mark\": \".\"}, after that many digits. Notes go to stderr, each naming its picture, and leave the exit status 0: another line of writing left out, or digits the one-digit judge doubts (\"this reading may be wrong: the 4th (8) may be two digits that touch …\"); with --json they are also in notes, and a doubted digit has \"doubted\": true.")
    @Option(help: "A model saved with `save model`.") var model: String?
    @Flag(help: "One JSON object per line: file, text, digits (or file, error).") var json = false
    @Flag(help: "Also write outputs/read-NAME.png: the boxes found and each digit as the network saw it (for a picture not read, the steps up to where it gave up).") var stages = false
    @ArgumentParser.Argument(help: "PNG or JPEG files.") var images: [String]
    @OptionGroup var options: DataOption

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one picture (PNG or JPEG)") }
    }

    func run() throws {
        let status = CommandLineTools.read(images: images, model: model, locator: DataLocator(explicit: options.data),
                                           json: json, stages: stages)
        if status != 0 { throw ExitCode(status) }
    }
}

struct Docs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print Docs/commands.md, generated from the command table (`make docs`).",
        shouldDisplay: false)
    func run() { print(CommandTable.markdown, terminator: "") }
}

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train one epoch on full MNIST and time inference, with the PyTorch reference's settings.")
    @Option(help: "mlp, mlp-l, lenet5 or cnn.") var net: String = "lenet5"
    @Option(help: "Threads (default 2; results are the same on any number).") var threads: Int = 2
    @Option(help: "The seed for initialisation and shuffling.") var seed: UInt64 = 0
    @Option(help: "Time only this many training steps and extrapolate to the epoch (0: the whole epoch).") var maxSteps: Int = 0
    @Option(help: "Train this many epochs, printing time and resident memory after each (a soak run).") var epochs: Int = 1
    @Flag(help: "Print one JSON line with the reference script's keys.") var json = false
    @OptionGroup var options: DataOption

    func run() throws {
        guard let preset = Preset.named(net) else {
            printError("bench: unknown net '\(net)' — one of \(Preset.all.map(\.name).joined(separator: ", "))")
            throw ExitCode(1)
        }
        var bench = Benchmark(preset: preset)
        bench.threads = threads
        bench.seed = seed
        bench.maxSteps = maxSteps
        bench.epochs = epochs
        if epochs > 1 {
            bench.onEpoch = { epoch, seconds, rss in
                print("epoch \(epoch): \(String(format: "%.2f", seconds)) s, resident memory \(String(format: "%.1f", rss)) MB")
            }
        }
        bench.locator = DataLocator(explicit: options.data)
        do {
            let result = try bench.run()
            print(json ? result.json : result.text)
        } catch {
            printError("bench: \(error)")
            throw ExitCode(1)
        }
    }
}

import Foundation
