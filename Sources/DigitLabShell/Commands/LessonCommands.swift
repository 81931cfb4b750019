extension CommandTable {
    static let lessonCommands: [Command] = [
        Command("lesson", step: .session, usage: "lesson list | lesson start NAME [from STEP] | lesson stop",
                summary: "Guided lessons: the prose, then each command, run when you press Enter. Type your own commands in between; `next` skips the shown command. Progress is remembered across restarts.",
                example: "lesson start 01", words: ["list", "start", "stop", "from"],
                action: { s, a in
                    var a = a
                    switch try a.next("list, start or stop") {
                    case "list": try a.done(); return try s.listLessons()
                    case "start":
                        let name = try a.next("a lesson name or number")
                        var from: Int?
                        if a.first == "from" { _ = try a.next("from"); from = try a.nextInt("the step to start from") }
                        try a.done()
                        return try s.startLesson(name, from: from)
                    case "stop":
                        try a.done()
                        guard let g = s.guide else { throw CommandError("lesson stop: no lesson is running") }
                        s.guide = nil
                        return "stopped \(g.lesson.title) at step \(g.position) (progress kept; `lesson start \(g.lesson.name)` resumes)"
                    case let other: throw CommandError("lesson: unknown '\(other)' — list, start or stop")
                    }
                }),
        Command("next", step: .session, usage: "next",
                summary: "During a lesson: move on without running the shown command.",
                example: "next", action: { s, a in
                    try a.done()
                    guard s.guide != nil else { throw CommandError("next: no lesson is running — `lesson start NAME`") }
                    return s.advanceGuide()
                }),
        Command("record", step: .session, usage: "record start FILE | record stop",
                summary: "Write every command you type from now on into a script that `digitlab run FILE` replays, with the seed and settings at its top.",
                example: "record start my-session.txt", words: ["start", "stop"],
                action: { s, a in
                    var a = a
                    switch try a.next("start or stop") {
                    case "start": let path = try a.next("a file name"); try a.done(); return try s.startRecording(path)
                    case "stop": try a.done(); return try s.stopRecording()
                    case let other: throw CommandError("record: unknown '\(other)' — start FILE or stop")
                    }
                }),
        Command("export", step: .postprocessing, usage: "export notebook FILE.html|FILE.md",
                summary: "The session as a linear notebook: every command, its output and its pictures. HTML is one self-contained file (pictures embedded); Markdown links to the pictures in outputs/.",
                example: "export notebook outputs/session.html", words: ["notebook"],
                action: { s, a in
                    var a = a
                    guard try a.next("notebook") == "notebook" else { throw CommandError("export: only `export notebook FILE` exists") }
                    let path = try a.next("a file ending in .html or .md")
                    try a.done()
                    return try s.exportNotebook(path)
                }),
    ]
}
