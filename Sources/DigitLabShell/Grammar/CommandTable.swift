/// Every command of the language, in `help` order. Adding a command means adding one
/// declaration here (and its type beside it in Commands/).
public enum CommandTable {
    public static let all: [CommandDeclaration] = [
        LoadCommand.declaration, DataCommand.declaration, ShowCommand.declaration,
        PreprocessCommand.declaration, AugmentCommand.declaration,
        NetCommand.declaration,
        SetCommand.declaration, TrainCommand.declaration,
        SplitCommand.declaration, RunCommand.declaration, RunCommand.listDeclaration,
        EvalCommand.declaration,
        PredictCommand.declaration, DrawCommand.declaration, ExplainCommand.declaration,
        RenderCommand.declaration, ExportCommand.declaration,
        SaveCommand.declaration,
        LessonCommand.declaration, LessonCommand.nextDeclaration, RecordCommand.declaration,
        SessionCommand.helpDeclaration, SessionCommand.historyDeclaration, SessionCommand.quitDeclaration,
    ]

    public static let names: [String] = all.map(\.name)

    public static func declaration(named name: String) -> CommandDeclaration? {
        all.first { $0.name == name || $0.aliases.contains(name) }
    }
}
