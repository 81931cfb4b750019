import DigitLabCore
import Foundation

extension DatasetLoader {
    /// `load folder DIR`: your own pictures as a dataset. DIR holds sub-folders named
    /// 0–9 (the labels) of PNG files; each picture goes through `DigitPipeline`, so any
    /// photo or scan works. A `train/` and `test/` pair of such folders is used as the
    /// two splits; otherwise every picture is a test image and training is empty.
    ///
    /// - Throws: one line for the first picture that cannot be read, naming it.
    public static func folder(_ dir: String) throws(IOError) -> Dataset {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw IOError(dir, "no such folder")
        }
        let fm = FileManager.default
        let hasSplits = fm.fileExists(atPath: dir + "/train") && fm.fileExists(atPath: dir + "/test")
        let test = try labelled(hasSplits ? dir + "/test" : dir)
        let train = hasSplits ? try labelled(dir + "/train") : LabeledImages(pixels: [], labels: [], rows: 28, columns: 28)
        guard test.count + train.count > 0 else {
            throw IOError(dir, "no PNG files in sub-folders 0–9 — put each digit's pictures in a folder named after it")
        }
        return Dataset(name: URL(fileURLWithPath: dir).lastPathComponent, source: dir, train: train, test: test)
    }

    /// Every PNG under DIR/0 … DIR/9, in name order, through the digit pipeline.
    static func labelled(_ dir: String) throws(IOError) -> LabeledImages {
        var pixels = [UInt8](), labels = [UInt8]()
        for digit in 0...9 {
            let sub = "\(dir)/\(digit)"
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: sub) else { continue }
            for name in names.sorted() where name.lowercased().hasSuffix(".png") {
                let path = sub + "/" + name
                do {
                    pixels += try DigitPipeline.run(try PNG.readGrey(path)).pixels
                } catch let e as IOError {
                    throw e
                } catch {
                    throw IOError(path, "no digit found: the picture is blank or has no contrast")
                }
                labels.append(UInt8(digit))
            }
        }
        return LabeledImages(pixels: pixels, labels: labels, rows: 28, columns: 28)
    }
}
