import DigitLabCore
import DigitLabIO
import Foundation

extension Session {
    /// Checks one `expect` line against the session; returns the line to print, or
    /// throws what was found instead.
    func check(_ e: Expectation) throws(CommandError) -> String {
        switch e.check {
        case .file(let path):
            guard FileManager.default.fileExists(atPath: path) else { throw CommandError("expected the file \(path), but it does not exist") }
            return "✓ \(path) exists"
        case let .metric(name, op, value, quick):
            let target = quickLessons ? (quick ?? value) : value
            let actual = try metricValue(name)
            guard op.holds(actual, target) else {
                throw CommandError("expectation failed: \(name) is \(Format.fixed(actual, 4)), expected \(op.rawValue) \(target)")
            }
            return "✓ \(name) \(op.rawValue) \(target) (it is \(Format.fixed(actual, 4)))"
        }
    }

    func metricValue(_ name: String) throws(CommandError) -> Double {
        switch name {
        case "test.accuracy", "test.loss", "validation.accuracy", "validation.loss":
            let split = String(name.prefix { $0 != "." })
            let set = try images(split)
            let (net, _) = try requireCompatibleNetwork()
            let e = net.evaluate(set, normalization: normalization, loss: settings.loss)
            return name.hasSuffix("accuracy") ? e.accuracy : Double(e.loss)
        case "train.accuracy", "train.loss":
            guard let last = metrics.epochs.last else { throw CommandError("\(name): no epoch trained yet") }
            return name == "train.accuracy" ? last.trainAccuracy : Double(last.trainLoss)
        case "train.count": return Double(try requireData().train.count)
        case "test.count": return Double(try requireData().test.count)
        case "validation.count": return Double(try requireData().validation?.count ?? 0)
        case "network.layers": return Double(try requireNetwork().layers.count)
        case "network.parameters": return Double(try requireNetwork().parameterCount)
        case "epochs": return Double(trainer?.epochsCompleted ?? 0)
        case "steps": return Double(trainer?.stepsTaken ?? 0)
        default: throw CommandError("expect: unknown value '\(name)'")
        }
    }
}

/// Replays a lesson without pauses (`digitlab run LESSON`): prose, each command with its
/// output, each check. The first failing command or check stops it with `FILE:LINE:`.
public enum LessonRunner {
    public static func run(_ lesson: Lesson, file: String, session: Session,
                           write: (String) -> Void = { print($0) },
                           writeError: (String) -> Void = { printError($0) }) -> Int32 {
        write("== \(lesson.title) ==")
        for step in lesson.steps {
            switch step {
            case .prose(let text):
                write(wrap(text))
            case let .command(line, number):
                write("> \(line)")
                do {
                    let out = try session.run(line)
                    if !out.isEmpty { write(out) }
                } catch {
                    writeError("\(file):\(number): \(error.message)")
                    return 1
                }
            case let .expect(e, number):
                do { write(try session.check(e)) } catch {
                    writeError("\(file):\(number): \(error.message)")
                    return 1
                }
            }
        }
        return 0
    }

    /// Prose wrapped at 88 columns, for terminals and transcripts.
    static func wrap(_ text: String, width: Int = 88) -> String {
        var lines = [String](), current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty && current.count + 1 + word.count > width { lines.append(current); current = "" }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines.joined(separator: "\n")
    }
}
