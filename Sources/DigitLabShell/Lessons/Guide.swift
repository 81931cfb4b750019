import DigitLabIO
import Foundation

/// A lesson followed at the prompt. It runs in a clean session of its own (the learner's
/// is put aside and comes back with `lesson stop`); its commands wait for Enter; a check
/// that fails stops the lesson at that check until it passes (or `next` skips it, and
/// the lesson is then not marked complete).
struct Guide {
    var lesson: Lesson
    /// Index of the next step not yet shown.
    var position: Int
    /// The command shown and waiting for Enter (or `next`).
    var pending: String?
    /// A check that failed and waits to be passed (Enter checks it again).
    var failed: Expectation?
    /// False once a check was skipped.
    var allPassed = true
    var finished = false
}

extension Session {
    /// Where `lesson list` looks: the lessons/ folder of the DigitLab home.
    var lessonsFolder: String? { (try? locator.home()).map { $0 + "/lessons" } }

    func lessonFiles() throws(CommandError) -> [String] {
        guard let folder = lessonsFolder,
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw CommandError("no lessons/ folder found next to the data — run DigitLab from its folder or set DIGITLAB_HOME")
        }
        return names.filter { $0.hasSuffix(".lesson") }.sorted().map { folder + "/" + $0 }
    }

    /// Starts (or resumes) a lesson in a clean session; the learner's own is put aside.
    func startLesson(_ name: String, from: Int?) throws(CommandError) -> (SessionState, Output) {
        guard recorder == nil else { throw CommandError("lesson start: a recording is running — `record stop` first (a lesson runs in a session of its own)") }
        let files = try lessonFiles()
        let match = files.first { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent == name }
            ?? files.first { URL(fileURLWithPath: $0).lastPathComponent.hasPrefix(name + "-") }
            ?? files.first { URL(fileURLWithPath: $0).lastPathComponent.hasPrefix(name) }
        guard let path = match else {
            let names = files.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
            throw CommandError("lesson start: no lesson '\(Sanitize.line(name))'" + Suggest.hint(name, among: names) + " — `lesson list` shows them")
        }
        let lesson = try Lesson.load(path)
        if let missing = missingRequirement(lesson) { throw CommandError("lesson \(lesson.name): \(missing)") }
        let steps = lesson.steps
        var position = 0
        var note: String?
        if let from {
            position = max(0, min(steps.count, from - 1))
        } else if let saved = loadLessonProgress()[lesson.name], saved > 0, saved < steps.count {
            position = saved
            note = "resuming at step \(saved + 1) of \(steps.count) (`lesson start \(lesson.name) from 1` starts over)"
        }
        // A clean session: default settings and seed, no data, no network. Only how
        // pictures show is the learner's.
        var fresh = SessionState()
        fresh.settings.pictures = state.settings.pictures
        fresh.outputs.folder = state.outputs.folder
        let own = stash ?? state
        let (previousState, previousStash, previousGuide) = (state, stash, guide)
        state = fresh
        stash = own
        guide = Guide(lesson: lesson, position: position)
        // Resuming: the steps before run quietly, so the state they make exists.
        for step in steps.prefix(position) {
            guard case let .command(line, number) = step else { continue }
            do { _ = try execute(line, origin: .quietReplay) } catch {
                state = previousState; stash = previousStash; guide = previousGuide
                throw CommandError("lesson \(lesson.name): replaying step \(number) to resume failed (\(error.message)) — `lesson start \(lesson.name) from 1`")
            }
        }
        var out = Output([.text("== \(lesson.title) ==")])
        if let note { out.append(.hint(note)) }
        out.append(.hint("(a lesson runs in a clean session of its own; `lesson stop` brings yours back)"))
        out.append(contentsOf: advanceGuide())
        return (state, out)
    }

    /// Shows prose and runs checks up to the next command, which becomes pending.
    func advanceGuide() -> Output {
        guard var g = guide, !g.finished else { return Output() }
        var out = Output()
        g.pending = nil
        g.failed = nil
        loop: while g.position < g.lesson.steps.count {
            let step = g.lesson.steps[g.position]
            g.position += 1
            switch step {
            case .prose(let text): out.append(.prose(text))
            case .command(let line, _):
                g.pending = line
                out.append(.hint("next: > \(line)\n  (Enter runs it; type your own commands any time; `next` skips it)"))
                break loop
            case .expect(let e, _):
                let (passed, line) = e.evaluate(state, quick: quickLessons)
                out.append(.check(passed: passed, text: line))
                if !passed {
                    g.failed = e
                    out.append(.hint("what to try: \(e.hint ?? "go back over the steps above, or train more") — Enter checks again; `next` skips the check (the lesson will not count as complete)"))
                    break loop
                }
            }
        }
        if g.pending == nil, g.failed == nil {
            g.finished = true
            if g.allPassed {
                out.append(.text("lesson complete: \(g.lesson.title) ✓ — explore on, or `lesson stop` to go back to your own session; `lesson list` for the next one"))
                saveLessonProgress(g.lesson.name, position: -1)
            } else {
                out.append(.text("end of \(g.lesson.title) — a check was skipped, so it is not marked complete; `lesson start \(g.lesson.name) from 1` to try again"))
                saveLessonProgress(g.lesson.name, position: 0)
            }
        } else {
            // The step it waits on — a command, or a check that failed — is where a resume
            // starts and what `lesson stop` and `lesson list` both name.
            saveLessonProgress(g.lesson.name, position: g.position - 1)
        }
        guide = g
        return out
    }

    /// The command a lesson shows and waits for, if any.
    public var pendingLessonCommand: String? { guide?.pending }

    /// What Enter does during a lesson: run the shown command, or check a failed
    /// expectation again. Nil when there is nothing to do.
    public func lessonEnter() throws(CommandError) -> Output? {
        guard var g = guide, !g.finished else { return nil }
        if let e = g.failed {
            let (passed, line) = e.evaluate(state, quick: quickLessons)
            guard passed else {
                return Output([.check(passed: false, text: line),
                               .hint("what to try: \(e.hint ?? "go back over the steps above") — Enter checks again; `next` skips it")])
            }
            g.failed = nil
            guide = g
            var out = Output([.check(passed: true, text: line)])
            out.append(contentsOf: advanceGuide())
            journal.append(lessonOutput: out)
            return out
        }
        guard let pending = g.pending else { return nil }
        // The echo goes out first, live, so a long command's epoch lines come under it.
        live?.permanent("> \(pending)")
        var out = Output([live == nil ? .text("> \(pending)") : .live("> \(pending)")])
        out.append(contentsOf: try execute(pending, origin: .lesson)) // execute moves the lesson on when it sees the pending line
        return out
    }

    /// `next`: skip the shown command, or the failed check.
    func skipLessonStep() throws(CommandError) -> Output {
        guard var g = guide, !g.finished else { throw CommandError("next: no lesson is running — `lesson start NAME`") }
        if g.failed != nil { g.allPassed = false }
        guide = g
        return advanceGuide()
    }

    /// `lesson stop`: the learner's own session comes back.
    func stopLesson() throws(CommandError) -> (SessionState, Output) {
        guard let g = guide, let own = stash else { throw CommandError("lesson stop: no lesson is running") }
        guide = nil
        stash = nil
        let where_ = g.finished ? "finished" : "stopped at step \(g.position) of \(g.lesson.steps.count) (progress kept; `lesson start \(g.lesson.name)` resumes)"
        return (own, .text("\(g.lesson.title): \(where_); your own session is back"))
    }

    func missingRequirement(_ lesson: Lesson) -> String? {
        guard lesson.requires == "fashion" else { return nil }
        return FileManager.default.fileExists(atPath: DatasetLoader.fashionFolder) ? nil
            : "needs Fashion-MNIST, which is not installed — `sudo apt-get install dataset-fashion-mnist`, then start it again"
    }

    // Progress: one line per lesson, "NAME POSITION" (-1 = done), in ~/.digitlab_lessons.
    func loadLessonProgress() -> [String: Int] {
        guard let path = lessonProgressFile, let text = try? TextFile.read(path, limit: 1 << 20) else { return [:] }
        var progress = [String: Int]()
        for line in Tokenizer.lines(text) {
            let parts = line.split(separator: " ")
            if parts.count == 2, let p = Int(parts[1]) { progress[String(parts[0])] = p }
        }
        return progress
    }

    func saveLessonProgress(_ name: String, position: Int) {
        guard let path = lessonProgressFile else { return }
        var progress = loadLessonProgress()
        progress[name] = position
        let text = progress.keys.sorted().map { "\($0) \(progress[$0] ?? 0)" }.joined(separator: "\n") + "\n"
        try? AtomicFile.write(Array(text.utf8), to: path)
    }
}
