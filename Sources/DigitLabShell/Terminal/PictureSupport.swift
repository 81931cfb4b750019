import DigitLabViz
import Foundation

/// Which inline-picture protocol this terminal speaks, decided once per session.
///
/// The order of evidence: a protocol asked for by name (`set pictures kitty`,
/// `DIGITLAB_PICTURES=kitty`) is used as asked, even into a pipe; `auto` looks at the
/// environment the terminal sets (`KITTY_WINDOW_ID`, `TERM_PROGRAM`, …) and, only when
/// that says nothing and stdin and stdout are both the terminal, asks the terminal for
/// its device attributes (sixel is attribute 4). `auto` into a pipe or a file is `files`:
/// never an escape code where no terminal reads it.
public enum PictureSupport {
    /// What `auto` (or a named protocol) came to, and why, in words for the learner.
    public struct Decision: Equatable, Sendable {
        /// Never `.auto`.
        public var kind: PictureProtocol
        /// Wrap each sequence for tmux (`InlinePicture.encode(…, passthrough: true)`).
        public var passthrough: Bool
        /// e.g. "kitty (KITTY_WINDOW_ID is set)", for `show settings` and the docs.
        public var reason: String

        public init(_ kind: PictureProtocol, passthrough: Bool = false, _ reason: String) {
            self.kind = kind; self.passthrough = passthrough; self.reason = reason
        }
    }

    /// The environment variable that picks the protocol for a whole session.
    public static let environmentVariable = "DIGITLAB_PICTURES"

    /// The session's starting choice from `DIGITLAB_PICTURES`: unset or empty is `auto`; a
    /// value that is none of the five is `files`, with one line saying so.
    ///
    ///     DIGITLAB_PICTURES=kity  →  (.files, "DIGITLAB_PICTURES=kity is not one of auto, kitty, iterm, sixel, files — showing file paths only")
    public static func choice(environment: [String: String]) -> (choice: PictureProtocol, warning: String?) {
        guard let raw = environment[environmentVariable]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else {
            return (.auto, nil)
        }
        if let named = PictureProtocol(rawValue: raw.lowercased()) { return (named, nil) }
        let names = PictureProtocol.allCases.map(\.rawValue).joined(separator: ", ")
        return (.files, "\(environmentVariable)=\(raw) is not one of \(names) — showing file paths only")
    }

    /// Resolves `choice` for this terminal. `terminal` is asked only when the environment
    /// is not conclusive (pass nil when stdin or stdout is not a TTY); `tmuxPassthrough`
    /// says whether tmux forwards sequences (`PictureSupport.tmuxAllowsPassthrough()`).
    public static func detect(choice: PictureProtocol = .auto, environment env: [String: String],
                              stdoutIsTTY: Bool, terminal: TerminalQuery?,
                              tmuxPassthrough: Bool = false) -> Decision {
        let insideTmux = env["TMUX"] != nil || (env["TERM"] ?? "").hasPrefix("tmux")
        if choice != .auto {
            let wrap = insideTmux && tmuxPassthrough && (choice == .kitty || choice == .iterm)
            return Decision(choice, passthrough: wrap, "\(choice.rawValue) (asked for by name)")
        }
        guard stdoutIsTTY else { return Decision(.files, "files (stdout is not a terminal)") }
        let term = env["TERM"] ?? ""
        if term == "dumb" { return Decision(.files, "files (TERM=dumb)") }
        if env["STY"] != nil, !insideTmux { return Decision(.files, "files (GNU screen passes no pictures)") }
        if insideTmux {
            // tmux answers device attributes itself: sixel there means tmux draws sixels.
            if let attributes = terminal?.deviceAttributes(), attributes.contains(4) {
                return Decision(.sixel, "sixel (tmux draws sixel pictures itself)")
            }
            guard let (outer, why) = fromEnvironment(env, ignoringTerm: true), outer != .sixel else {
                return Decision(.files, "files (inside tmux, and the terminal outside is not known to show pictures)")
            }
            guard tmuxPassthrough else {
                return Decision(.files, "files (inside tmux without passthrough — `tmux set -g allow-passthrough on` shows \(outer.rawValue) pictures)")
            }
            return Decision(outer, passthrough: true, "\(outer.rawValue) through tmux passthrough (\(why))")
        }
        if let (kind, why) = fromEnvironment(env, ignoringTerm: false) { return Decision(kind, "\(kind.rawValue) (\(why))") }
        guard let terminal else { return Decision(.files, "files (the terminal is not known to show pictures)") }
        guard let attributes = terminal.deviceAttributes() else {
            return Decision(.files, "files (the terminal did not answer a device-attributes query)")
        }
        return attributes.contains(4) ? Decision(.sixel, "sixel (the terminal reports sixel graphics)")
                                      : Decision(.files, "files (the terminal reports no sixel graphics)")
    }

