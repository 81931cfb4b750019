import Foundation
import Testing
@testable import DigitLabShell

/// The concept table: enough topics, each three to six sentences, with a command that
/// exists and a lesson of the course; the lookup understands abbreviations and typos.
@Suite struct ConceptTests {
    static let commandWords: Set<String> = ["help", "load", "data", "show", "split", "augment", "net", "set", "train", "eval",
                                            "predict", "render", "explain", "runs", "run", "save", "lesson", "record", "export", "draw"]
    static let lessons: Set<String> = [
        "01-meet-the-data", "02-standardisation", "03-first-network", "04-learning-rate", "05-overfitting", "06-optimisers",
        "07-initialisation", "08-batch-normalisation", "09-dropout", "10-testing-and-errors", "11-calibration",
        "12-convolutions", "13-reading-a-trace", "14-augmentation", "15-your-own-digits", "16-deployment",
        "17-fashion-mnist", "18-state-of-the-art",
    ]

    /// Sentences end with . ! or ? followed by the end of the text, or by a space and a
    /// capital letter or a backtick (so "2.30", "e.g. the" and "model-format.md shows" do not end one).
    static func sentences(_ text: String) -> Int {
        let chars = Array(text)
        var count = 0
        for (i, ch) in chars.enumerated() where ".!?".contains(ch) {
            if i == chars.count - 1 { count += 1; continue }
            if chars[i + 1] == " ", i + 2 < chars.count, chars[i + 2].isUppercase || chars[i + 2] == "`" { count += 1 }
        }
        return count
    }

    @Test func theSentenceCounterCountsSentences() {
        #expect(Self.sentences("One. Two, with 2.30 in it. `three` starts with a command. Four?") == 4)
        #expect(Self.sentences("Docs/model-format.md shows it.") == 1)
    }

    @Test func everyConceptIsShortPlainAndPointsSomewhereReal() {
        #expect(Concepts.all.count >= 30)
        #expect(Set(Concepts.names).count == Concepts.all.count, "names are unique")
        for c in Concepts.all {
            let n = Self.sentences(c.text)
            #expect((3...6).contains(n), "\(c.name): \(n) sentences")
            let first = c.command.split(separator: " ").first.map(String.init) ?? ""
            #expect(Self.commandWords.contains(first), "\(c.name): command '\(c.command)'")
            #expect(Self.lessons.contains(c.lesson), "\(c.name): lesson '\(c.lesson)'")
            #expect(!c.text.contains("  "), "\(c.name): double space")
        }
    }

    @Test func noWordLeadsToTwoConcepts() {
        var owner = [String: String]()
        for c in Concepts.all {
            for key in Concepts.keys(c) {
                #expect(owner[key] == nil || owner[key] == c.name, "'\(key)' belongs to \(owner[key] ?? "") and \(c.name)")
                owner[key] = c.name
            }
        }
    }

    @Test func findsByNameAliasCaseAndPlural() {
        func name(_ words: String) -> String? {
            if case .found(let c) = Concepts.lookup(words) { return c.name }
            return nil
        }
        #expect(name("lr") == "learning rate")
        #expect(name("Learning-Rate") == "learning rate")
        #expect(name("bn") == "batch normalisation")
        #expect(name("conv") == "convolution")
        #expect(name("epoch") == "epoch")
        #expect(name("overfitting") == "overfitting")
        #expect(name("relu") == "ReLU")
        #expect(name("t-SNE") == "embedding")
        #expect(name("optimisers") == "SGD")
        #expect(name("paddings") == "padding", "a plural of a name")
    }

    @Test func unknownTopicsSuggestTheClosest() {
        #expect(Concepts.lookup("overfiting") == .unknown(suggestions: ["overfitting"]))
        guard case .unknown(let s) = Concepts.lookup("softmx") else { Issue.record("softmx is not a topic"); return }
        #expect(s.first == "softmax")
        guard case .unknown(let p) = Concepts.lookup("calib") else { Issue.record("calib is not a topic"); return }
        #expect(p == ["calibration"], "a prefix")
        #expect(Concepts.lookup("zebra crossing") == .unknown(suggestions: []))
        #expect(Concepts.help("zebra crossing") == nil, "nothing close: the caller's own message")
        #expect(Concepts.help("overfiting") == "no command or topic 'overfiting' — did you mean overfitting? (`help topics` lists them)")
        #expect(Concepts.help("lr")?.hasPrefix("learning rate: The learning rate sets") == true)
        #expect(Concepts.help("lr")?.hasSuffix("\n  see it:  set lr 0.1\n  lesson:  04-learning-rate") == true)
    }
}
