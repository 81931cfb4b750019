/// Replays a lesson without pauses (`digitlab run LESSON`): prose, each command with its
/// output, each check. The first failing command or check stops it with `FILE:LINE:`.
/// The lesson's lines may write only under outputs/ unless the session allows more.
public enum LessonRunner {
    public static func run(_ lesson: Lesson, file: String, session: Session,
                           write: (Output) -> Void, writeError: (String) -> Void) -> Int32 {
        if let missing = session.missingRequirement(lesson) {
            write(.text("== \(lesson.title) ==", "skipped: this lesson \(missing)"))
            return 0
        }
        let title = Output([.text("== \(lesson.title) ==")])
        write(title)
        session.journal.append(lessonOutput: title)
        for step in lesson.steps {
            switch step {
            case .prose(let text):
                let out = Output([.prose(text)])
                session.journal.append(lessonOutput: out)
                write(out)
            case let .command(line, number):
                write(.text("> \(line)"))
                do {
                    let out = try session.execute(line, origin: .lesson)
                    if !out.isEmpty { write(out) }
                } catch {
                    writeError("\(file):\(number): \(error.message)")
                    return 1
                }
            case let .expect(e, number):
                let (passed, line) = e.evaluate(session.state, quick: session.quickLessons)
                guard passed else {
                    writeError("\(file):\(number): \(line)" + (e.hint.map { " — try: \($0)" } ?? ""))
                    return 1
                }
                let out = Output([.check(passed: true, text: line)])
                session.journal.append(lessonOutput: out)
                write(out)
            }
        }
        return 0
    }
}
