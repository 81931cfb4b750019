import DigitLabCore
import DigitLabIO
import Foundation

/// `record start FILE` … `record stop`: what the learner types, as a script that replays
/// to the same numbers. The file begins with a preamble that recreates the state the
/// recording starts from — every setting, the data (with the seed each step used), the
/// augmentation and, when there is a network or the generator has moved on, a checkpoint
/// saved beside the recording — then holds every command that succeeded, written after
/// each one so a crash loses nothing.
struct Recorder {
    let path: String
    var lines: [String]
    let policy: WritePolicy
    let preambleCount: Int

    var commandCount: Int { lines.count - preambleCount }

    var text: String { lines.joined(separator: "\n") + "\n" }

    /// The checkpoint a recording of `path` starts from: `my-session.start.safetensors`.
    /// Refuses a script name that is a folder, a link, or ends in "/", "." or "..".
    static func checkScriptName(_ path: String) throws(CommandError) {
        let last = URL(fileURLWithPath: path).lastPathComponent
        if path.isEmpty || path.hasSuffix("/") || path.hasSuffix("/.") || path.hasSuffix("/..") || [".", ".."].contains(path) || last.isEmpty {
            throw CommandError("record start: '\(Sanitize.line(path))' names a folder — give a file name such as my-session.txt")
        }
        if let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType {
            if type == .typeDirectory { throw CommandError("record start: \(Sanitize.line(path)) is a folder — give a file name such as my-session.txt") }
            if type == .typeSymbolicLink { throw CommandError("record start: \(Sanitize.line(path)) is a symbolic link — DigitLab does not write through links; give another name") }
        }
    }

    /// An existing file at the checkpoint's name is replaced only if it is a checkpoint.
    static func checkCheckpointName(_ file: String) throws(CommandError) {
        guard FileManager.default.fileExists(atPath: file) else { return }
        guard Checkpoint.isCheckpoint(file) else {
            throw CommandError("record start: \(Sanitize.line(file)) exists and is not a DigitLab checkpoint — the recording would replace it; choose another name")
        }
    }

    static func checkpointPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let stem = url.deletingPathExtension().lastPathComponent
        let folder = (path as NSString).deletingLastPathComponent
        return (folder.isEmpty ? "" : folder + "/") + stem + ".start.safetensors"
    }

    /// The lines that bring a fresh session to `state`; `checkpoint` is where the
    /// network and training state were saved, if they had to be.
    static func preamble(_ state: SessionState, checkpoint: String?) -> [String] {
        var lines = ["# Recorded with DigitLab \(ModelFile.digitLabVersion). Replay: digitlab run FILE",
                     "# What the session was when the recording started:"]
        for step in state.data.recipe { lines += step.components(separatedBy: "\n") }
        lines += state.settings.commands
        if state.data.scaling != .standardise { lines.append("preprocess \(state.data.scaling.rawValue)") }
        if !state.data.augmentation.isIdentity { lines.append("augment \(state.data.augmentation.description)") }
        if let checkpoint { lines.append("load checkpoint \(Tokenizer.quoted(checkpoint))") }
        lines.append("# What was typed:")
        return lines
    }

    /// Whether the state needs a checkpoint to be recreated: a network exists, or the
    /// generator has drawn since the seed was set.
    static func needsCheckpoint(_ state: SessionState) -> Bool {
        state.model.network != nil || state.rng != SeededRNG(seed: state.settings.seed) || state.data.normalizationSource == .model
            || !state.runs.runs.isEmpty || !state.outputs.counters.isEmpty
    }
}

extension Session {
    /// Appends a successful command to the recording; returns a warning if the file could
    /// not be written (the recording then stops).
    func record(_ line: String) -> String? {
        guard var r = recorder else { return nil }
        r.lines.append(line)
        do {
            try AtomicFile.write(Array(r.text.utf8), to: r.path, policy: r.policy)
        } catch {
            recorder = nil
            return "the recording stopped: \(error) — the commands up to the previous one are in \(r.path)"
        }
        recorder = r
        return nil
    }
}
