import DigitLabCore
import DigitLabIO
import Foundation

/// What the `digitlab run` and `digitlab predict` sub-commands do, so the executable only
/// parses arguments. Each returns the process exit status; messages go to stdout/stderr.
public enum CommandLineTools {
    /// `digitlab run FILE [--write-manifest M] [--verify M] [--allow-writes]`: a lesson
    /// (`.lesson`) or a script, then optionally the manifest of what it wrote. A lesson's
    /// lines write only under outputs/ unless `allowWrites`.
    public static func run(file: String, locator: DataLocator, writeManifest: String?, verify: String?,
                           allowWrites: Bool = false) -> Int32 {
        let text: String
        do { text = try TextFile.read(file) } catch {
            printError(error.description)
            return 1
        }
        let session = Session(locator: locator)
        session.allowLessonWrites = allowWrites
        let status: Int32
        if file.hasSuffix(".lesson") {
            do {
                let renderer = TextRenderer(useColor: false, width: 100, includeLive: true, includeHints: false)
                let lesson = try Lesson.parse(text, name: file, file: file)
                status = LessonRunner.run(lesson, file: file, session: session,
                                          write: { out in let t = renderer.render(out); if !t.isEmpty { print(t) } },
                                          writeError: { printError($0) })
            } catch {
                printError(error.message)
                return 1
            }
        } else {
            status = ScriptRunner.run(lines: Tokenizer.lines(text), source: file, session: session)
        }
        guard status == 0 else { return status }
        let artifacts = session.state.outputs.artifacts
        do {
            if let m = writeManifest {
                try AtomicFile.write(Array(try Manifest.make(artifacts).utf8), to: m)
                print("wrote \(m): \(Format.plural(artifacts.count, "file"))")
            }
            if let m = verify {
                let manifest = try TextFile.read(m)
                let (checked, problems) = Manifest.verify(manifest)
                for p in problems { printError(p) }
                guard problems.isEmpty else { return 1 }
                print("verified \(Format.plural(checked, "file")) against \(m): all identical")
            }
        } catch {
            printError("\(error)")
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
