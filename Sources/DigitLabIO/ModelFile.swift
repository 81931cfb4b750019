import DigitLabCore
import Foundation

/// A trained network as a safetensors file a PyTorch user can load: tensors named and
/// laid out as an `nn.Sequential` state_dict (`"3.weight"`, dense `[out, in]`, conv
/// `[out, in, kh, kw]`, float32 little-endian; batchnorm's running statistics too), and
/// in `__metadata__` the architecture, the normalisation, the seed, the class names, a
/// training summary and the DigitLab version. See Docs/model-format.md.
public enum ModelFile {
    public static let formatName = "digitlab-model"
    public static let digitLabVersion = "0.2.0"

    /// Everything but the tensors.
    public struct Info: Equatable, Sendable {
        public var normalization: Normalization
        public var seed: UInt64
        public var classNames: [String]
        /// Free-form JSON: epochs, steps, accuracy… (shown by `load model`).
        public var training: String
        public var version = ModelFile.digitLabVersion

        /// The one-digit judge of `digitlab read` (trained by `models/train-one-digit.txt`
        /// on the set it names `one-digit-set`): its classes 0 and 1 mean "one whole
        /// digit" and "not", not digits. Each is refused in the other's place.
        public var isOneDigitJudge: Bool { trainedOn == "one-digit-set" }

        /// The in-line digit network of `digitlab read` (trained by
        /// `models/train-in-line.txt` on the set it names `in-line-set`): a digit network
        /// for candidates cut where digits touch or overlap.
        public var isInLineReader: Bool { trainedOn == "in-line-set" }

        /// The training record's "dataset", read as JSON when the record is given (a
        /// record written with spaces, `"dataset": "in-line-set"`, is the same record; a
        /// long one is read whole, though only its start is kept for showing); nil when it
        /// has none.
        public private(set) var trainedOn: String?

