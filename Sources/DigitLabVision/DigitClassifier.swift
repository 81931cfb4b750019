import DigitLabCore

/// What the vision code asks of a network: MNIST-style 28x28 images (784 bytes, 255 =
/// ink) in, one row of class probabilities per image out. A closure, so tests can pass a
/// fake and the number reader never needs to know about layers.
public struct DigitClassifier {
    public let classNames: [String]
    let classify: ([[UInt8]]) -> [[Float]]
    /// The one-digit judge: whether each image is one whole digit, not two that touch
    /// nor a piece of one. The number reader weighs its answer with the digit network's.
    /// nil: the reader goes by the digit network alone.
    public var judge: OneDigitJudge?
    /// The in-line digit network: reads candidates cut from touching or overlapping
    /// digits, which hold a piece of a neighbour or lack a piece of their own. The number
    /// reader averages its answer with this network's for every candidate with a cut at
    /// either end. nil: the reader goes by this network alone.
    public var inLine: InLineReader?

    /// "0" to "9": the classes of a digit network.
    public static let digits = (0...9).map(String.init)

    public init(classNames: [String] = DigitClassifier.digits, probabilities: @escaping ([[UInt8]]) -> [[Float]]) {
        self.classNames = classNames
        self.classify = probabilities
    }

    /// A trained network and the normalisation it was trained with. The images go
    /// through in batches within the network's inference budget: a line of writing can
    /// make thousands of candidates (a zigzag 1200 px long made enough for 850 MB in one
    /// batch, and a wide network asked for 7.5 GB at once).
    public init(network: Network, normalization: Normalization, classNames: [String]) {
        self.init(classNames: classNames) { images in
            guard !images.isEmpty else { return [] }
            let set = LabeledImages(pixels: images.flatMap { $0 }, labels: [UInt8](repeating: 0, count: images.count), rows: 28, columns: 28)
            let batch = network.inferenceBatch(256)
            var rows = [[Float]]()
            rows.reserveCapacity(images.count)
            for start in stride(from: 0, to: images.count, by: batch) {
                let end = min(images.count, start + batch)
                let p = network.probabilities(normalization.batch(set, indices: start..<end).x).data
                let k = p.count / (end - start)
                rows += (0..<(end - start)).map { Array(p[($0 * k)..<(($0 + 1) * k)]) }
            }
            return rows
        }
    }

    public func probabilities(_ images: [[UInt8]]) -> [[Float]] { images.isEmpty ? [] : classify(images) }
}

/// A network that says whether a 28x28 crop cut from a line of writing is one whole digit
/// (its class 0) or not (class 1: two digits that touch, a piece of one, a digit with much
/// of its neighbour). A digit network trained on whole digits is sure of those too: two
/// touching digits squeezed into 28x28 read "68" as an 8 at 100%. Trained by
/// `models/train-one-digit.txt`.
public struct OneDigitJudge {
    let judge: ([[UInt8]]) -> [Float]

    public init(probabilities: @escaping ([[UInt8]]) -> [Float]) { judge = probabilities }

    public init(network: Network, normalization: Normalization) {
        let two = DigitClassifier(network: network, normalization: normalization, classNames: [])
        // Ten outputs, as DigitLab trains them; the judge uses the first two.
        self.init { images in two.probabilities(images).map { p in p.count >= 2 ? p[0] / max(1e-12, p[0] + p[1]) : 1 } }
    }

    public func wholeness(_ images: [[UInt8]]) -> [Float] { images.isEmpty ? [] : judge(images) }
}

/// A digit network trained on candidates cut from lines of writing where digits touch or
/// overlap (`models/train-in-line.txt`): a 9 with a piece of the 8 it crosses, a 0 short
/// of the arc its neighbour took. The digit network, trained on single digits, reads such
/// a 9 as a 7, and no reading of the line spells the number.
public struct InLineReader {
    let read: ([[UInt8]]) -> [[Float]]

    public init(probabilities: @escaping ([[UInt8]]) -> [[Float]]) { read = probabilities }

    public init(network: Network, normalization: Normalization) {
        let digits = DigitClassifier(network: network, normalization: normalization, classNames: [])
        self.init { digits.probabilities($0) }
    }

    public func probabilities(_ images: [[UInt8]]) -> [[Float]] { images.isEmpty ? [] : read(images) }
}

/// The networks that help the number reader cut a line, besides the digit network.
public enum LineHelper: Sendable, Hashable, CaseIterable {
    case judge, inLine
}
