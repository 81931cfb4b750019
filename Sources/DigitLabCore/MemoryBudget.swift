import Glibc

/// The one memory limit a session's network lives within: checked when a layer is
/// added, a preset is made, a model is loaded, the batch size or the optimiser changes —
/// each time *before* anything is allocated, with a line that gives the estimate, its
/// largest parts and the limit.
///
/// The default is a quarter of the machine's physical memory, at most 1 GB (2³⁰
/// bytes): on this 24 GB machine, 1 GB. The cap keeps the whole process — the limit,
/// plus MNIST (55 MB), the program and the allocator's slack — under about 1.5 GB
/// resident, whatever a learner types or a file claims; the quarter keeps a small
/// laptop usable. Every preset needs less than 100 MB at its batch size (cnn: 73 MB). `set
/// memory-limit 3GB` raises it, up to the machine's physical memory.
///
///     // net: flatten → dense 10000; adding a second dense 10000:
///     try MemoryBudget.default.checkAppending(.dense(units: 10000), to: net, batchSize: 64, optimizer: .sgd)
///     // LimitError: the network would need about 1.6 GB at batch 64 (NaN-recovery copies 823 MB,
///     //   weights 411 MB, gradients 411 MB, …); the limit is 1.0 GB — use fewer units, or `set memory-limit 2GB`
public struct MemoryBudget: Sendable, Equatable {
    /// Bytes the network may use (see `MemoryEstimate` for what is counted).
    public var limit: Int

    public init(limit: Int) { self.limit = limit }

    /// The machine's physical memory in bytes (sysconf), or 4 GB when it cannot be read.
    public static let physicalMemory: Int = {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, size > 0 else { return 4 << 30 }
        return Saturating.product(pages, size)
    }()

    /// A quarter of `physicalMemory`, at most 1 GB and at least 256 MB.
    public static func defaultLimit(physicalMemory: Int) -> Int {
        max(256 << 20, min(physicalMemory / 4, 1 << 30))
    }

    public static let `default` = MemoryBudget(limit: defaultLimit(physicalMemory: physicalMemory))
    /// Below this nothing useful trains (the mlp preset alone needs ~5 MB, MNIST 55 MB).
    public static let minimumLimit = 64 << 20

    /// Reads a limit as typed after `set memory-limit`: `3GB`, `1.5G`, `512MB`, `512M`
    /// (1 GB = 2³⁰ bytes), between `minimumLimit` and the machine's physical memory.
    public static func parse(_ text: String, physicalMemory: Int = physicalMemory) throws(LimitError) -> MemoryBudget {
        let t = text.uppercased()
        let (giga, mega) = (Double(1 << 30), Double(1 << 20))
        let units: [(String, Double)] = [("GB", giga), ("G", giga), ("MB", mega), ("M", mega)]
        guard let (suffix, scale) = units.first(where: { t.hasSuffix($0.0) }),
              let number = Double(t.dropLast(suffix.count)), number.isFinite, number > 0 else {
            throw LimitError("memory-limit: write a size with its unit, such as 3GB or 512MB, got '\(text)'")
        }
        let bytes = number * scale
        guard bytes >= Double(minimumLimit) else {
            throw LimitError("memory-limit: at least \(MemoryEstimate.format(minimumLimit)), got \(text)")
        }
        guard bytes <= Double(physicalMemory) else {
            throw LimitError("memory-limit: this machine has \(MemoryEstimate.format(physicalMemory)) of memory, got \(text)")
        }
        return MemoryBudget(limit: Int(bytes))
    }

