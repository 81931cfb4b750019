import DigitLabCore

/// A named dataset as the learner works with it: training, validation and test images,
/// where they came from, and the names of the classes.
public struct Dataset: Sendable {
    public var name: String
    /// The folder the files were read from.
    public var source: String
    public var train: LabeledImages
    public var validation: LabeledImages?
    public var test: LabeledImages
    public var classNames: [String]

    public init(name: String, source: String, train: LabeledImages, validation: LabeledImages? = nil,
                test: LabeledImages, classNames: [String] = (0...9).map(String.init)) {
        self.name = name
        self.source = source
        self.train = train
        self.validation = validation
        self.test = test
        self.classNames = classNames
    }

    public static let fashionClassNames = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat",
                                           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
}

/// How to take part of a split: the first N images, or N chosen at random with a seed.
public enum SubsetRule: Equatable, Sendable {
    case first(Int)
    case random(Int, seed: UInt64)

    public func apply(to images: LabeledImages) -> LabeledImages {
        switch self {
        case .first(let n):
            return n >= images.count ? images : images.subset(Array(0..<n))
        case let .random(n, seed):
            guard n < images.count else { return images }
            var rng = SeededRNG(seed: seed)
            return images.subset(Array(rng.permutation(images.count).prefix(n)).sorted())
        }
    }
}
