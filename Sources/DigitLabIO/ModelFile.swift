import DigitLabCore
import Foundation

/// A trained network as a safetensors file a PyTorch user can load: tensors named and
/// laid out as an `nn.Sequential` state_dict (`"3.weight"`, dense `[out, in]`, conv
/// `[out, in, kh, kw]`, float32 little-endian; batchnorm's running statistics too), and
/// in `__metadata__` the architecture, the normalisation, the seed, the class names, a
/// training summary and the DigitLab version. See Docs/model-format.md.
public enum ModelFile {
    public static let formatName = "digitlab-model"
    public static let digitLabVersion = "0.1.0"

    /// Everything but the tensors.
    public struct Info: Equatable, Sendable {
        public var normalization: Normalization
        public var seed: UInt64
        public var classNames: [String]
        /// Free-form JSON: epochs, steps, accuracy… (shown by `load model`).
        public var training: String
        public var version = ModelFile.digitLabVersion

        public init(normalization: Normalization, seed: UInt64, classNames: [String], training: String) {
            self.normalization = normalization; self.seed = seed; self.classNames = classNames; self.training = training
        }
    }

    struct Architecture: Codable {
        let input: [Int]
        let layers: [LayerSpec]
    }

    /// The state_dict: parameters and buffers of each layer under its index.
    static func tensors(of network: Network) -> [(name: String, tensor: Safetensors.Tensor)] {
        var out = [(name: String, tensor: Safetensors.Tensor)]()
        for (i, layer) in network.layers.enumerated() {
            for p in layer.parameters { out.append(("\(i).\(p.name)", .init(floats: p.value, shape: p.shape))) }
            if let bn = layer as? BatchNorm {
                for (name, values) in bn.buffers { out.append(("\(i).\(name)", .init(floats: values, shape: [values.count]))) }
                out.append(("\(i).num_batches_tracked", .init(int64: Int64(bn.batchesTracked))))
            }
        }
        return out
    }

    public static func encode(_ network: Network, info: Info) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let architecture = (try? encoder.encode(Architecture(input: network.inputShape, layers: network.specs)))
            .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let classes = (try? encoder.encode(info.classNames)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        let metadata = [
            "format": formatName, "digitlab_version": info.version, "architecture": architecture,
            "layers": network.specs.map(\.description).joined(separator: " | "),
            "normalization_mean": "\(info.normalization.mean)", "normalization_std": "\(info.normalization.std)",
            "seed": "\(info.seed)", "classes": classes, "training": info.training,
        ]
        return Safetensors.encode(tensors(of: network), metadata: metadata)
    }

    /// Writes atomically: a crash never leaves half a model, nor loses the previous one.
    public static func save(_ network: Network, info: Info, to path: String) throws(IOError) {
        try AtomicFile.write(encode(network, info: info), to: path)
    }

    public static func load(_ path: String) throws(IOError) -> (network: Network, info: Info) {
        try decode(try readBytes(path), name: path)
    }

    /// A model or checkpoint file's bytes.
    public static func readBytes(_ path: String) throws(IOError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IOError(path, "cannot open the file (missing or unreadable)")
        }
        return [UInt8](data)
    }

    public static func decode(_ bytes: [UInt8], name: String) throws(IOError) -> (network: Network, info: Info) {
        let (tensors, metadata) = try Safetensors.decode(bytes, name: name)
        guard let text = metadata["architecture"],
              let architecture = try? JSONDecoder().decode(Architecture.self, from: Data(text.utf8)) else {
            throw IOError(name, "no DigitLab architecture in __metadata__ — this file holds tensors but not the network that uses them (see Docs/model-format.md)")
        }
        guard let mean = metadata["normalization_mean"].flatMap(Float.init),
              let std = metadata["normalization_std"].flatMap(Float.init), std > 0 else {
            throw IOError(name, "__metadata__ lacks normalization_mean/normalization_std — needed to prepare images as in training")
        }
        let classes = metadata["classes"].flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }
            ?? (0...9).map(String.init)
        var rng = SeededRNG(seed: 0) // the weights come from the file
        let network = Network(inputShape: architecture.input)
        for (i, spec) in architecture.layers.enumerated() {
            do { try network.append(spec, using: &rng) } catch {
                throw IOError(name, "layer \(i) (\(spec.description)) cannot follow the one before: \(error.message)")
            }
        }
        guard network.outputShape == [classes.count] else {
            throw IOError(name, "the network outputs \(describeShape(network.outputShape)) values but the file names \(classes.count) classes")
        }
        var used = Set<String>()
        func take(_ key: String, shape: [Int]) throws(IOError) -> [Float] {
            guard let t = tensors[key] else { throw IOError(name, "missing tensor '\(key)' that the architecture needs") }
            guard t.shape == shape, let floats = t.floats else {
                throw IOError(name, "architecture mismatch: tensor '\(key)' is \(t.dtype.rawValue) \(t.shape), the architecture needs F32 \(shape)")
            }
            used.insert(key)
            return floats
        }
        for (i, layer) in network.layers.enumerated() {
            for p in layer.parameters { p.value = try take("\(i).\(p.name)", shape: p.shape) }
            if let bn = layer as? BatchNorm {
                for (buffer, values) in bn.buffers {
                    _ = bn.setBuffer(buffer, to: try take("\(i).\(buffer)", shape: [values.count]))
                }
                if let tracked = tensors["\(i).num_batches_tracked"] { used.insert("\(i).num_batches_tracked"); bn.setBatchesTracked(Int(tracked.int64 ?? 0)) }
            }
        }
        if let extra = tensors.keys.filter({ !used.contains($0) }).sorted().first {
            throw IOError(name, "architecture mismatch: tensor '\(extra)' belongs to no layer of the architecture")
        }
        var info = Info(normalization: Normalization(mean: mean, std: std), seed: UInt64(metadata["seed"] ?? "0") ?? 0,
                        classNames: classes, training: metadata["training"] ?? "{}")
        info.version = metadata["digitlab_version"] ?? "unknown"
        return (network, info)
    }
}
