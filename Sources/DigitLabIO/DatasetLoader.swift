import DigitLabCore
import Dispatch
import Foundation

/// Reads the four IDX files of an MNIST-format folder into a Dataset.
public enum DatasetLoader {
    /// Debian's `dataset-fashion-mnist` package installs here.
    public static let fashionFolder = "/usr/share/datasets/fashion-mnist"

    /// The bundled MNIST under the DigitLab home.
    public static func mnist(locator: DataLocator = DataLocator()) throws(IOError) -> Dataset {
        let home = try locator.home()
        return try idx(folder: home + "/data/mnist", name: "mnist")
    }

    public static func fashion(folder: String = fashionFolder) throws(IOError) -> Dataset {
        guard FileManager.default.fileExists(atPath: folder) else {
            throw IOError(folder, "Fashion-MNIST is not installed — run `sudo apt-get install dataset-fashion-mnist`")
        }
        var d = try idx(folder: folder, name: "fashion")
        d.classNames = Dataset.fashionClassNames
        return d
    }

    /// Any folder with train/t10k images and labels, gzipped or raw, in either spelling
    /// (`train-images-idx3-ubyte` or `train-images.idx3-ubyte`). The four files are
    /// decoded in parallel.
    public static func idx(folder: String, name: String? = nil) throws(IOError) -> Dataset {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            throw IOError(folder, "no such folder")
        }
        let paths = try ["train-images", "train-labels", "t10k-images", "t10k-labels"].map { (stem: String) throws(IOError) -> String in
            try find(stem, in: folder)
        }
        nonisolated(unsafe) var images: [Result<(pixels: [UInt8], count: Int, rows: Int, columns: Int), IOError>?] = [nil, nil]
        nonisolated(unsafe) var labels: [Result<[UInt8], IOError>?] = [nil, nil]
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 4) { job in
            let split = job / 2
            if job % 2 == 0 {
                let r = Result { () throws(IOError) in try IDX.readImages(paths[split * 2]) }
                lock.withLock { images[split] = r }
            } else {
                let r = Result { () throws(IOError) in try IDX.readLabels(paths[split * 2 + 1]) }
                lock.withLock { labels[split] = r }
            }
        }
        var sets = [LabeledImages]()
        for split in 0..<2 {
            let img = try images[split]!.get(), lab = try labels[split]!.get()
            guard img.count == lab.count else {
                throw IOError(folder, "\(paths[split * 2].split(separator: "/").last!) has \(img.count) images but \(paths[split * 2 + 1].split(separator: "/").last!) has \(lab.count) labels — the files do not belong together")
            }
            sets.append(LabeledImages(pixels: img.pixels, labels: lab, rows: img.rows, columns: img.columns))
        }
        return Dataset(name: name ?? URL(fileURLWithPath: folder).lastPathComponent, source: folder,
                       train: sets[0], test: sets[1])
    }

    /// The file for `stem` (e.g. `train-images`) in any accepted spelling.
    static func find(_ stem: String, in folder: String) throws(IOError) -> String {
        let kind = stem.hasSuffix("images") ? "idx3" : "idx1"
        let names = ["\(stem)-\(kind)-ubyte", "\(stem).\(kind)-ubyte"].flatMap { [$0 + ".gz", $0] }
        for n in names where FileManager.default.fileExists(atPath: folder + "/" + n) { return folder + "/" + n }
        throw IOError(folder, "no \(stem)-\(kind)-ubyte[.gz] (or \(stem).\(kind)-ubyte) here — an IDX folder needs the four MNIST-format files")
    }
}
