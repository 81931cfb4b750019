import Foundation
import DigitLabCore
import Testing
@testable import DigitLabShell

@Suite struct TokenizerTests {
    @Test func wordsQuotesAndEscapes() throws {
        #expect(try Tokenizer.words("load  idx\tdata/mnist") == ["load", "idx", "data/mnist"])
        #expect(try Tokenizer.words("predict file \"my digits/seven.png\"") == ["predict", "file", "my digits/seven.png"])
        #expect(try Tokenizer.words("predict file 'my digits/7.png' --stages") == ["predict", "file", "my digits/7.png", "--stages"])
        #expect(try Tokenizer.words("predict file my\\ digits/7.png") == ["predict", "file", "my digits/7.png"])
        #expect(try Tokenizer.words("x '' y") == ["x", "", "y"])
        #expect(throws: CommandError("unterminated \" quote — close it, or put a backslash before it")) { try Tokenizer.words("load idx \"data") }
    }

    @Test func hashStartsACommentOnlyAtTheStartOfAWord() throws {
        #expect(try Tokenizer.words("eval test # the test split") == ["eval", "test"])
        #expect(try Tokenizer.words("eval test#x") == ["eval", "test#x"])
        #expect(try Tokenizer.words("# all comment").isEmpty)
        #expect(errorOf(session(), "eval test#x") == "eval: 'test#x' is not one of train, validation, test — did you mean test?")
    }

    @Test func crlfAndByteOrderMark() throws {
        #expect(try Tokenizer.words("load mnist\r") == ["load", "mnist"])
        #expect(try Tokenizer.words("\u{FEFF}data") == ["data"])
        #expect(Tokenizer.lines("\u{FEFF}a\r\nb\r\nc\n") == ["a", "b", "c", ""])
        #expect(Tokenizer.lines("a\rb") == ["a", "b"])
    }

    @Test func aLeadingTildeIsTheHomeFolder() throws {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? ""
        #expect(try Tokenizer.words("predict file ~/seven.png") == ["predict", "file", home + "/seven.png"])
        #expect(try Tokenizer.words("x '~/seven.png' a~b ~user") == ["x", "~/seven.png", "a~b", "~user"])
    }

    @Test func quotedWordsReadBack() throws {
        for w in ["plain", "two words", "it's", "back\\slash", "#hash", "", "~/literal"] {
            #expect(try Tokenizer.words("x " + Tokenizer.quoted(w)) == ["x", w])
        }
    }
}

@Suite struct ParserTests {
    func parse(_ line: String) throws -> any ShellCommand {
        guard let p = try Parser.parse(line) else { throw CommandError("empty") }
        return p.command
    }

