import DigitLabCore
import Foundation

/// `render trace INDEX`: one prediction in one picture (after CNN Explainer). Left to
/// right: the input; for each conv layer one row per filter — the filter, then beside
/// it its map before the activation, after it and after pooling; the flattened vector;
/// each dense layer's outputs; the probabilities. Below, one worked number: the input
/// patch × the kernel + the bias = the value in the map, with the real numbers, marked
/// where it sits on the input and on the map (for a network without conv layers: one
/// dense unit's weighted sum).
///
/// Signed outputs (a conv or dense layer before its activation, batchnorm) use the
/// diverging map centred on zero — white is 0, so one sees what a ReLU will cut; values
/// of zero or more use viridis. Each column has its own scale, printed above it.
///
/// The caller checks what `render probabilities` checks: a network that is not empty
/// and gives one score per class.
public enum TraceFigure {
    /// Everything the picture shows, as plain numbers (see `Data.init(network:…)`).
    public struct Data {
        /// The digit as bytes (255 = ink), for the input picture.
        public var pixels: [UInt8]
        /// What the network sees: the normalised input, `inputShape` (1x28x28).
        public var inputValues: [Float]
        public var inputShape: [Int]
        public var trace: [LayerTrace]
        /// Conv layer number → its weights `[filters, channels, k, k]`.
        public var convWeights: [Int: [Float]]
        public var probabilities: [Float]
        public var classNames: [String]
        public var truth: Int?
        /// Which image, e.g. "test image #12".
        public var caption: String
        public var convolution: WorkedConvolution?
        public var dense: WorkedDense?
        /// The most filters (rows) drawn per conv layer; with more, the most active are shown.
        public var maxFilters = 8

        /// A class's name, or its number when the names run out.
        func name(_ k: Int) -> String { classNames.indices.contains(k) ? classNames[k] : String(k) }

        public init(pixels: [UInt8], inputValues: [Float], inputShape: [Int], trace: [LayerTrace],
                    convWeights: [Int: [Float]], probabilities: [Float], classNames: [String], truth: Int?,
                    caption: String, convolution: WorkedConvolution?, dense: WorkedDense?) {
            self.pixels = pixels; self.inputValues = inputValues; self.inputShape = inputShape; self.trace = trace
            self.convWeights = convWeights; self.probabilities = probabilities; self.classNames = classNames
            self.truth = truth; self.caption = caption; self.convolution = convolution; self.dense = dense
        }

        /// Traces `x` (`[1, C, H, W]`, normalised) through `network` and gathers what the
        /// picture needs: the worked conv number when there is a conv layer, else a dense one.
        public init(network: Network, x: Tensor, pixels: [UInt8], classNames: [String], truth: Int?, caption: String) {
            let trace = network.trace(x)
            var weights = [Int: [Float]]()
            for t in trace { if case .conv = t.spec { weights[t.index] = network.layers[t.index].parameters[0].value } }
            let conv = network.workedConvolution(trace, input: x.data)
            self.init(pixels: pixels, inputValues: x.data, inputShape: Array(x.shape.dropFirst()), trace: trace,
                      convWeights: weights, probabilities: network.probabilities(x).data, classNames: classNames,
                      truth: truth, caption: caption, convolution: conv,
                      dense: conv == nil ? network.workedDense(trace, input: x.data) : nil)
        }
    }

    static let tile = 56.0, rowGap = 10.0, columnGap = 16.0, headerHeight = 52.0
    static let highlight = RGB(255, 140, 0)

    /// A column of the flow: one layer's output (or the filters of a conv layer).
    struct Column {
        enum Kind { case input, filters(layer: Int), maps(LayerTrace), vector(LayerTrace), probabilities }
        let kind: Kind
        var width: Double
        var x = 0.0
        /// Two header lines: what the column is, and its size and colour scale.
        var header: [String] = []
    }

    /// A run of layers drawn together: maps of the same channels (rows), or one vector layer.
    struct Block {
        var title: String
        var columns: [Column]
        /// The channels drawn as rows (maps blocks), in channel order.
        var rows: [Int] = []
        var channels = 0
    }