        public init(normalization: Normalization, seed: UInt64, classNames: [String], training: String) {
            self.normalization = normalization; self.seed = seed; self.classNames = classNames; self.training = training
            let object = try? JSONSerialization.jsonObject(with: Data(training.utf8)) as? [String: Any]
            trainedOn = object?["dataset"] as? String
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
    public static func save(_ network: Network, info: Info, to path: String, policy: WritePolicy = .anywhere) throws(IOError) {
        try AtomicFile.write(encode(network, info: info), to: path, policy: policy)
    }

    /// The input every DigitLab network starts from: the data is 1x28x28 digits.
    public static let expectedInput = [1, 28, 28]
    /// The most classes a model may name, and the longest name (bytes).
    public static let maxClasses = 1000, maxClassNameLength = 200
    /// The longest training summary kept from a file (it is shown by `load model`).
    public static let maxTrainingSummary = 2000

    /// Reads and checks a model file. It is opened through `RegularFile` (a FIFO, a
    /// device or a folder is refused before any read); its header is read and checked
    /// first, so a file that claims too much costs its header, not its size; then the
    /// whole file, only when it is no larger than the memory limit (`budget`).
    public static func load(_ path: String, budget: MemoryBudget = .default) throws(IOError) -> (network: Network, info: Info) {
        let (fd, size) = try RegularFile.open(path)
        defer { close(fd) }
        guard size <= budget.limit else {
            throw RegularFile.tooLarge(path, size: size, limit: budget.limit, kind: "a model file under the memory limit (`set memory-limit` to raise it)")
        }
        let head = try RegularFile.read(fd: fd, path: path, upTo: min(size, 8 + Safetensors.maxHeaderLength))
        _ = try plan(head, fileSize: size, name: path, budget: budget)
        let bytes = try RegularFile.read(fd: fd, path: path, upTo: size)
        guard bytes.count == size else { throw IOError(path, "the file changed while it was read — try again") }
        return try decode(bytes, name: path, budget: budget)
    }

    /// A model or checkpoint file's bytes, read as `load` reads them (a regular file, no
    /// larger than the memory limit).
    public static func readBytes(_ path: String, budget: MemoryBudget = .default) throws(IOError) -> [UInt8] {
        let (fd, size) = try RegularFile.open(path)
        defer { close(fd) }
        guard size <= budget.limit else {
            throw RegularFile.tooLarge(path, size: size, limit: budget.limit, kind: "a file under the memory limit (`set memory-limit` to raise it)")
        }
        return try RegularFile.read(fd: fd, path: path, upTo: size)
    }

    /// What a file's header promises, checked: everything but the tensor values.
    struct Plan {
        let entries: [String: Safetensors.Entry]
        let metadata: [String: String]
        let architecture: Architecture
        let normalization: Normalization
        let classes: [String]
    }

    /// Checks everything a header claims before anything is built — the same rules as
    /// `net add` for every layer, at most `LayerSpec.maxLayers` of them, an input of
    /// 1x28x28, finite normalisation with std > 1e-6, class names, and the memory the
    /// network needs to predict while the file (`fileSize` bytes) is held.
    static func plan(_ bytes: [UInt8], fileSize: Int? = nil, name: String, budget: MemoryBudget) throws(IOError) -> Plan {
        let (entries, metadata) = try Safetensors.header(bytes, fileSize: fileSize, name: name)
        let architecture = try readArchitecture(metadata, name: name)
        guard architecture.input == expectedInput else {
            throw IOError(name, "the model's input is \(describeShape(architecture.input)), but DigitLab's pictures are \(describeShape(expectedInput)) — this model was made for other data")
        }
        let shapes: [[Int]]
        do { shapes = try LayerSpec.shapes(input: architecture.input, specs: architecture.layers) } catch {
            throw IOError(name, error.message)
        }
        let normalization = try readNormalization(metadata, name: name)
        let classes = try readClasses(metadata, name: name)
        let output = shapes.last ?? architecture.input
        guard output == [classes.count] else {
            throw IOError(name, "the network outputs \(describeShape(output)) values but the file names \(classes.count) classes")
        }
        if let estimate = try? MemoryEstimate(input: architecture.input, specs: architecture.layers, batchSize: 1, optimizer: nil),
           (checkedSum(estimate.total, fileSize ?? bytes.count) ?? Int.max) > budget.limit {
            throw IOError(name, "the model needs about \(MemoryEstimate.format(estimate.total)) to predict (\(estimate)), more than the memory limit of \(MemoryEstimate.format(budget.limit)) — `set memory-limit` to raise it")
        }
        return Plan(entries: entries, metadata: metadata, architecture: architecture, normalization: normalization, classes: classes)
    }

    /// Checks a whole file (`plan`), then builds the network and fills it, refusing any
    /// NaN or infinite weight and any network that predicts NaN.
    public static func decode(_ bytes: [UInt8], name: String, budget: MemoryBudget = .default) throws(IOError) -> (network: Network, info: Info) {
        let plan = try plan(bytes, name: name, budget: budget)
        let (entries, metadata, architecture, normalization, classes) = (plan.entries, plan.metadata, plan.architecture, plan.normalization, plan.classes)
        var rng = SeededRNG(seed: 0) // the weights come from the file
        let network = Network(inputShape: architecture.input)
        for (i, spec) in architecture.layers.enumerated() {
            do { try network.append(spec, using: &rng) } catch {
                throw IOError(name, "layer \(i) (\(spec.description)) cannot follow the one before: \(error.message)")
            }
        }
        var used = Set<String>()
        func take(_ key: String, shape: [Int]) throws(IOError) -> [Float] {
            guard let t = entries[key] else { throw IOError(name, "missing tensor '\(key)' that the architecture needs") }
            guard t.shape == shape, t.dtype == .f32 else {
                throw IOError(name, "architecture mismatch: tensor '\(key)' is \(t.dtype.rawValue) \(t.shape), the architecture needs F32 \(shape)")
            }
            used.insert(key)
            let floats = Self.floats(bytes, t.range)
            if let bad = floats.firstIndex(where: { !$0.isFinite }) {
                throw IOError(name, "tensor '\(key)' holds \(floats[bad]) at index \(bad) (byte offset \(t.range.lowerBound + 4 * bad)) — the model is damaged, or was saved after training diverged")
            }
            return floats
        }
        for (i, layer) in network.layers.enumerated() {
            for p in layer.parameters { p.value = try take("\(i).\(p.name)", shape: p.shape) }
            if let bn = layer as? BatchNorm {
                for (buffer, values) in bn.buffers {
                    let v = try take("\(i).\(buffer)", shape: [values.count])
                    if buffer == "running_var", let bad = v.firstIndex(where: { $0 < 0 }) {
                        throw IOError(name, "tensor '\(i).running_var' holds a negative variance (\(v[bad])) at index \(bad) — the model is damaged")
                    }
                    _ = bn.setBuffer(buffer, to: v)
                }
                let key = "\(i).num_batches_tracked"
                if let tracked = entries[key] {
                    used.insert(key)
                    let count = tracked.dtype == .i64 && tracked.range.count == 8
                        ? bytes.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(fromByteOffset: tracked.range.lowerBound, as: Int64.self)) } : 0
                    bn.setBatchesTracked(Int(max(0, count)))
                }
            }
        }
        if let extra = entries.keys.filter({ !used.contains($0) }).sorted().first {
            throw IOError(name, "architecture mismatch: tensor '\(extra)' belongs to no layer of the architecture")
        }
        // Finite weights can still overflow (3e38 everywhere): a model must at least give
        // finite probabilities for blank paper and for solid ink.
        let probe = LabeledImages(pixels: [UInt8](repeating: 0, count: 784) + [UInt8](repeating: 255, count: 784),
                                  labels: [0, 0], rows: 28, columns: 28)
        if network.probabilities(normalization.batch(probe, indices: 0..<2).x).data.contains(where: { !$0.isFinite }) {
            throw IOError(name, "the model's outputs are not finite numbers for a blank or an all-ink picture — its weights are damaged (too large)")
        }
        var info = Info(normalization: normalization, seed: UInt64(metadata["seed"] ?? "0") ?? 0,
                        classNames: classes, training: metadata["training"] ?? "{}")
        if info.training.count > maxTrainingSummary { info.training = String(info.training.prefix(maxTrainingSummary)) + "…" }
        info.version = metadata["digitlab_version"] ?? "unknown"
        return (network, info)
    }

