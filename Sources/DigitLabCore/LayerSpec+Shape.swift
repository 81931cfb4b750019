/// The rules every layer must satisfy, as one pure function: the output shape a spec
/// gives for a per-sample input shape, or the reason it cannot follow it.
///
/// `net add`, the presets and model files all go through here (`makeLayer` calls it
/// before allocating anything), so a model file's architecture metadata meets exactly
/// the rules a typed line meets. Every product and sum a file or a line supplies is
/// computed with overflow checks: `conv 4 3x3 pad 9223372036854775807` is a refusal, not
/// a trap.
///
///     try LayerSpec.conv(filters: 6, kernel: 5, stride: 1, padding: .fixed(2))
///         .outputShape(input: [1, 28, 28])          // [6, 28, 28]
///     try LayerSpec.conv(filters: 4, kernel: 3, stride: 1, padding: .fixed(3000))
///         .outputShape(input: [1, 28, 28])          // ShapeError: padding 3000 …
extension LayerSpec {
    /// The most layers a network may have. MNIST networks have tens; a model file
    /// listing 200,000 layers is refused before anything is built.
    public static let maxLayers = 1000
    /// The most values an im2col column block of one image may hold (`C·K·K × Ho·Wo`,
    /// 400 MB): a convolution's scratch grows with it even when weights and outputs are
    /// small (a 100x100 kernel on 16 channels).
    public static let maxColumnsPerImage = 100_000_000
    /// The most multiply-adds (×2) a network — and so any one layer — may cost per image:
    /// 2 GFLOP, 80 times the `cnn` preset. Memory is not the only way to hang: a model file
    /// of 300 convolutions fits in 150 MB and would take minutes to classify one picture.
    public static let maxFlopsPerImage = 2_000_000_000

    /// The per-sample output shape, or why this layer cannot follow `input`.
    public func outputShape(input: [Int]) throws(ShapeError) -> [Int] {
        try Self.checkInput(input)
        let shown = describeShape(input)
        let output: [Int]
        switch self {
        case .dense(let units):
            guard units > 0 else { throw ShapeError("dense needs at least 1 unit, got \(units)") }
            guard input.count == 1 else {
                throw ShapeError("dense needs a flat input, this one is \(shown): add flatten first")
            }
            output = [units]
        case let .conv(filters, kernel, stride, padding):
            guard filters > 0, kernel > 0, stride > 0 else {
                throw ShapeError("conv needs positive filters, kernel size and stride")
            }
            guard input.count == 3 else {
                throw ShapeError("conv needs a CxHxW input, this one is \(shown) (it was flattened)")
            }
            let pad = try padding.amount(kernel: kernel, stride: stride)
            // p ≤ K−1 keeps h + 2p from overflowing once K is known to fit the input;
            // check the sum anyway, K itself comes from a file or a line.
            guard let h = checkedSum(input[1], pad, pad), let w = checkedSum(input[2], pad, pad), h >= kernel, w >= kernel else {
                throw ShapeError("conv \(kernel)x\(kernel) needs an input of at least \(kernel)x\(kernel), this one is \(input[1])x\(input[2])x\(input[0])")
            }
            output = [filters, (h - kernel) / stride + 1, (w - kernel) / stride + 1]
        case .maxpool(let k), .avgpool(let k):
            guard k > 0 else { throw ShapeError("pool size must be positive, got \(k)") }
            guard input.count == 3 else {
                throw ShapeError("\(description) needs a CxHxW input, this one is \(shown)")
            }
            guard input[1] >= k, input[2] >= k else {
                throw ShapeError("\(description) needs an input of at least \(k)x\(k), this one is \(input[1])x\(input[2])x\(input[0])")
            }
            output = [input[0], input[1] / k, input[2] / k]
        case .flatten:
            output = [checkedProduct(input) ?? Int.max]
        case .dropout(let p):
            guard p.isFinite, p >= 0, p < 1 else { throw ShapeError("dropout rate must be in [0, 1), got \(p)") }
            output = input
        case .batchnorm:
            output = input
        case .activation(let a):
            if a == .softmax, input.count != 1 {
                throw ShapeError("softmax needs a flat input, this one is \(shown)")
            }
            output = input
        }
        try checkSize(input: input, output: output)
        return output
    }

    /// The shapes after each of `specs`, starting from `input`; the error names the
    /// layer (by index) that cannot follow. At most `maxLayers` layers.
    public static func shapes(input: [Int], specs: [LayerSpec]) throws(ShapeError) -> [[Int]] {
        guard specs.count <= maxLayers else {
            throw ShapeError("\(specs.count) layers is more than DigitLab allows (\(maxLayers))")
        }
        var shapes = [[Int]](), shape = input, flops = 0
        shapes.reserveCapacity(specs.count)
        for (i, spec) in specs.enumerated() {
            let before = shape
            do { shape = try spec.outputShape(input: shape) } catch {
                throw ShapeError("layer \(i) (\(spec.description)) cannot follow the one before: \(error.message)")
            }
            flops = checkedSum(flops, spec.flopsPerImage(input: before, output: shape)) ?? Int.max
            shapes.append(shape)
        }
        try checkFlops(flops)
        return shapes
    }

