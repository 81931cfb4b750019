import DigitLabCore
import DigitLabIO

/// Everything a learner has built in one sitting: data, network, settings, the RNG and
/// the history. Plain state; `run(_:)` turns one line of text into calls of Core and IO
/// and returns what to print. The terminal is only a thin loop around it.
public final class Session: @unchecked Sendable {
    public var dataset: Dataset?
    public var normalization: Normalization = .scaleOnly
    /// True while the network came from a model file: its normalisation is the one it
    /// was trained with, and loading data must not replace it.
    public var normalizationFromModel = false
    /// Every step and epoch trained on the current network (for `render curves`).
    public var metrics = MetricsLog()
    /// Where `render` writes when no `to FILE` is given.
    public var outputFolder = "outputs"
    /// Random changes to training batches (`augment`); off by default.
    public var augmentation = Augmentation()
    public var network: Network?
    public var trainer: Trainer?
    public var settings = TrainingSettings()
    public var seed: UInt64 = 0 { didSet { rng = SeededRNG(seed: seed) } }
    public var rng = SeededRNG(seed: 0)
    public var threads = 2 { didSet { Parallel.threads = threads } }
    /// Epochs `train epoch` runs when no count is given.
    public var epochs = 1
    public private(set) var history: [String] = []
    /// Every command that ran, with its output, for `export notebook`.
    public private(set) var transcript: [(line: String, output: String, failed: Bool)] = []
    /// Files this session wrote (pictures, models, scripts), for `run --write-manifest`.
    public private(set) var artifacts: [String] = []
    /// The lesson being followed at the prompt (`lesson start`).
    var guide: Guide?
    /// Where lesson progress is remembered across restarts (the REPL sets
    /// ~/.digitlab_lessons; nil keeps no record).
    public var lessonProgressFile: String?
    /// `record start FILE`: where typed commands are being written, and what was typed.
    var recording: (path: String, lines: [String])?
    public let locator: DataLocator
    /// Polled at every batch boundary: set from a Ctrl-C handler to stop training.
    public var interruptRequested: @Sendable () -> Bool = { false }
    /// Where a long command shows progress as it runs (the REPL on a terminal); nil in
    /// scripts and tests, where everything comes back in the command's output.
    public var live: (any LiveOutput)?
    /// Grey escape codes in digit previews (the REPL on a terminal without NO_COLOR).
    public var useColor = false
    /// Lessons replayed quickly (the test suite; `DIGITLAB_QUICK=1`): every `load` keeps
    /// at most these many images, and `expect` uses its `quick` thresholds.
    public var quickLimit: (train: Int, test: Int)? = ProcessInfo.processInfo.environment["DIGITLAB_QUICK"] == "1" ? (5000, 500) : nil
    public var quickLessons: Bool { quickLimit != nil }
    /// Set by `quit`; the front end ends its loop.
    public var quitRequested = false

    public init(locator: DataLocator = DataLocator()) {
        self.locator = locator
        Parallel.threads = threads
    }

    /// Runs one line (a command, a blank line or a `#` comment) and returns its output.
    public func run(_ line: String) throws(CommandError) -> String {
        let words = Self.split(line)
        guard let name = words.first else { return "" }
        history.append(line.trimmingCharacters(in: .whitespaces))
        guard let command = CommandTable.command(named: name) else {
            let hint = CommandTable.closest(to: name).map { " — did you mean \($0)?" } ?? " — type `help` for the list"
            throw CommandError("unknown command '\(name)'\(hint)")
        }
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        do {
            var output = try command.action(self, Arguments(command: name, words: Array(words.dropFirst())))
            transcript.append((trimmed, output, false))
            try record(trimmed, command: command.name)
            if let lesson = guideAfter(trimmed) { output += (output.isEmpty ? "" : "\n") + lesson }
            return output
        } catch let e as CommandError {
            transcript.append((trimmed, e.message, true))
            throw e
        } catch {
            transcript.append((trimmed, "\(name): \(error)", true))
            throw CommandError("\(name): \(error)")
        }
    }

    /// Words separated by blanks; `#` starts a comment; "quoted words" keep their spaces.
    static func split(_ line: String) -> [String] {
        var words = [String](), current = "", quoted = false, hasWord = false
        for ch in line {
            if ch == "\"" { quoted.toggle(); hasWord = true; continue }
            if !quoted && ch == "#" { break }
            if !quoted && (ch == " " || ch == "\t") {
                if hasWord { words.append(current); current = ""; hasWord = false }
            } else {
                current.append(ch); hasWord = true
            }
        }
        if hasWord { words.append(current) }
        return words
    }

    /// A file to read: as given when it exists from the current directory, else inside
    /// the DigitLab home (lessons name bundled files such as `models/default.safetensors`).
    func resolve(_ path: String) -> String {
        guard !path.hasPrefix("/"), !FileManager.default.fileExists(atPath: path),
              let home = try? locator.home(), FileManager.default.fileExists(atPath: home + "/" + path) else { return path }
        return home + "/" + path
    }

    /// Notes a file the session wrote (for manifests and the notebook).
    func wrote(_ path: String) {
        if !artifacts.contains(path) { artifacts.append(path) }
    }

    /// The training data, or the one-line reason there is none.
    func requireData() throws(CommandError) -> Dataset {
        guard let d = dataset else { throw CommandError("no data loaded — start with `load mnist`") }
        return d
    }

    func requireNetwork() throws(CommandError) -> Network {
        guard let n = network, !n.isEmpty else {
            throw CommandError("no network yet — try `net preset mlp`, or `net new` then `net add dense 128 relu`")
        }
        return n
    }
}

import Foundation