    /// Little-endian Float32 values from a byte range (unaligned in the file).
    static func floats(_ bytes: [UInt8], _ range: Range<Int>) -> [Float] {
        let count = range.count / 4
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[range.lowerBound..<(range.lowerBound + 4 * count)]))
            }
            initialized = count
        }
    }
}

extension ModelFile {
    static func readArchitecture(_ metadata: [String: String], name: String) throws(IOError) -> Architecture {
        guard let text = metadata["architecture"] else {
            throw IOError(name, "no DigitLab architecture in __metadata__ — this file holds tensors but not the network that uses them (see Docs/model-format.md)")
        }
        guard JSONDepth.exceeding(Safetensors.maxJSONDepth, in: text.utf8) == nil,
              let architecture = try? JSONDecoder().decode(Architecture.self, from: Data(text.utf8)) else {
            throw IOError(name, "the architecture in __metadata__ is not a list of DigitLab layers — the file is damaged or was not written by DigitLab (see Docs/model-format.md)")
        }
        guard architecture.layers.count <= LayerSpec.maxLayers else {
            throw IOError(name, "the architecture lists \(architecture.layers.count) layers; DigitLab allows at most \(LayerSpec.maxLayers)")
        }
        return architecture
    }

    static func readNormalization(_ metadata: [String: String], name: String) throws(IOError) -> Normalization {
        guard let meanText = metadata["normalization_mean"], let stdText = metadata["normalization_std"] else {
            throw IOError(name, "__metadata__ lacks normalization_mean/normalization_std — needed to prepare images as in training")
        }
        guard let mean = Float(meanText), mean.isFinite else {
            throw IOError(name, "normalization_mean is '\(meanText.prefix(40))': it must be a finite number — the file is damaged")
        }
        guard let std = Float(stdText), std.isFinite, std > 1e-6 else {
            throw IOError(name, "normalization_std is '\(stdText.prefix(40))': it must be a finite number above 0.000001 — the file is damaged")
        }
        let normalization = Normalization(mean: mean, std: std)
        try check(normalization, name: name)
        return normalization
    }

    /// What a standardisation read from any file (a model, a checkpoint) must be: a
    /// finite mean, a finite std above 1e-6, and pixels that stay finite.
    public static func check(_ n: Normalization, name: String) throws(IOError) {
        guard n.mean.isFinite, n.std.isFinite, n.std > 1e-6 else {
            throw IOError(name, "the standardisation (mean \(n.mean), std \(n.std)) needs a finite mean and a finite std above 0.000001 — the file is damaged")
        }
        // A pixel becomes byte/(255·std) − mean/std: both must stay finite.
        guard (n.mean / n.std).isFinite, (1 / (255 * n.std)).isFinite else {
            throw IOError(name, "normalization_mean \(n.mean) and std \(n.std) turn pixels into infinities — the file is damaged")
        }
    }

    /// The class names (0–9 when the file has none, as PyTorch-made files may).
    static func readClasses(_ metadata: [String: String], name: String) throws(IOError) -> [String] {
        guard let text = metadata["classes"] else { return (0...9).map(String.init) }
        guard JSONDepth.exceeding(2, in: text.utf8) == nil,
              let classes = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
            throw IOError(name, "classes in __metadata__ is not a JSON list of names — the file is damaged")
        }
        try check(classes: classes, name: name)
        return classes
    }

    /// What class names read from any file (a model, a checkpoint) must be.
    public static func check(classes: [String], name: String) throws(IOError) {
        guard (1...maxClasses).contains(classes.count), classes.allSatisfy({ $0.utf8.count <= maxClassNameLength }) else {
            throw IOError(name, "classes in __metadata__ must be 1 to \(maxClasses) names of at most \(maxClassNameLength) bytes, got \(classes.count)")
        }
        // Names are printed: an escape sequence in one would drive the terminal.
        if let bad = classes.firstIndex(where: { $0.unicodeScalars.contains { $0.properties.generalCategory == .control } }) {
            throw IOError(name, "class name \(bad) in __metadata__ holds a control character — the file is damaged or hostile")
        }
    }
}
