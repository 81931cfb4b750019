import DigitLabCore
import DigitLabIO
import Foundation

/// What `load folder DIR` read: the dataset, and the pictures it had to leave out, each
/// with its one-line reason.
public struct FolderReading: Sendable {
    public let dataset: Dataset
    public let skipped: [IOError]

    /// One line per skipped picture, then the count:
    ///
    ///     skipped digits/3/broken.png: not a readable PNG (libpng: Not a PNG file) — …
    ///     skipped 1 picture: broken.png
    public var skippedReport: [String] {
        guard !skipped.isEmpty else { return [] }
        let names = skipped.map { URL(fileURLWithPath: $0.path).lastPathComponent }
        return skipped.map { "skipped \($0.description)" }
            + ["skipped \(skipped.count) picture\(skipped.count == 1 ? "" : "s"): \(names.joined(separator: ", "))"]
    }
}

extension DatasetLoader {
    /// The picture files `load folder` looks at (by name; the content decides the format).
    public static let pictureExtensions: Set<String> = ["png", "jpg", "jpeg"]

    /// `load folder DIR`: your own pictures as a dataset. DIR holds sub-folders named 0–9
    /// (the labels) of PNG or JPEG files; each picture goes through `DigitPipeline`, so
    /// any photo or scan works. A `train/` and `test/` pair of such folders is used as the
    /// two splits; otherwise every picture is a test image and training is empty.
    /// Pictures that cannot be read, or hold no digit, are skipped and listed.
    ///
    /// - Throws: when DIR is not a folder, or no picture at all could be used.
    public static func readFolder(_ dir: String, classifier: DigitClassifier? = nil) throws(IOError) -> FolderReading {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw IOError(dir, "no such folder")
        }
        let fm = FileManager.default
        let hasSplits = fm.fileExists(atPath: dir + "/train") && fm.fileExists(atPath: dir + "/test")
        var skipped = [IOError]()
        let test = labelled(hasSplits ? dir + "/test" : dir, classifier: classifier, skipped: &skipped)
        let train = hasSplits ? labelled(dir + "/train", classifier: classifier, skipped: &skipped)
            : LabeledImages(pixels: [], labels: [], rows: 28, columns: 28)
        guard test.count + train.count > 0 else {
            if let first = skipped.first {
                throw IOError(dir, "none of the \(skipped.count) pictures could be used (the first: \(first.description))")
            }
            throw IOError(dir, "no PNG or JPEG files in sub-folders 0–9 — put each digit's pictures in a folder named after it")
        }
        return FolderReading(dataset: Dataset(name: URL(fileURLWithPath: dir).lastPathComponent, source: dir, train: train, test: test),
                             skipped: skipped)
    }

    /// As `readFolder`, but the first unusable picture stops the load (the behaviour of
    /// the first version, kept for callers that want all or nothing).
    public static func folder(_ dir: String) throws(IOError) -> Dataset {
        let reading = try readFolder(dir)
        if let first = reading.skipped.first { throw first }
        return reading.dataset
    }

    /// Every picture under DIR/0 … DIR/9, in name order, through the digit pipeline.
    static func labelled(_ dir: String, classifier: DigitClassifier?, skipped: inout [IOError]) -> LabeledImages {
        var pixels = [UInt8](), labels = [UInt8]()
        for digit in 0...9 {
            let sub = "\(dir)/\(digit)"
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: sub) else { continue }
            for name in names.sorted() where !name.hasPrefix(".")
                && pictureExtensions.contains(URL(fileURLWithPath: name).pathExtension.lowercased()) {
                let path = sub + "/" + name
                do throws(IOError) {
                    let picture = try ImageFile.read(path)
                    do { pixels += try DigitPipeline.run(picture, classifier: classifier).pixels } catch {
                        throw IOError(path, error.message())
                    }
                    labels.append(UInt8(digit))
                } catch {
                    skipped.append(error)
                }
            }
        }
        return LabeledImages(pixels: pixels, labels: labels, rows: 28, columns: 28)
    }
}