    public static func draw(_ d: Data) -> Canvas {
        let blocks = layout(d)
        let bandRows = max(5, blocks.map(\.rows.count).max() ?? 0)
        let bandHeight = Double(bandRows) * (tile + rowGap) - rowGap
        // Columns as wide as their headers, blocks as wide as their titles.
        let ruler = Canvas(width: 1, height: 1)
        var x = Style.margin
        var placed = blocks
        for b in placed.indices {
            for k in placed[b].columns.indices {
                placed[b].columns[k].header = header(placed[b].columns[k], d)
                let texts = placed[b].columns[k].header.map { ruler.textWidth($0, size: Style.captionSize - 1) }
                placed[b].columns[k].width = max(placed[b].columns[k].width, (texts.max() ?? 0) + 4)
            }
            let inner = placed[b].columns.reduce(0) { $0 + $1.width } + Double(placed[b].columns.count - 1) * columnGap
            let title = ruler.textWidth(placed[b].title, size: Style.captionSize, bold: true)
            if title > inner { placed[b].columns[placed[b].columns.count - 1].width += title - inner }
            for k in placed[b].columns.indices { placed[b].columns[k].x = x; x += placed[b].columns[k].width + columnGap }
            x += 12 // a little more between blocks
        }
        let flowWidth = x - columnGap - 12 + Style.margin
        let top = Style.header + 34
        let flowBottom = top + headerHeight + bandHeight
        let workedHeight = d.convolution.map { workedConvHeight($0) } ?? (d.dense != nil ? 230.0 : 0)
        let width = Int(max(flowWidth, 940))
        let height = Int(flowBottom + 106 + workedHeight + 40)
        let c = Canvas(width: width, height: height)

        let answer = classesByProbability(d.probabilities).first ?? 0
        let confidence = d.probabilities.indices.contains(answer) ? d.probabilities[answer] : 0
        let truthText = d.truth.map { " (true label \(d.name($0)))" } ?? ""
        c.title("How the network reads \(d.caption): it answers \(d.name(answer)) with \(String(format: "%.1f", confidence * 100))%\(truthText)",
                subtitle: subtitle(d, blocks))

        let convLayer = d.convolution?.layer
        for block in placed {
            let left = block.columns.first!.x, right = block.columns.last!.x + block.columns.last!.width
            c.text(block.title, left, top - 10, size: Style.captionSize, bold: true)
            c.line(left, top - 5, right, top - 5, .grid)
            for column in block.columns {
                drawColumn(c, column, block: block, d: d, top: top, bandHeight: bandHeight, highlightLayer: convLayer)
            }
        }
        let legendY = flowBottom + 50
        legend(c, y: legendY)
        if let w = d.convolution {
            drawWorkedConvolution(c, w, d: d, y: legendY + 50, placed: placed)
        } else if let w = d.dense {
            drawWorkedDense(c, w, d: d, y: legendY + 50)
        }
        return c
    }

    // MARK: - Layout