    /// The protocol a terminal's own environment variables name, and which variable.
    /// Inside tmux, TERM and TERM_PROGRAM describe tmux, so only the variables the
    /// outer terminal set (and tmux inherited) count.
    static func fromEnvironment(_ env: [String: String], ignoringTerm: Bool) -> (PictureProtocol, String)? {
        let term = ignoringTerm ? "" : env["TERM"] ?? ""
        let program = ignoringTerm ? "" : env["TERM_PROGRAM"] ?? ""
        if env["KITTY_WINDOW_ID"] != nil { return (.kitty, "KITTY_WINDOW_ID is set") }
        if term == "xterm-kitty" { return (.kitty, "TERM=xterm-kitty") }
        if env["GHOSTTY_RESOURCES_DIR"] != nil || term == "xterm-ghostty" || program == "ghostty" {
            return (.kitty, "Ghostty")
        }
        // WezTerm speaks both, but its kitty graphics are off unless configured.
        if env["WEZTERM_EXECUTABLE"] != nil || program == "WezTerm" { return (.iterm, "WezTerm") }
        // Konsole shows kitty pictures (and sixels) from 22.04 on; KONSOLE_VERSION=220400.
        if let version = env["KONSOLE_VERSION"].flatMap(Int.init), version >= 220400 {
            return (.kitty, "Konsole \(version)")
        }
        if env["ITERM_SESSION_ID"] != nil || program == "iTerm.app" { return (.iterm, "iTerm2") }
        // iTerm2 sets LC_TERMINAL, which ssh forwards with the locale.
        if env["LC_TERMINAL"] == "iTerm2" { return (.iterm, "LC_TERMINAL=iTerm2") }
        if program == "vscode" { return (.iterm, "VS Code — needs terminal.integrated.enableImages") }
        if term.hasPrefix("foot") { return (.sixel, "TERM=\(term)") }
        if env["MLTERM"] != nil || term == "mlterm" { return (.sixel, "mlterm") }
        return nil
    }
}

extension PictureSupport {
    /// Whether the tmux around us forwards escape sequences to the terminal outside:
    /// `allow-passthrough` is `on` (or `all`) for this pane or globally (tmux 3.3 and
    /// later; older tmux passes them always). False outside tmux or when tmux cannot be asked.
    public static func tmuxAllowsPassthrough(environment env: [String: String]) -> Bool {
        guard env["TMUX"] != nil else { return false }
        func ask(_ arguments: [String]) -> String? {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["tmux"] + arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return nil }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { return nil }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // A pane's own value wins over the global one; older tmux has no such option.
        let pane = env["TMUX_PANE"].flatMap { ask(["show", "-pv", "-t", $0, "allow-passthrough"]) } ?? ""
        let value = pane.isEmpty ? ask(["show", "-gv", "allow-passthrough"]) : pane
        guard let value else { return ask(["-V"]).map(tmuxPredatesPassthroughOption) ?? false }
        return value == "on" || value == "all"
    }

    /// True for `tmux 3.2a` and older (`tmux -V`), which forward passthrough always.
    static func tmuxPredatesPassthroughOption(_ version: String) -> Bool {
        let digits = version.drop { !$0.isNumber }.prefix { $0.isNumber || $0 == "." }
        let parts = digits.split(separator: ".").compactMap { Int($0) }
        guard let major = parts.first else { return false }
        return major < 3 || (major == 3 && parts.count > 1 && parts[1] < 3)
    }
}
