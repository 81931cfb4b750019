import DigitLabIO

extension Session {
    /// Commands about the session itself are not part of a replayable script.
    static let unrecorded: Set<String> = ["record", "export", "history", "help", "lesson", "quit", "next"]

    /// The script's first lines: what a replay needs to start from the same place.
    func recordingHeader() -> [String] {
        var lines = ["# Recorded with DigitLab \(ModelFile.digitLabVersion). Replay: digitlab run FILE",
                     "set seed \(seed)", "set threads \(threads)",
                     "set lr \(settings.learningRate)", "set batch \(settings.batchSize)",
                     "set optimizer \(settings.optimizer.kind.rawValue)", "set schedule \(settings.schedule.description)"]
        if !augmentation.isIdentity { lines.append("augment \(augmentation.description)") }
        if dataset != nil || network != nil {
            lines.append("# Note: data and network loaded before `record start` are not in this file.")
        }
        return lines
    }

    func record(_ line: String, command: String) throws(CommandError) {
        guard var r = recording, !Self.unrecorded.contains(command) else { return }
        r.lines.append(line)
        recording = r
        // Written after every line: a crash loses nothing typed so far.
        do { try AtomicFile.write(Array((r.lines.joined(separator: "\n") + "\n").utf8), to: r.path, policy: .anywhere.creating(outputFolder)) } catch {
            throw CommandError("record: \(error.description)")
        }
    }

    func startRecording(_ path: String) throws(CommandError) -> String {
        guard recording == nil else { throw CommandError("record: already recording to \(recording!.path) — `record stop` first") }
        recording = (path, recordingHeader())
        do { try AtomicFile.write(Array((recording!.lines.joined(separator: "\n") + "\n").utf8), to: path, policy: .anywhere.creating(outputFolder)) } catch {
            recording = nil
            throw CommandError(error.description)
        }
        wrote(path)
        return "recording to \(path): every command from now on, after the seed and settings; `record stop` ends it"
    }

    func stopRecording() throws(CommandError) -> String {
        guard let r = recording else { throw CommandError("record: not recording — `record start FILE` first") }
        recording = nil
        let commands = r.lines.filter { !$0.hasPrefix("#") }.count - recordingHeader().filter { !$0.hasPrefix("#") }.count
        return "stopped recording: \(max(0, commands)) commands in \(r.path) (replay with `digitlab run \(r.path)`)"
    }
}
