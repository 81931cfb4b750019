import Testing
@testable import DigitLabShell

@Suite struct TerminalTextTests {
    @Test func wrapsLongLinesAtBlanksKeepingTheIndent() {
        let line = "loaded model.safetensors: conv 6 5x5 pad 2 → relu → maxpool 2 → conv 16 5x5 → relu → flatten → dense 10"
        let wrapped = TerminalText.wrap(line, width: 40).split(separator: "\n").map(String.init)
        #expect(wrapped.allSatisfy { $0.count <= 40 }, "\(wrapped)")
        #expect(wrapped.joined(separator: " ") == line, "only blanks became line breaks")
        let help = "      The learning rate: how far each step moves the weights against the gradient."
        let lines = TerminalText.wrap(help, width: 40).split(separator: "\n")
        #expect(lines.count == 3 && lines.allSatisfy { $0.hasPrefix("      ") && $0.count <= 40 }, "\(lines)")
    }

    @Test func labelledLinesHangUnderTheirText() {
        let line = "    load      Load a dataset (MNIST, Fashion-MNIST, any folder of IDX files, your own"
        #expect(TerminalText.wrap(line, width: 60) == "    load      Load a dataset (MNIST, Fashion-MNIST, any\n              folder of IDX files, your own")
        #expect(TerminalText.hangingIndent("      N: minibatches (a whole number)", width: 80) == 6, "no label: the line's indent")
        #expect(TerminalText.hangingIndent("error: one  two", width: 20) == 0, "a label past half the width: none")
    }

    @Test func leavesWhatFitsAndWhatCannotBreak() {
        #expect(TerminalText.wrap("short\n  also short", width: 20) == "short\n  also short")
        #expect(TerminalText.wrap("  7      100.0% ██", width: 80) == "  7      100.0% ██", "runs of blanks kept")
        let path = "/a/very/long/path/without/any/blank/in/it/at/all.png"
        #expect(TerminalText.wrap("wrote " + path, width: 30) == "wrote\n" + path, "a word longer than the room stays whole")
        #expect(TerminalText.wrap("ends with a blank ", width: 17) == "ends with a blank", "no empty line from a trailing blank")
    }

    @Test func colourCodesTakeNoColumns() {
        let red = "\u{1B}[31merror: render: unknown 'trace' — one of samples, filters, confusion\u{1B}[0m"
        #expect(TerminalText.visibleWidth(red) == 67)
        let lines = TerminalText.wrap(red, width: 40).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { TerminalText.visibleWidth($0) <= 40 })
        #expect(TerminalText.clip("\u{1B}[1mabcdef", width: 3) == "\u{1B}[1mabc\u{1B}[0m")
    }

    @Test func statusLinesLoseWholePartsFromTheEnd() {
        let bar = "epoch 1/1 ━━━━━━────────────────── 121/469 · loss 0.2734 · ETA 15 s · lr 1.00e-01 · 1,575 img/s"
        #expect(TerminalText.fitStatus(bar, width: 200) == bar)
        #expect(TerminalText.fitStatus(bar, width: 79) == "epoch 1/1 ━━━━━━────────────────── 121/469 · loss 0.2734 · ETA 15 s")
        #expect(TerminalText.fitStatus(bar, width: 50) == "epoch 1/1 ━━━━━━────────────────── 121/469")
        #expect(TerminalText.fitStatus(bar, width: 20) == "epoch 1/1 ━━━━━━────")
    }
}
