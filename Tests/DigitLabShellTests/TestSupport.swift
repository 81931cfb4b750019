import DigitLabCore
import Foundation
import Testing
@testable import DigitLabShell

/// The package folder, so the bundled data/mnist is found.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

func session() -> Session { Session(locator: .init(explicit: packageRoot)) }

/// Plain text, as a pipe shows it.
let plain = TextRenderer(useColor: false, width: 100, includeLive: true, includeHints: true)

/// Runs lines and returns the last output as plain text; a failing line fails the test.
@discardableResult
func run(_ s: Session, _ lines: String...) throws -> String {
    var last = ""
    for l in lines { last = plain.render(try s.run(l)) }
    return last
}

/// Runs one line and returns its blocks.
func blocks(_ s: Session, _ line: String) throws -> [Block] { try s.run(line).blocks }

func errorOf(_ s: Session, _ line: String) -> String {
    do { _ = try s.run(line); return "no error" } catch { return error.message }
}

func temporaryFolder(_ name: String = "test") -> String {
    let f = NSTemporaryDirectory() + "digitlab-\(name)-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: f, withIntermediateDirectories: true)
    return f
}

/// Everything about a session that a command could change, as one string: two sessions
/// with the same fingerprint are the same to every later command.
func fingerprint(_ s: Session) -> String {
    let st = s.state
    func hash(_ values: [Float]) -> UInt64 {
        values.reduce(14_695_981_039_346_656_037) { ($0 ^ UInt64($1.bitPattern)) &* 1_099_511_628_211 }
    }
    func hash(_ bytes: [UInt8]) -> UInt64 { bytes.reduce(14_695_981_039_346_656_037) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 } }
    var parts = ["settings \(st.settings)", "rng \(st.rng.state)"]
    if let d = st.data.dataset {
        parts.append("data \(d.name) \(d.train.count) \(d.validation?.count ?? -1) \(d.test.count) \(hash(d.train.pixels)) \(hash(d.train.labels)) \(d.classNames)")
    }
    parts.append("normalization \(st.data.normalization) \(st.data.normalizationSource) \(st.data.augmentation) \(st.data.recipe)")
    if let n = st.model.network {
        let snap = n.snapshot()
        parts.append("network \(n.specs) \(hash(snap.parameters.flatMap { $0 })) \(hash(snap.buffers.flatMap { $0.flatMap { $0 } }))")
    }
    if let t = st.model.trainer {
        parts.append("trainer \(t.stepsTaken) \(t.epochsCompleted) \(t.positionInEpoch) \(t.rng.state) \(t.settings)")
    }
    parts.append("metrics \(st.model.metrics.steps.count) \(st.model.metrics.epochs.count) \(st.model.unsavedSteps) \(st.model.runName ?? "") \(st.model.classNames ?? [])")
    parts.append("outputs \(st.outputs.folder) \(st.outputs.artifacts) \(st.outputs.counters.sorted { $0.key < $1.key })")
    parts.append("runs \(st.runs.runs.map { $0.name ?? "" })")
    parts.append("drawing \(st.drawing.map(hash) ?? 0)")
    parts.append("recorder \(s.recorder?.path ?? "") \(s.recorder?.lines.count ?? 0)")
    parts.append("guide \(s.guide?.position ?? -1) \(s.guide?.pending ?? "") \(s.stash != nil)")
    return parts.joined(separator: "\n")
}

/// The process has one current folder, and tests run in parallel: those that change it
/// (lessons use paths from the DigitLab folder; a failure test lists what lands in its
/// own) take turns, and leave the DigitLab folder current.
private let currentFolderLock = NSLock()
func inFolder<T>(_ path: String, _ body: () throws -> T) rethrows -> T {
    currentFolderLock.lock()
    defer { _ = FileManager.default.changeCurrentDirectoryPath(packageRoot); currentFolderLock.unlock() }
    #expect(FileManager.default.changeCurrentDirectoryPath(path))
    return try body()
}

/// What a terminal shows for `line`: the live lines as they come (epoch results, notes,
/// warnings), then the output without its live blocks.
func linesOnScreen(_ s: Session, _ line: String) throws -> [String] {
    final class Screen: LiveOutput {
        var lines = [String]()
        func transient(_ text: String) {}
        func permanent(_ text: String) { lines.append(text) }
        func clear() {}
    }
    let screen = Screen()
    s.live = screen
    defer { s.live = nil }
    let output = try s.run(line)
    return screen.lines + TextRenderer(useColor: false, width: 100, includeLive: false, includeHints: true)
        .render(output).split(separator: "\n").map(String.init)
}
