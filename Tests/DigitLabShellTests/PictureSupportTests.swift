import DigitLabViz
import Testing
@testable import DigitLabShell

/// A terminal with canned answers: records what it was asked.
final class FakeTerminal: TerminalQuery {
    let answers: [String: String]
    var asked: [String] = []
    init(_ answers: [String: String]) { self.answers = answers }
    func exchange(_ request: String, timeoutMilliseconds: Int, until done: ([UInt8]) -> Bool) -> [UInt8] {
        asked.append(request)
        return Array((answers[request] ?? "").utf8)
    }
}

@Suite struct PictureSupportTests {
    static let vt340 = "\u{1B}[?63;1;2;4;6;9;15;22c"
    static let plainXterm = "\u{1B}[?64;1;2;6;9;15;16;17;18;21;22;28c"

    /// Environment → decision, with no terminal to ask: the terminals' own variables.
    @Test(arguments: [
        (["TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"], PictureProtocol.kitty),
        (["TERM": "xterm-256color", "KITTY_WINDOW_ID": "3"], .kitty),         // kitty with TERM overridden
        (["TERM": "xterm-ghostty", "TERM_PROGRAM": "ghostty"], .kitty),
        (["TERM": "xterm-256color", "GHOSTTY_RESOURCES_DIR": "/usr/share/ghostty"], .kitty),
        (["TERM": "xterm-256color", "KONSOLE_VERSION": "230804"], .kitty),
        (["TERM": "xterm-256color", "KONSOLE_VERSION": "210803"], .files),    // before 22.04: no pictures
        (["TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm", "WEZTERM_EXECUTABLE": "/usr/bin/wezterm"], .iterm),
        (["TERM": "xterm-256color", "TERM_PROGRAM": "iTerm.app", "ITERM_SESSION_ID": "w0t0p0:X"], .iterm),
        (["TERM": "xterm-256color", "LC_TERMINAL": "iTerm2"], .iterm),        // iTerm2 over ssh
        (["TERM": "xterm-256color", "TERM_PROGRAM": "vscode"], .iterm),
        (["TERM": "foot"], .sixel),
        (["TERM": "foot-extra"], .sixel),
        (["TERM": "mlterm"], .sixel),
        (["TERM": "xterm-256color"], .files),                                 // nothing known, nothing to ask
        (["TERM": "dumb", "KITTY_WINDOW_ID": "1"], .files),
        ([:], .files),
    ])
    func environmentDecides(_ env: [String: String], _ expected: PictureProtocol) {
        let d = PictureSupport.detect(environment: env, stdoutIsTTY: true, terminal: nil)
        #expect(d.kind == expected, "\(env) → \(d.reason)")
        #expect(!d.passthrough)
    }