    @Test func linesBecomeTypedValues() throws {
        #expect(try parse("set lr 0.05") as? SetCommand == .lr(0.05))
        #expect(try parse("set schedule step 5 0.5") as? SetCommand == .schedule(.step(every: 5, gamma: 0.5)))
        #expect(try parse("set memory-limit 2GB") as? SetCommand == .memoryLimit(2 << 30))
        #expect(try parse("train step") as? TrainCommand == .steps(1))
        #expect(try parse("train until validation.loss <= 0.1 patience 2") as? TrainCommand
                == .until(.validationLoss, .atMost, 0.1, max: 20, patience: 2))
        #expect(try parse("load mnist --test 50 --train 100 --random") as? LoadCommand
                == .dataset(.mnist, train: 100, test: 50, random: true))
        #expect(try parse("render misclassified test") as? RenderCommand == RenderCommand(kind: .misclassified(count: 24, split: "test"), target: nil))
        #expect(try parse("render samples 10 to a.png") as? RenderCommand == RenderCommand(kind: .samples(split: "train", count: 10, augmented: false), target: "a.png"))
        #expect(try parse("augment elastic") as? AugmentCommand == AugmentCommand(change: .set(Augmentation(elastic: 2))))
        #expect(try parse("predict drawing") as? PredictCommand == .drawing)
        #expect(try parse("exit") as? SessionCommand == .quit)
    }

    @Test func severalLayersInOneLine() throws {
        #expect(try parse("net add conv 8 3x3 relu maxpool 2 flatten dense 10") as? NetCommand == .add([
            .conv(filters: 8, kernel: 3, stride: 1, padding: .fixed(0)), .activation(.relu), .maxpool(size: 2), .flatten, .dense(units: 10)]))
        #expect(try parse("net add conv 6 5x5 pad same stride 1 tanh") as? NetCommand == .add([
            .conv(filters: 6, kernel: 5, stride: 1, padding: .same), .activation(.tanh)]))
    }

    @Test func everyExampleParses() throws {
        for d in CommandTable.all {
            for f in d.forms {
                let p = try Parser.parse(f.example)
                #expect(p?.declaration.name == d.name, "\(f.example)")
                #expect(p?.form.words == f.words, "\(f.example) matches its own form")
            }
        }
    }

    @Test func mistakesGetOneLineThatSaysWhatToDo() {
        let s = session()
        #expect(errorOf(s, "trian epoch") == "unknown command 'trian' — did you mean train?")
        // From other shells' habits: what does it here (`clear` was "type `help` for the list").
        #expect(errorOf(s, "clear") == "unknown command 'clear' — press Ctrl-L to clear the screen")
        #expect(errorOf(s, "CLS") == "unknown command 'CLS' — press Ctrl-L to clear the screen")
        // One word possible: "one of name" read as nonsense (a script given to `run`).
        #expect(errorOf(s, "run lessons/x.txt") == "run: unknown 'lessons/x.txt' — only `name` comes here (see `help run`)")
        #expect(errorOf(s, "set lrate 0.1") == "set: unknown 'lrate' — did you mean lr?")
        #expect(errorOf(s, "set lr") == "set lr: missing RATE (the learning rate) — usage: set lr RATE")
        #expect(errorOf(s, "set lr x") == "set lr: RATE (the learning rate) must be a number from 1e-09 to 1000, got 'x'")
        #expect(errorOf(s, "set lr 2 x") == "set lr: unexpected 'x' — usage: set lr RATE")
        // A path with spaces typed without quotes (a newcomer review): the rest of the path
        // is the unexpected word, and the line says how to give it whole.
        let spaced = errorOf(s, "predict file my digits/7.png")
        #expect(spaced.hasPrefix("predict file: unexpected 'digits/7.png' — usage: predict file PATH")
                && spaced.hasSuffix("; a path with spaces goes in quotes (\"my digits/7.png\")"), "\(spaced)")
        #expect(!errorOf(s, "predict file a.png --stages b").contains("quotes"), "only right after the path")
        // A mistyped option gets the option meant (it was "unexpected" and the usage).
        #expect(errorOf(s, "predict file a.png --numbr") == "predict file: unexpected '--numbr' — did you mean --number?")
        // A file where a word was wanted gets the form that takes it (a newcomer typed
        // `predict /path/seven.png` and was told the words, not the fix).
        #expect(errorOf(s, "predict my-seven.png") == "predict: unknown 'my-seven.png' — a file goes after `file`: predict file my-seven.png")
        #expect(errorOf(s, "predict \"my photos/7.jpg\"").hasSuffix(": predict file \(Tokenizer.quoted("my photos/7.jpg"))"))
        #expect(errorOf(s, "predict tset 3") == "predict: unknown 'tset' — did you mean test?", "a word is still a word")
        #expect(errorOf(s, "predict file a.png --zzz").hasPrefix("predict file: unexpected '--zzz' — usage: predict file PATH"))
        #expect(errorOf(s, "set batch 9223372036854775807") == "set batch: N (images per step) must be a whole number from 1 to 65,536, got '9223372036854775807'")
        #expect(errorOf(s, "set optimizer adamw") == "set optimizer: 'adamw' is not one of sgd, momentum, nesterov, adam — did you mean adam?")
        #expect(errorOf(s, "net add conv 4 3x3 pad 9223372036854775807") == "net add conv: pad takes a number from 0 to 32 or `same`, got '9223372036854775807'")
        #expect(errorOf(s, "net add dense") == "net add dense: missing the number of units — see `help net add`")
        #expect(errorOf(s, "net add dens 10") == "net add: unknown layer 'dens' — did you mean dense?")
        #expect(errorOf(s, "net") == "net: missing a word — one of new, add, pop, reset, preset, summary")
        #expect(errorOf(s, "load --train 5") == "load: unknown '--train' — one of mnist, fashion, idx, folder, model, checkpoint")
        #expect(errorOf(s, "render saliency -1") == "render saliency: INDEX must be a test image number (0, 1, …) or `drawing`, got '-1'")
        #expect(errorOf(s, "show train 3..x") == "show: '3..x' is not an image number or a range such as 0..5")
        #expect(errorOf(s, "set seed \u{1B}]0;pwned\u{7}") == "set seed: SEED must be a whole number from 0 to 18446744073709551615, got '\\x1b]0;pwned\\x07'")
    }
}
