extension CommandTable {
    static let sessionCommands: [Command] = [
        Command("help", step: .session, usage: "help [COMMAND]",
                summary: "List the commands by step, or show one command's syntax and an example.",
                example: "help train", action: { s, a in try s.help(a) }),
        Command("history", step: .session, usage: "history", summary: "The lines typed so far in this session.",
                example: "history", action: { s, a in try a.done(); return s.history.enumerated().map { "\($0.offset + 1)  \($0.element)" }.joined(separator: "\n") }),
        Command("quit", step: .session, usage: "quit | exit", summary: "Leave DigitLab (Ctrl-D too).",
                example: "quit", action: { s, a in try a.done(); s.quitRequested = true; return "" }),
    ]
}

extension Session {
    func help(_ args: Arguments) throws(CommandError) -> String {
        var a = args
        if let name = a.first {
            _ = try a.next("a command")
            try a.done()
            guard let c = CommandTable.command(named: name) else {
                throw CommandError("help: no command '\(name)'" + (CommandTable.closest(to: name).map { " — did you mean \($0)?" } ?? ""))
            }
            return "\(c.usage)\n  \(c.summary)\n  example: \(c.example)"
        }
        var lines = ["Commands, in the order of the steps (help COMMAND for details):"]
        for step in Step.allCases {
            let cs = CommandTable.all.filter { $0.step == step }
            guard !cs.isEmpty else { continue }
            lines.append("  \(step.rawValue):")
            for c in cs { lines.append("    \(Format.pad(c.name, 8)) \(c.usage)") }
        }
        return lines.joined(separator: "\n")
    }
}
