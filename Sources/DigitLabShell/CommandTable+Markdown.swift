extension CommandTable {
    /// `Docs/commands.md`: every command by step, from the same declarations as `help`.
    /// `make docs` writes it; a test fails when the file and the table disagree.
    public static var markdown: String {
        var lines = ["# DigitLab commands", "",
                     "Generated from the command table by `make docs`; do not edit by hand.",
                     "The same lines work at the prompt, in scripts (`digitlab run FILE`), piped",
                     "into `digitlab`, and in lessons. `#` starts a comment.", ""]
        for step in Step.allCases {
            let commands = all.filter { $0.step == step }
            guard !commands.isEmpty else { continue }
            lines.append("## \(step.rawValue.prefix(1).uppercased() + step.rawValue.dropFirst())")
            lines.append("")
            for c in commands {
                lines += ["### `\(c.name)`", "", "```", c.usage, "```", "", c.summary, "",
                          "Example: `\(c.example)`", ""]
            }
        }
        return lines.joined(separator: "\n")
    }
}
