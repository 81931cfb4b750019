extension CommandTable {
    /// `Docs/commands.md`: every command and form by step, from the same declarations as
    /// `help`. `make docs` writes it; a test fails when the file and the table disagree.
    public static var markdown: String {
        var lines = ["# DigitLab commands", "",
                     "Generated from the command declarations by `make docs`; do not edit by hand.",
                     "The same lines work at the prompt, in scripts (`digitlab run FILE`), piped",
                     "into `digitlab`, and in lessons. `#` at the start of a word begins a comment;",
                     "quote words with spaces (`\"my digits/seven.png\"`, `'…'`, or `my\\ digits`).", ""]
        for step in Step.allCases {
            let ds = all.filter { $0.step == step }
            guard !ds.isEmpty else { continue }
            lines.append("## \(step.rawValue.prefix(1).uppercased() + step.rawValue.dropFirst())")
            lines.append("")
            for d in ds {
                lines += ["### `\(d.name)`" + (d.aliases.isEmpty ? "" : " (also `\(d.aliases.joined(separator: "`, `"))`)"), "", d.summary, ""]
                for f in d.forms {
                    lines += ["```", f.usage(d.name), "```", "", f.summary, ""]
                    let described = f.arguments.filter { !$0.help.isEmpty }
                    for a in described {
                        let name = a.keyword.map { a.kind.isFlag ? $0 : "\($0) \(a.placeholder)" } ?? a.placeholder
                        lines.append("- `\(name)`: \(a.help)\(Help.describe(a.kind))")
                    }
                    if !described.isEmpty { lines.append("") }
                    lines += ["Example: `\(f.example)`", ""]
                }
            }
        }
        return lines.joined(separator: "\n")
    }
}