    @Test func notATerminalIsFilesUnlessAskedByName() {
        let env = ["TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"]
        let fake = FakeTerminal(["\u{1B}[c": Self.vt340])
        #expect(PictureSupport.detect(environment: env, stdoutIsTTY: false, terminal: fake)
                == .init(.files, "files (stdout is not a terminal)"))
        #expect(fake.asked.isEmpty)
        for named in [PictureProtocol.kitty, .iterm, .sixel, .files] {
            #expect(PictureSupport.detect(choice: named, environment: [:], stdoutIsTTY: false, terminal: nil).kind == named)
        }
    }

    @Test func deviceAttributesDecideWhenTheEnvironmentDoesNot() {
        let xterm = ["TERM": "xterm"]
        let vt340 = FakeTerminal(["\u{1B}[c": Self.vt340])
        #expect(PictureSupport.detect(environment: xterm, stdoutIsTTY: true, terminal: vt340)
                == .init(.sixel, "sixel (the terminal reports sixel graphics)"))
        #expect(vt340.asked == ["\u{1B}[c"])
        #expect(PictureSupport.detect(environment: xterm, stdoutIsTTY: true, terminal: FakeTerminal(["\u{1B}[c": Self.plainXterm])).kind
                == .files)
        #expect(PictureSupport.detect(environment: xterm, stdoutIsTTY: true, terminal: FakeTerminal([:]))
                == .init(.files, "files (the terminal did not answer a device-attributes query)"))
        // A known terminal is not asked at all.
        let kitty = FakeTerminal(["\u{1B}[c": Self.vt340])
        #expect(PictureSupport.detect(environment: ["KITTY_WINDOW_ID": "1"], stdoutIsTTY: true, terminal: kitty).kind == .kitty)
        #expect(kitty.asked.isEmpty)
    }

    @Test func insideTmuxPassThroughOrFiles() {
        let env = ["TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1,0", "TERM_PROGRAM": "tmux",
                   "KITTY_WINDOW_ID": "1"]
        let noSixel = FakeTerminal(["\u{1B}[c": "\u{1B}[?1;2c"])
        #expect(PictureSupport.detect(environment: env, stdoutIsTTY: true, terminal: noSixel, tmuxPassthrough: true)
                == .init(.kitty, passthrough: true, "kitty through tmux passthrough (KITTY_WINDOW_ID is set)"))
        let off = PictureSupport.detect(environment: env, stdoutIsTTY: true, terminal: noSixel, tmuxPassthrough: false)
        #expect(off.kind == .files && off.reason.contains("allow-passthrough on"))
        // tmux built with sixel answers attribute 4 itself: it draws sixels, no wrapping.
        let sixelTmux = FakeTerminal(["\u{1B}[c": "\u{1B}[?1;2;4c"])
        #expect(PictureSupport.detect(environment: ["TMUX": "x", "TERM": "tmux-256color"], stdoutIsTTY: true,
                                      terminal: sixelTmux) == .init(.sixel, "sixel (tmux draws sixel pictures itself)"))
        // An outer xterm (known only by its attributes, which tmux hides): files.
        #expect(PictureSupport.detect(environment: ["TMUX": "x", "TERM": "screen"], stdoutIsTTY: true,
                                      terminal: noSixel, tmuxPassthrough: true).kind == .files)
        // Named protocols are wrapped when tmux passes them on.
        #expect(PictureSupport.detect(choice: .iterm, environment: env, stdoutIsTTY: true, terminal: nil,
                                      tmuxPassthrough: true).passthrough)
        #expect(!PictureSupport.detect(choice: .sixel, environment: env, stdoutIsTTY: true, terminal: nil,
                                       tmuxPassthrough: true).passthrough)
    }

    @Test func environmentVariableChoosesOrWarns() {
        #expect(PictureSupport.choice(environment: [:]) == (.auto, nil))
        #expect(PictureSupport.choice(environment: ["DIGITLAB_PICTURES": ""]) == (.auto, nil))
        #expect(PictureSupport.choice(environment: ["DIGITLAB_PICTURES": "Sixel"]) == (.sixel, nil))
        let bad = PictureSupport.choice(environment: ["DIGITLAB_PICTURES": "kity"])
        #expect(bad.choice == .files)
        #expect(bad.warning == "DIGITLAB_PICTURES=kity is not one of auto, kitty, iterm, sixel, files — showing file paths only")
    }

    @Test func deviceAttributeAnswersParse() {
        func parse(_ s: String) -> [Int]? { PictureSupport.parseDeviceAttributes(Array(s.utf8)) }
        #expect(parse(Self.vt340) == [1, 2, 4, 6, 9, 15, 22])
        #expect(parse("\u{1B}[?62;4c") == [4])                     // mlterm
        #expect(parse("\u{1B}[?65;1;9c") == [1, 9])                // VTE: no sixel
        #expect(parse("\u{1B}[?1;2c") == [2])                      // VT100 with AVO
        #expect(parse("\u{1B}[?4;6c") == [6])                      // VT132: 4 is the class, not sixel
        #expect(parse("\u{1B}[6;20;10t\u{1B}[?62;4;22c") == [4, 22]) // after a cell-size answer
        #expect(parse("\u{1B}[?63;1;2") == nil)                    // not complete yet
        #expect(parse("garbage") == nil)
        #expect(parse("") == nil)
    }

    @Test func cellSizeAnswersParse() {
        #expect(PictureSupport.parseCellSize(Array("\u{1B}[6;17;9t\u{1B}[?63;4c".utf8)).map { [$0.width, $0.height] } == [9, 17])
        #expect(PictureSupport.parseCellSize(Array("\u{1B}[?63;4c".utf8)) == nil)
        #expect(PictureSupport.parseCellSize(Array("\u{1B}[6;0;0t".utf8)) == nil)
        let fake = FakeTerminal(["\u{1B}[16t\u{1B}[c": "\u{1B}[6;20;10t\u{1B}[?62;4c"])
        #expect(fake.cellSize().map { [$0.width, $0.height] } == [10, 20])
    }

    @Test func tmuxVersionsBeforePassthroughOption() {
        #expect(PictureSupport.tmuxPredatesPassthroughOption("tmux 3.2a"))
        #expect(PictureSupport.tmuxPredatesPassthroughOption("tmux 2.9"))
        #expect(!PictureSupport.tmuxPredatesPassthroughOption("tmux 3.3a"))
        #expect(!PictureSupport.tmuxPredatesPassthroughOption("tmux next-3.5"))
        #expect(!PictureSupport.tmuxAllowsPassthrough(environment: [:]))
    }
}

