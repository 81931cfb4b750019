/// Images and their labels, held as bytes (0 = paper, 255 = ink) exactly as in the files.
/// Floats are made per batch, so the whole of MNIST costs 55 MB rather than 220.
public struct LabeledImages: Sendable, Equatable {
    public var pixels: [UInt8]
    public var labels: [UInt8]
    public let rows: Int
    public let columns: Int

    public init(pixels: [UInt8], labels: [UInt8], rows: Int, columns: Int) {
        precondition(pixels.count == labels.count * rows * columns, "pixels and labels disagree")
        self.pixels = pixels
        self.labels = labels
        self.rows = rows
        self.columns = columns
    }

    public var count: Int { labels.count }
    public var imageSize: Int { rows * columns }
    public var isEmpty: Bool { labels.isEmpty }

    /// The pixels of one image.
    public func image(_ index: Int) -> ArraySlice<UInt8> {
        pixels[index * imageSize ..< (index + 1) * imageSize]
    }

    /// The images at `indices`, in that order.
    public func subset(_ indices: [Int]) -> LabeledImages {
        var p = [UInt8](); p.reserveCapacity(indices.count * imageSize)
        for i in indices { p += image(i) }
        return LabeledImages(pixels: p, labels: indices.map { labels[$0] }, rows: rows, columns: columns)
    }

    /// How many images of each class (0–9).
    public var classCounts: [Int] {
        var c = [Int](repeating: 0, count: 10)
        for l in labels where Int(l) < 10 { c[Int(l)] += 1 }
        return c
    }
}

/// Pixel preprocessing: x = (byte/255 − mean) / std. `identity` only scales to [0, 1].
public struct Normalization: Equatable, Codable, Sendable {
    public var mean: Float
    public var std: Float
    public init(mean: Float, std: Float) { self.mean = mean; self.std = std }

    public static let scaleOnly = Normalization(mean: 0, std: 1)
    /// MNIST's training-set statistics, as the reference script uses.
    public static let mnist = Normalization(mean: 0.1307, std: 0.3081)

    /// The statistics of a set of images, to standardise with.
    public static func measured(from images: LabeledImages) -> Normalization {
        var sum = 0.0, sq = 0.0
        for p in images.pixels { let v = Double(p) / 255; sum += v; sq += v * v }
        let n = Double(max(1, images.pixels.count))
        let mean = sum / n
        return Normalization(mean: Float(mean), std: Float(max(1e-6, (sq / n - mean * mean).squareRoot())))
    }

    /// The float a byte becomes (`table[0]` is blank paper), as `batch` computes it.
    public var table: [Float] {
        let scale = 1 / (255 * std), offset = -mean / std
        return (0..<256).map { Float($0) * scale + offset }
    }

    /// A `[n, 1, rows, columns]` batch of the images at `indices`.
    public func batch(_ images: LabeledImages, indices: some Collection<Int>) -> (x: Tensor, labels: [Int]) {
        let size = images.imageSize
        // byte · scale + offset = (byte/255 − mean)/std, written so it vectorises (a
        // lookup table is a gather, and cost half of mlp's inference time).
        let scale = 1 / (255 * std), offset = -mean / std
        var x = [Float](uninitializedCount: indices.count * size) // every pixel is written
        let rows = Array(indices)
        images.pixels.withUnsafeBufferPointer { src in
            x.withUnsafeMutableBufferPointer { dst in
                Parallel.forEachSlice(count: rows.count, grain: 16) { slice in
                    for row in slice {
                        let s = src.baseAddress! + rows[row] * size, d = dst.baseAddress! + row * size
                        for j in 0..<size { d[j] = Float(s[j]) * scale + offset }
                    }
                }
            }
        }
        let labels = rows.map { Int(images.labels[$0]) }
        return (Tensor(shape: [indices.count, 1, images.rows, images.columns], data: x), labels)
    }
}
