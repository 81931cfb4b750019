import DigitLabCore
import DigitLabIO
import DigitLabViz
import Foundation

extension CommandLineTools {
    /// `digitlab draw-demo [--model FILE] [--save FILE.png]` (hidden, until the shell's
    /// `draw` command calls the pad): paint a digit, see the top 3 live; Enter prints the
    /// network's answer and the 28x28 digit, and with `--save` writes the drawing.
    public static func drawDemo(model: String?, locator: DataLocator, save: String?) -> Int32 {
        let path: String
        if let model { path = model } else {
            do { path = try locator.home() + "/models/default.safetensors" } catch {
                printError("draw-demo: \(error) — or pass --model FILE")
                return 1
            }
        }
        let loaded: (network: Network, info: ModelFile.Info)
        do { loaded = try ModelFile.load(path) } catch {
            printError("draw-demo: \(error)")
            return 1
        }
        let classify = DrawPad.classifier(network: loaded.network, normalization: loaded.info.normalization,
                                          classNames: loaded.info.classNames)
        let kept: DrawResult?
        do { kept = try DrawPad(classify: classify).run() } catch {
            printError("draw-demo: \(error)")
            return 1
        }
        guard let kept else {
            print("left the drawing pad without keeping a drawing")
            return 0
        }
        let ranked = classify(kept.pixels28)
        print("drawing: " + ranked.prefix(3).map { "\($0.label) \(String(format: "%.1f", $0.probability * 100))%" }
            .joined(separator: " · "))
        let preview = HalfBlockPreview(useColor: Terminal.allowsEscapes)
        print(preview.lines(kept.pixels28[...], rows: 28, columns: 28).joined(separator: "\n"))
        if let save {
            do { try AtomicFile.write(kept.png, to: save) } catch {
                printError("draw-demo: \(error)")
                return 1
            }
            print("wrote \(save)")
        }
        return 0
    }
}