@Suite struct PictureDisplayTests {
    /// A PNG header is all the kitty encoder reads before sending the bytes.
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        + Array("IHDR".utf8) + [0, 0, 0, 20, 0, 0, 0, 10, 8, 2, 0, 0, 0]

    @Test func choiceComesFromTheEnvironmentAndDecidesOnce() throws {
        let fake = FakeTerminal(["\u{1B}[c": "\u{1B}[?63;1;2;4c"])
        let pictures = PictureDisplay(environment: ["TERM": "xterm"], stdoutIsTTY: true, terminal: fake, output: -1)
        #expect(pictures.choice == .auto && pictures.warning == nil)
        #expect(pictures.decision.kind == .sixel)
        #expect(pictures.decision.kind == .sixel)
        #expect(fake.asked == ["\u{1B}[c"], "the terminal is asked once, not per picture")
        pictures.choice = .kitty
        let seq = try #require(try pictures.sequence(png: Self.png))
        #expect(seq.hasPrefix("\u{1B}_Ga=T,f=100,q=2,m=0;"))
        pictures.choice = .files
        #expect(try pictures.sequence(png: Self.png) == nil)
    }

    @Test func unknownEnvironmentValueIsFilesWithOneLine() throws {
        let pictures = PictureDisplay(environment: ["DIGITLAB_PICTURES": "sixle"], stdoutIsTTY: true, terminal: nil, output: -1)
        #expect(pictures.choice == .files)
        #expect(pictures.warning == "DIGITLAB_PICTURES=sixle is not one of auto, kitty, iterm, sixel, files — showing file paths only")
        #expect(pictures.decision.reason == "files (DIGITLAB_PICTURES holds no protocol)")
        #expect(try pictures.sequence(png: Self.png) == nil)
        // A choice given in code (`set pictures`) wins and has no warning.
        let named = PictureDisplay(choice: .iterm, environment: ["DIGITLAB_PICTURES": "sixle"], stdoutIsTTY: false,
                                   terminal: nil, output: -1)
        #expect(named.warning == nil && named.decision.kind == .iterm)
        #expect(try named.sequence(png: Self.png)?.hasPrefix("\u{1B}]1337;File=inline=1;size=29:") == true)
    }

    @Test func autoIntoAPipeShowsNothing() throws {
        let pictures = PictureDisplay(environment: ["KITTY_WINDOW_ID": "1"], stdoutIsTTY: false, terminal: nil, output: -1)
        #expect(try pictures.sequence(png: Self.png) == nil)
    }
}