    /// Refuses a network whose layers together cost more than `maxFlopsPerImage`.
    public static func checkFlops(_ flops: Int) throws(ShapeError) {
        guard flops <= maxFlopsPerImage else {
            throw ShapeError("the network would cost \(flops == Int.max ? "too many" : String(flops)) operations per image — classifying one picture would take seconds, training days; DigitLab allows \(maxFlopsPerImage)")
        }
    }

    /// Multiply-adds ×2 per image, as `net summary` counts them for dense and conv layers
    /// (the others cost about one operation per value). Saturates at `Int.max`.
    public func flopsPerImage(input: [Int], output: [Int]) -> Int {
        let inputs = checkedProduct(input) ?? Int.max, outputs = checkedProduct(output) ?? Int.max
        switch self {
        case .dense(let units): return checkedProduct([2, units, inputs]) ?? Int.max
        case let .conv(filters, kernel, _, _):
            return checkedProduct([2, input[0], kernel, kernel, filters, checkedProduct(Array(output.dropFirst())) ?? Int.max]) ?? Int.max
        case .maxpool(let k), .avgpool(let k): return checkedProduct([outputs, k, k]) ?? Int.max
        case .batchnorm: return checkedProduct([4, inputs]) ?? Int.max
        case .flatten, .dropout: return 0
        case .activation: return inputs
        }
    }

    /// A per-sample shape every layer can start from: 1 to 3 positive dimensions whose
    /// product fits the per-layer output cap.
    static func checkInput(_ input: [Int]) throws(ShapeError) {
        guard (1...3).contains(input.count), input.allSatisfy({ $0 > 0 }),
              let size = checkedProduct(input), size <= maxOutputs else {
            throw ShapeError("the input shape \(describeShape(input)) is not a shape DigitLab can use (1 to 3 positive sizes, at most \(maxOutputs) values)")
        }
    }

    /// Refuses layers whose weights, outputs, scratch or work would not fit, before
    /// allocating. The output shape already includes padding and stride.
    func checkSize(input: [Int], output: [Int]) throws(ShapeError) {
        let inputs = checkedProduct(input) ?? Int.max
        let outputs = checkedProduct(output) ?? Int.max
        var weights = 0, columns = 0
        let flops = flopsPerImage(input: input, output: output)
        switch self {
        case .dense(let units):
            weights = checkedProduct([units, inputs]) ?? Int.max
        case let .conv(filters, kernel, _, _):
            let patch = checkedProduct([input[0], kernel, kernel]) ?? Int.max
            let pixels = checkedProduct(Array(output.dropFirst())) ?? Int.max
            weights = checkedProduct([filters, patch]) ?? Int.max
            columns = checkedProduct([patch, pixels]) ?? Int.max
        default: break
        }
        func shown(_ n: Int) -> String { n == Int.max ? "too many" : String(n) }
        guard weights <= Self.maxParameters, outputs <= Self.maxOutputs else {
            let limit = weights > Self.maxParameters ? "\(Self.maxParameters) weights" : "\(Self.maxOutputs) outputs per image"
            throw ShapeError("\(description) would need \(shown(weights)) weights and \(shown(outputs)) outputs per image — far more than fits in memory; DigitLab allows \(limit) per layer")
        }
        guard columns <= Self.maxColumnsPerImage else {
            throw ShapeError("\(description) would need \(shown(columns)) scratch values per image (each output pixel copies a \(input[0])x\(kernelSize)x\(kernelSize) patch) — far more than fits in memory; use a smaller kernel or fewer channels")
        }
        guard flops <= Self.maxFlopsPerImage else {
            throw ShapeError("\(description) would cost \(shown(flops)) operations per image — one training step would take minutes; DigitLab allows \(Self.maxFlopsPerImage) per layer")
        }
    }

    private var kernelSize: Int {
        if case let .conv(_, kernel, _, _) = self { return kernel }
        return 1
    }
}

extension LayerSpec.Padding {
    /// The zero rows and columns added on each side, or why this padding cannot be used.
    /// More than K−1 only adds outputs that see nothing but zeros, so it is refused
    /// (that also keeps `H + 2p` far from overflowing).
    func amount(kernel: Int, stride: Int) throws(ShapeError) -> Int {
        switch self {
        case .fixed(let p):
            guard p >= 0 else { throw ShapeError("padding must be 0 or more, got \(p)") }
            guard p < kernel else {
                throw ShapeError("padding \(p) is more than a \(kernel)x\(kernel) kernel can use: at most \(kernel - 1) (wider padding only adds outputs that see nothing but zeros)")
            }
            return p
        case .same:
            guard kernel % 2 == 1, stride == 1 else {
                throw ShapeError("pad same needs an odd kernel and stride 1, got \(kernel)x\(kernel) stride \(stride)")
            }
            return kernel / 2
        }
    }
}

/// The product of `values`, or nil when it overflows `Int` (or a value is negative).
public func checkedProduct(_ values: [Int]) -> Int? {
    var p = 1
    for v in values {
        guard v >= 0 else { return nil }
        let (r, overflow) = p.multipliedReportingOverflow(by: v)
        if overflow { return nil }
        p = r
    }
    return p
}

/// The sum of `values`, or nil when it overflows `Int`.
public func checkedSum(_ values: Int...) -> Int? {
    var s = 0
    for v in values {
        let (r, overflow) = s.addingReportingOverflow(v)
        if overflow { return nil }
        s = r
    }
    return s
}
