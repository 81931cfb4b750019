import Foundation
import Testing
import DigitLabCore
@testable import DigitLabIO

@Suite struct DatasetLoaderTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func loadsAnyIDXFolder(gzip: Bool, dotted: Bool) throws {
        let f = IDXFixtures(); defer { f.remove() }
        f.writeDataset(train: 20, test: 5, gzip: gzip, dotted: dotted)
        let d = try DatasetLoader.idx(folder: f.folder)
        #expect(d.train.count == 20 && d.test.count == 5)
        #expect(d.train.classCounts == [2, 2, 2, 2, 2, 2, 2, 2, 2, 2])
        #expect(d.test.labels == [0, 3, 6, 9, 2])
    }

    @Test func countMismatchAndMissingFilesAreNamed() throws {
        let f = IDXFixtures(); defer { f.remove() }
        f.writeDataset(train: 20, test: 5, gzip: false)
        f.write("train-labels-idx1-ubyte", IDXFixtures.labels([1, 2, 3]))
        #expect(throws: IOError(f.folder, "train-images-idx3-ubyte has 20 images but train-labels-idx1-ubyte has 3 labels — the files do not belong together")) {
            try DatasetLoader.idx(folder: f.folder)
        }
        try FileManager.default.removeItem(atPath: f.folder + "/t10k-labels-idx1-ubyte")
        #expect(throws: IOError(f.folder, "no t10k-labels-idx1-ubyte[.gz] (or t10k-labels.idx1-ubyte) here — an IDX folder needs the four MNIST-format files")) {
            try DatasetLoader.idx(folder: f.folder)
        }
        #expect(throws: IOError("/no/such/dir", "no such folder")) { try DatasetLoader.idx(folder: "/no/such/dir") }
    }

    @Test func fashionSaysHowToInstallIt() {
        #expect(throws: IOError("/no/fashion", "Fashion-MNIST is not installed — run `sudo apt-get install dataset-fashion-mnist`")) {
            try DatasetLoader.fashion(folder: "/no/fashion")
        }
    }

    /// The embedded default: SPEC's class counts, straight from data/mnist.
    @Test func bundledMNIST() throws {
        let d = try DatasetLoader.mnist(locator: DataLocator(explicit: packageRoot))
        #expect(d.train.count == 60_000 && d.test.count == 10_000)
        #expect(d.train.classCounts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        let n = Normalization.measured(from: d.train)
        #expect(abs(n.mean - 0.1307) < 1e-4 && abs(n.std - 0.3081) < 1e-4)
    }

    @Test func locatorSaysWhereItLooked() {
        #expect(throws: IOError("/nowhere", "no data/mnist folder here — point --data at the DigitLab folder")) {
            try DataLocator(explicit: "/nowhere").home()
        }
        // Each place once (an attacker review: "…, /, /, /, …" when the executable lies
        // near the root and its parents run out).
        let places = DataLocator.places(explicit: nil, home: nil, executable: "/tmp/digitlab", current: "/tmp")
        #expect(places == ["/share/digitlab", "/tmp", "/"], "\(places)")
    }
}

/// The package folder (three levels above this file).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path