    static func layout(_ d: Data) -> [Block] {
        var blocks = [Block(title: "input", columns: [Column(kind: .input, width: 84)])]
        var i = 0
        let trace = d.trace
        while i < trace.count {
            let t = trace[i]
            if case .dropout = t.spec { i += 1; continue } // passes everything when predicting
            if t.shape.count == 3 {
                // Maps: a conv (with its filters) or other map layers, and what follows with the same channels.
                var columns = [Column]()
                var title = "layer \(t.index) \(t.spec.description)"
                if case .conv = t.spec { columns.append(Column(kind: .filters(layer: t.index), width: tile)) }
                var members = [t]
                var j = i + 1
                while j < trace.count, trace[j].shape.count == 3, !isConv(trace[j]) {
                    if case .dropout = trace[j].spec {} else { members.append(trace[j]) }
                    j += 1
                }
                if members.count > 1 { title += " → " + members.dropFirst().map { shortName($0.spec) }.joined(separator: " → ") }
                columns += members.map { Column(kind: .maps($0), width: tile) }
                let channels = t.shape[0]
                var block = Block(title: title, columns: columns)
                block.channels = channels
                block.rows = chooseChannels(t, limit: d.maxFilters)
                blocks.append(block)
                i = j
                continue
            }
            if case .activation(.softmax) = t.spec, i == trace.count - 1 { i += 1; continue } // drawn as the bars
            let n = t.values.count
            blocks.append(Block(title: "layer \(t.index)", columns: [Column(kind: .vector(t), width: n <= 16 ? 64 : vectorWidth(n))]))
            i += 1
        }
        // Dense layers with their activations under one title, like the conv blocks.
        var merged = [Block]()
        for b in blocks {
            if let last = merged.last, case .vector(let prev)? = last.columns.last?.kind, case .vector(let t)? = b.columns.first?.kind,
               !isLinear(t.spec), t.shape == prev.shape {
                merged[merged.count - 1].columns += b.columns
                merged[merged.count - 1].title += " → " + shortName(t.spec)
            } else if case .vector(let t)? = b.columns.first?.kind {
                var block = b
                block.title = "layer \(t.index) \(t.spec.description)"
                merged.append(block)
            } else {
                merged.append(b)
            }
        }
        merged.append(Block(title: "probabilities", columns: [Column(kind: .probabilities, width: 190)]))
        return merged
    }

    static func isConv(_ t: LayerTrace) -> Bool { if case .conv = t.spec { return true } else { return false } }
    static func isLinear(_ s: LayerSpec) -> Bool {
        switch s { case .dense, .conv, .flatten: return true; default: return false }
    }

    static func shortName(_ s: LayerSpec) -> String {
        switch s {
        case .activation(let a): return ["relu": "ReLU", "leakyrelu": "leaky ReLU", "sigmoid": "sigmoid", "tanh": "tanh", "softmax": "softmax"][a.rawValue] ?? a.rawValue
        case .maxpool(let k): return "max-pool \(k)"
        case .avgpool(let k): return "avg-pool \(k)"
        default: return s.description
        }
    }

    /// All channels when they fit; else the `limit` with the largest value anywhere in
    /// their map (the most active for this image), in channel order.
    static func chooseChannels(_ t: LayerTrace, limit: Int) -> [Int] {
        let channels = t.shape[0], per = t.shape[1] * t.shape[2]
        guard channels > limit else { return Array(0..<channels) }
        let peaks = (0..<channels).map { ch in t.values[(ch * per)..<((ch + 1) * per)].max() ?? 0 }
        let order = (0..<channels).sorted { peaks[$0] != peaks[$1] ? peaks[$0] > peaks[$1] : $0 < $1 }
        return order.prefix(limit).sorted()
    }

    static func subtitle(_ d: Data, _ blocks: [Block]) -> String {
        var parts = ["left to right: each layer's output for this image"]
        let capped = blocks.filter { $0.channels > $0.rows.count }
        if capped.isEmpty {
            if blocks.contains(where: { $0.channels > 0 }) { parts.append("one row per filter, the filter beside its maps") }
        } else {
            parts.append("rows: filters beside their maps — " + capped.map { "\($0.rows.count) of \($0.channels)" }.joined(separator: ", ")
                         + " shown (those responding most)")
        }
        if d.trace.contains(where: { if case .dropout = $0.spec { return true } else { return false } }) {
            parts.append("dropout passes everything when predicting")
        }
        return parts.joined(separator: "; ")
    }

    /// Cell size and columns for a vector of `n` values drawn as a small grid.
    static func vectorGrid(_ n: Int, height: Double) -> (cell: Double, columns: Int) {
        for cell in stride(from: 12.0, through: 1, by: -1) {
            let rows = max(1, Int(height / cell))
            let columns = (n + rows - 1) / rows
            if Double(columns) * cell <= tile { return (cell, columns) }
        }
        return (1, Int(tile))
    }

    static func vectorWidth(_ n: Int) -> Double { tile }
}
