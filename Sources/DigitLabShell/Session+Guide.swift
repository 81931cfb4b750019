import Foundation

/// A lesson being followed at the prompt.
struct Guide {
    var lesson: Lesson
    /// Index of the next step not yet shown.
    var position: Int
    /// The command shown and waiting for Enter (or `next`).
    var pending: String?
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

    func listLessons() throws(CommandError) -> String {
        let progress = loadLessonProgress()
        var lines = ["  lesson                         min  progress   what it teaches"]
        for path in try lessonFiles() {
            let lesson = try Lesson.load(path)
            let state: String
            switch progress[lesson.name] {
            case .some(-1): state = "done ✓"
            case .some(let p): state = "step \(p + 1)/\(lesson.steps.count)"
            case .none: state = ""
            }
            lines.append("  \(Format.pad(lesson.name, 30)) \(Format.padLeft(String(lesson.minutes), 3))  \(Format.pad(state, 10)) \(lesson.title): \(lesson.summary)")
        }
        lines.append("`lesson start NAME` (or its number) begins one; progress is remembered.")
        return lines.joined(separator: "\n")
    }

    func startLesson(_ name: String, from: Int?) throws(CommandError) -> String {
        let files = try lessonFiles()
        guard let path = files.first(where: {
            let file = URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent
            return file == name || file.hasPrefix(name + "-") || file.hasPrefix(name)
        }) else {
            throw CommandError("lesson start: no lesson '\(name)' — `lesson list` shows them")
        }
        let lesson = try Lesson.load(path)
        let saved = loadLessonProgress()[lesson.name]
        var position = 0
        var note = ""
        if let from {
            position = max(0, min(lesson.steps.count, from - 1))
        } else if let s = saved, s > 0 {
            position = s
            note = "(resuming at step \(s + 1) of \(lesson.steps.count); `lesson start \(name) from 1` starts over)\n"
        }
        guide = Guide(lesson: lesson, position: position, pending: nil)
        return "== \(lesson.title) ==\n" + note + advanceGuide()
    }

    /// Shows prose and runs checks up to the next command, which becomes pending.
    func advanceGuide() -> String {
        guard var g = guide else { return "" }
        var out = [String]()
        g.pending = nil
        while g.position < g.lesson.steps.count, g.pending == nil {
            switch g.lesson.steps[g.position] {
            case .prose(let text): out.append(LessonRunner.wrap(text))
            case .command(let line, _): g.pending = line
            case .expect(let e, _):
                do { out.append(try check(e)) } catch { out.append("✗ \(e.text): \(error.message)") }
            }
            g.position += 1
        }
        if let pending = g.pending {
            out.append("  next: > \(pending)\n  (Enter runs it; type your own commands any time; `next` skips it)")
            guide = g
            saveLessonProgress(g.lesson.name, position: g.position - 1)
        } else {
            out.append("lesson complete: \(g.lesson.title) ✓ — `lesson list` for the next one")
            guide = nil
            saveLessonProgress(g.lesson.name, position: -1)
        }
        return out.joined(separator: "\n")
    }

    /// The command a lesson shows and waits for, if any.
    public var pendingLessonCommand: String? { guide?.pending }

    /// Enter at the prompt during a lesson: run the pending command, then move on.
    public func runPendingLessonCommand() throws(CommandError) -> String {
        guard let pending = guide?.pending else { return "" }
        return "> \(pending)\n" + (try run(pending)) // run() advances when it sees the pending line
    }

    /// Called after every successful command: typing the shown command moves the lesson on.
    func guideAfter(_ line: String) -> String? {
        guard let pending = guide?.pending, pending == line else { return nil }
        return advanceGuide()
    }

    // Progress: one line per lesson, "NAME POSITION" (-1 = done), in ~/.digitlab_lessons.
    func loadLessonProgress() -> [String: Int] {
        guard let path = lessonProgressFile, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var progress = [String: Int]()
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let p = Int(parts[1]) { progress[String(parts[0])] = p }
        }
        return progress
    }

    func saveLessonProgress(_ name: String, position: Int) {
        guard let path = lessonProgressFile else { return }
        var progress = loadLessonProgress()
        progress[name] = position
        let text = progress.keys.sorted().map { "\($0) \(progress[$0]!)" }.joined(separator: "\n") + "\n"
        try? text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
