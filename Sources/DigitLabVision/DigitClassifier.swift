import DigitLabCore

/// What the vision code asks of a network: MNIST-style 28x28 images (784 bytes, 255 =
/// ink) in, one row of class probabilities per image out. A closure, so tests can pass a
/// fake and the number reader never needs to know about layers.
public struct DigitClassifier {
    public let classNames: [String]
    let classify: ([[UInt8]]) -> [[Float]]

    public init(classNames: [String] = (0...9).map(String.init), probabilities: @escaping ([[UInt8]]) -> [[Float]]) {
        self.classNames = classNames
        self.classify = probabilities
    }

    /// A trained network and the normalisation it was trained with.
    public init(network: Network, normalization: Normalization, classNames: [String]) {
        self.init(classNames: classNames) { images in
            guard !images.isEmpty else { return [] }
            let set = LabeledImages(pixels: images.flatMap { $0 }, labels: [UInt8](repeating: 0, count: images.count), rows: 28, columns: 28)
            let p = network.probabilities(normalization.batch(set, indices: 0..<images.count).x).data
            let k = p.count / images.count
            return (0..<images.count).map { Array(p[($0 * k)..<(($0 + 1) * k)]) }
        }
    }

    public func probabilities(_ images: [[UInt8]]) -> [[Float]] { images.isEmpty ? [] : classify(images) }
}
