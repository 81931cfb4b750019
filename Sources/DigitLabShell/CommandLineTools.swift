import DigitLabCore
import DigitLabIO
import Foundation

/// What the `digitlab run` and `digitlab predict` sub-commands do, so the executable only
/// parses arguments. Each returns the process exit status; messages go to stdout/stderr.
public enum CommandLineTools {
    /// `digitlab run FILE [--write-manifest M] [--verify M]`: a lesson (`.lesson`) or a
    /// script, then optionally the manifest of what it wrote.
    public static func run(file: String, locator: DataLocator, writeManifest: String?, verify: String?) -> Int32 {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            printError("\(file): cannot read the file")
            return 1
        }
        let session = Session(locator: locator)
        let status: Int32
        if file.hasSuffix(".lesson") {
            do {
                status = LessonRunner.run(try Lesson.parse(text, name: file, file: file), file: file, session: session)
            } catch {
                printError(error.message)
                return 1
            }
        } else {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            status = ScriptRunner.run(lines: lines, source: file, session: session)
        }
        guard status == 0 else { return status }
        do {
            if let m = writeManifest {
                try AtomicFile.write(Array(try Manifest.make(session.artifacts).utf8), to: m)
                print("wrote \(m): \(session.artifacts.count) files")
            }
            if let m = verify {
                guard let manifest = try? String(contentsOfFile: m, encoding: .utf8) else {
                    printError("\(m): cannot read the manifest")
                    return 1
                }
                let (checked, problems) = Manifest.verify(manifest)
                for p in problems { printError(p) }
                guard problems.isEmpty else { return 1 }
                print("verified \(checked) files against \(m): all identical")
            }
        } catch {
            printError(error.description)
            return 1
        }
        return 0
    }

    /// `digitlab predict [--model FILE] IMAGE... [--json] [--top K]`: one line or JSON
    /// object per image; an unreadable image is reported and the others still classified.
    public static func predict(images: [String], model: String?, locator: DataLocator, json: Bool, top: Int) -> Int32 {
        let path: String
        if let model { path = model } else {
            do { path = try locator.home() + "/models/default.safetensors" } catch {
                printError("predict: \(error) — or pass --model FILE")
                return 1
            }
        }
        let loaded: (network: Network, info: ModelFile.Info)
        do { loaded = try ModelFile.load(path) } catch {
            printError("predict: \(error)")
            return 1
        }
        var failed = false
        for image in images {
            do {
                let r = try ImagePrediction.classify(image, network: loaded.network, normalization: loaded.info.normalization,
                                                     classNames: loaded.info.classNames, top: top)
                print(json ? r.json : r.line)
            } catch {
                printError(error.description)
                failed = true
            }
        }
        return failed ? 1 : 0
    }
}
