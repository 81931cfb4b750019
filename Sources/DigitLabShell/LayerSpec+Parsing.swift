import DigitLabCore

extension LayerSpec {
    /// The layer types `net add` knows, for help and completion.
    static let typeNames = ["dense", "conv", "maxpool", "avgpool", "flatten", "dropout", "batchnorm"]
        + Activation.allCases.map(\.rawValue)

    /// Parses the words after `net add`: a layer and, for dense and conv, an optional
    /// activation to add after it (`dense 128 relu`).
    static func parse(_ args: inout Arguments) throws(CommandError) -> [LayerSpec] {
        let type = try args.next("a layer type (\(typeNames.joined(separator: ", ")))")
        var specs: [LayerSpec]
        switch type {
        case "dense":
            specs = [.dense(units: try args.nextInt("the number of units"))]
        case "conv":
            let filters = try args.nextInt("the number of filters")
            let sizeWord = try args.next("a kernel size such as 5x5")
            let parts = sizeWord.split(separator: "x")
            guard let k = Int(parts.first ?? ""), k > 0, parts.count <= 2, parts.count == 1 || Int(parts[1]) == k else {
                throw CommandError("net add conv: kernel size must look like 5x5 (square), got '\(sizeWord)'")
            }
            var stride = 1, padding = LayerSpec.Padding.fixed(0)
            while let w = args.first, w == "stride" || w == "pad" {
                _ = try args.next(w)
                if w == "stride" { stride = try args.nextInt("the stride") } else {
                    let p = try args.next("a padding (a number or same)")
                    if p == "same" { padding = .same } else if let n = Int(p), n >= 0 { padding = .fixed(n) } else {
                        throw CommandError("net add conv: pad takes a number or `same`, got '\(p)'")
                    }
                }
            }
            specs = [.conv(filters: filters, kernel: k, stride: stride, padding: padding)]
        case "maxpool": specs = [.maxpool(size: try args.nextInt("the pool size"))]
        case "avgpool": specs = [.avgpool(size: try args.nextInt("the pool size"))]
        case "flatten": specs = [.flatten]
        case "batchnorm": specs = [.batchnorm]
        case "dropout":
            let p = try args.nextFloat("the drop probability")
            guard p >= 0, p < 1 else { throw CommandError("net add dropout: the probability must be in [0, 1), got \(p)") }
            specs = [.dropout(rate: p)]
        default:
            guard let a = Activation(rawValue: type) else {
                throw CommandError("net add: unknown layer '\(type)' — one of \(typeNames.joined(separator: ", "))")
            }
            return [.activation(a)]
        }
        if let w = args.first, let a = Activation(rawValue: w) {
            _ = try args.next("activation")
            specs.append(.activation(a))
        }
        return specs
    }
}