    /// The refusal line when `estimate` does not fit, else nil. `advice` says what to
    /// change ("use fewer units"); the line adds a `set memory-limit` that would fit when
    /// the machine has that much.
    public func refusal(_ estimate: MemoryEstimate, advice: String) -> String? {
        let total = estimate.total
        guard total > limit else { return nil }
        var line = "the network would need about \(MemoryEstimate.format(total))"
        line += estimate.optimizer == nil ? " to predict" : " at batch \(estimate.batchSize)"
        line += " (\(estimate)); the limit is \(MemoryEstimate.format(limit)) — \(advice)"
        // Suggest the next whole GB above the estimate, when the machine has it.
        let gigabytes = total / (1 << 30) + 1
        if total < Int.max / 2, gigabytes << 30 <= Self.physicalMemory {
            line += ", or `set memory-limit \(gigabytes)GB`"
        }
        return line
    }

    /// Throws the refusal line when `estimate` does not fit.
    public func check(_ estimate: MemoryEstimate, advice: String) throws(LimitError) {
        if let line = refusal(estimate, advice: advice) { throw LimitError(line) }
    }
}

// MARK: - One check per occasion

extension MemoryBudget {
    /// Before `net add`: refuses a layer that would make the network too big to train at
    /// `batchSize`. A layer that cannot follow the current shape passes here: `append`
    /// then says why, in the words it always uses.
    public func checkAppending(_ spec: LayerSpec, to network: Network, batchSize: Int,
                               optimizer: OptimizerKind) throws(LimitError) {
        guard let estimate = try? network.memoryEstimate(appending: spec, batchSize: batchSize, optimizer: optimizer) else { return }
        let advice: String
        switch spec {
        case .dense: advice = "use fewer units"
        case .conv: advice = "use fewer filters, or a stride or pooling first"
        default: advice = "make the layers before it smaller, or use a smaller batch"
        }
        try check(estimate, advice: advice)
    }

    /// Before building a whole architecture (a preset, a model file's layers).
    public func checkArchitecture(input: [Int], specs: [LayerSpec], batchSize: Int,
                                  optimizer: OptimizerKind?) throws(LimitError) {
        guard let estimate = try? MemoryEstimate(input: input, specs: specs, batchSize: batchSize, optimizer: optimizer) else { return }
        try check(estimate, advice: optimizer == nil ? "this network is too big for this machine" : "use a smaller batch or a smaller network")
    }

    /// After `load model` (the network exists), before the session adopts it: will it
    /// train at the session's batch size?
    public func checkNetwork(_ network: Network, batchSize: Int, optimizer: OptimizerKind) throws(LimitError) {
        try check(network.memoryEstimate(batchSize: batchSize, optimizer: optimizer),
                  advice: largestBatch(for: network, optimizer: optimizer).map { "use a batch of at most \($0)" } ?? "use a smaller network")
    }

    /// Before `set batch N` (and before a new optimiser, whose state may not fit): the
    /// batch must be in `TrainingSettings.batchSizes`, and the network, if there is one,
    /// must fit at that size.
    public func checkBatchSize(_ batchSize: Int, for network: Network?, optimizer: OptimizerKind) throws(LimitError) {
        try TrainingSettings.checkBatchSize(batchSize)
        guard let network, !network.isEmpty else { return }
        let advice = largestBatch(for: network, optimizer: optimizer).map { "use a batch of at most \($0)" }
            ?? "the network alone does not fit: make it smaller"
        try check(network.memoryEstimate(batchSize: batchSize, optimizer: optimizer), advice: advice)
    }

    /// The largest batch size at which `network` fits, or nil when not even 1 does.
    public func largestBatch(for network: Network, optimizer: OptimizerKind?) -> Int? {
        func fits(_ n: Int) -> Bool { network.memoryEstimate(batchSize: n, optimizer: optimizer).total <= limit }
        guard fits(1) else { return nil }
        var (lo, hi) = (1, TrainingSettings.batchSizes.upperBound)
        if fits(hi) { return hi }
        while hi - lo > 1 { // estimates grow with the batch: bisect
            let mid = (lo + hi) / 2
            if fits(mid) { lo = mid } else { hi = mid }
        }
        return lo
    }
}

/// A number or size beyond what DigitLab allows, in one line: what, the limit, what to do.
public struct LimitError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
