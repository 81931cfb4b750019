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

    // MARK: - Drawing the flow

    static func drawColumn(_ c: Canvas, _ column: Column, block: Block, d: Data, top: Double, bandHeight: Double,
                           highlightLayer: Int?) {
        let x = column.x
        for (k, line) in column.header.enumerated() {
            c.text(line, x, top + 14 + Double(k) * 13, size: Style.captionSize - 1, color: k == 0 ? .text : .muted)
        }
        let y0 = top + headerHeight
        switch column.kind {
        case .input:
            let (h, w) = d.inputShape.count == 3 ? (d.inputShape[1], d.inputShape[2]) : (28, 28)
            let cell = max(1, (84 / Double(max(h, w))).rounded(.down))
            c.digit(d.pixels, rows: h, columns: w, x: x, y: y0, cell: cell)
            c.frame(x, y0, Double(w) * cell, Double(h) * cell, .grid)
            if let conv = d.convolution, conv.layer == firstConvFedByInput(d) {
                // The patch of the worked number, clipped to the picture.
                let r0 = max(0, conv.inputRow), c0 = max(0, conv.inputColumn)
                let r1 = min(h, conv.inputRow + conv.kernel), c1 = min(w, conv.inputColumn + conv.kernel)
                if r1 > r0, c1 > c0 {
                    c.frame(x + Double(c0) * cell - 1, y0 + Double(r0) * cell - 1, Double(c1 - c0) * cell + 2,
                            Double(r1 - r0) * cell + 2, highlight, width: 2)
                }
            }
            if let dense = d.dense, readsPixels(dense, d) {
                for term in dense.largest(8).shown {
                    c.frame(x + Double(term.input % w) * cell - 1, y0 + Double(term.input / w) * cell - 1, cell + 2, cell + 2, highlight, width: 1.5)
                }
            }
            c.text("the network sees", x, y0 + Double(h) * cell + 16, size: Style.captionSize - 1, color: .muted)
            c.text("standardised pixels", x, y0 + Double(h) * cell + 29, size: Style.captionSize - 1, color: .muted)
        case .filters(let layer):
            let t = d.trace[layer]
            guard case let .conv(_, k, _, _) = t.spec, let w = d.convWeights[layer] else { return }
            let channels = t.inputShape[0]
            let scale = ValueScale(values: w, signed: true)
            for (r, f) in block.rows.enumerated() {
                let y = y0 + Double(r) * (tile + rowGap)
                drawKernel(c, weights: w, filter: f, channels: channels, kernel: k, x: x, y: y, scale: scale)
                c.text("\(f)", x - 4, y + tile / 2 + 4, size: Style.captionSize - 1, align: .right, color: .muted)
                if highlightLayer == layer, d.convolution?.filter == f { c.frame(x - 2, y - 2, tile + 4, tile + 4, highlight, width: 2) }
            }
        case .maps(let t):
            let signed = d.trace.isSigned(at: t.index, input: d.inputValues)
            let (channels, h, w) = (t.shape[0], t.shape[1], t.shape[2])
            let per = h * w
            let scale = ValueScale(values: t.values, signed: signed)
            let cell = max(1, (tile / Double(max(h, w))).rounded(.down))
            for (r, ch) in block.rows.enumerated() where ch < channels {
                let y = y0 + Double(r) * (tile + rowGap)
                c.grid(t.values[(ch * per)..<((ch + 1) * per)], rows: h, columns: w, x: x, y: y, cell: cell) { scale.color($0) }
                c.frame(x, y, Double(w) * cell, Double(h) * cell, .grid)
                if let conv = d.convolution, conv.layer == t.index, conv.filter == ch {
                    c.frame(x + Double(conv.column) * cell - 2, y + Double(conv.row) * cell - 2, cell + 4, cell + 4, highlight, width: 2)
                }
            }
        case .vector(let t):
            let signed = d.trace.isSigned(at: t.index, input: d.inputValues)
            let scale = ValueScale(values: t.values, signed: signed)
            let n = t.values.count
            // The input flattened: the same pixels, so the same grey ink as the input picture.
            let pixels = isInputFlattened(t, d)
            let low = d.inputValues.min() ?? 0, high = max(low + 1e-6, d.inputValues.max() ?? 1)
            let color = { (v: Float) -> RGB in pixels ? ColorMap.ink.color((v - low) / (high - low)) : scale.color(v) }
            let isLogits = d.trace.logits?.layer == t.index && n == d.classNames.count
            if n <= 16 {
                // Few values: one cell each, with its number (the logits, with class names).
                let h = min(24, (bandHeight + rowGap) / Double(n))
                for (k, v) in t.values.enumerated() {
                    let y = y0 + Double(k) * h
                    c.rect(x, y, 16, h - 2, scale.color(v))
                    let label = (isLogits ? d.name(k) + ": " : "") + formatValue(v)
                    c.text(label, x + 20, y + h / 2 + 3, size: Style.captionSize - 2, color: .text)
                }
            } else {
                let (cell, columns) = vectorGrid(n, height: bandHeight)
                c.grid(t.values, rows: (n + columns - 1) / columns, columns: columns, x: x, y: y0, cell: cell) { color($0) }
                c.frame(x, y0, Double(columns) * cell, Double((n + columns - 1) / columns) * cell, .grid)
                if let dense = d.dense, dense.layer == t.index || (dense.layer + 1 == t.index && !isLinear(t.spec)) {
                    let u = dense.unit
                    c.frame(x + Double(u % columns) * cell - 2, y0 + Double(u / columns) * cell - 2, cell + 4, cell + 4, highlight, width: 2)
                }
                if case .flatten = t.spec {
                    let rows = Double((n + columns - 1) / columns) * cell
                    c.text("read row", x, y0 + rows + 14, size: Style.captionSize - 1, color: .muted)
                    c.text("by row", x, y0 + rows + 27, size: Style.captionSize - 1, color: .muted)
                }
            }
        case .probabilities:
            let answer = classesByProbability(d.probabilities).first ?? 0
            let n = d.probabilities.count
            let h = min(24, (bandHeight + rowGap) / Double(max(1, n)))
            let barWidth = column.width - 70
            for (k, p) in d.probabilities.enumerated() {
                let y = y0 + Double(k) * h
                c.text(d.name(k), x + 24, y + h / 2 + 3, size: Style.captionSize - 1, align: .right,
                       color: k == d.truth ? .good : .text)
                c.rect(x + 28, y + 2, barWidth, h - 6, RGB(241, 243, 245))
                let color: RGB = k == answer ? (d.truth == nil || k == d.truth ? .good : .bad) : ColorMap.viridis.color(0.35)
                c.rect(x + 28, y + 2, barWidth * Double(max(0, min(1, p))), h - 6, color)
                c.text(String(format: p >= 0.001 ? "%.1f%%" : "%.0e", p >= 0.001 ? Double(p) * 100 : Double(p)),
                       x + 32 + barWidth, y + h / 2 + 3, size: Style.captionSize - 2, color: .muted)
            }
            if let truth = d.truth {
                c.text("green name: the true label \(d.name(truth))", x, y0 + Double(n) * h + 12,
                       size: Style.captionSize - 1, color: .muted)
            }
        }
    }

    /// Whether a layer's output is the input pixels, only flattened.
    static func isInputFlattened(_ t: LayerTrace, _ d: Data) -> Bool {
        d.trace.prefix(t.index + 1).allSatisfy { if case .flatten = $0.spec { return true }; if case .dropout = $0.spec { return true }; return false }
    }

    /// The layer that reads the input directly, when it is a conv (for marking its patch).
    static func firstConvFedByInput(_ d: Data) -> Int? {
        d.trace.first.flatMap { isConv($0) ? $0.index : nil }
    }

    /// The two header lines of a column: what it shows, then its size and scale.
    static func header(_ column: Column, _ d: Data) -> [String] {
        switch column.kind {
        case .input:
            let (low, high) = (d.inputValues.min() ?? 0, d.inputValues.max() ?? 0)
            return [describeShape(d.inputShape), "\(formatValue(low)) (paper) to \(formatValue(high))"]
        case .filters(let layer):
            let w = d.convWeights[layer] ?? []
            guard case let .conv(f, k, _, _) = d.trace[layer].spec else { return [] }
            let channels = d.trace[layer].inputShape[0]
            return ["\(f) filters \(k)x\(k)" + (channels > 1 ? "x\(channels)" : ""), "weights " + ValueScale(values: w, signed: true).range]
        case .maps(let t):
            let scale = ValueScale(values: t.values, signed: d.trace.isSigned(at: t.index, input: d.inputValues))
            return [columnName(t, d), "\(t.shape[1])x\(t.shape[2]) · \(scale.range)"]
        case .vector(let t):
            let scale = ValueScale(values: t.values, signed: d.trace.isSigned(at: t.index, input: d.inputValues))
            let isLogits = d.trace.logits?.layer == t.index
            if isInputFlattened(t, d) { return ["flattened pixels", "\(t.values.count) values"] }
            return [isLogits ? "scores (logits)" : columnName(t, d), "\(t.values.count) · \(scale.range)"]
        case .probabilities: return ["softmax of the scores", ""]
        }
    }

    static func columnName(_ t: LayerTrace, _ d: Data) -> String {
        switch t.spec {
        case .conv, .dense: return nextIsActivation(t, d) ? "before \(nextActivationName(t, d))" : "output"
        case .activation: return "after " + shortName(t.spec)
        case .maxpool, .avgpool: return shortName(t.spec).replacingOccurrences(of: "-pool", with: "-pooled")
        case .flatten: return "flattened"
        default: return shortName(t.spec)
        }
    }

    static func nextIsActivation(_ t: LayerTrace, _ d: Data) -> Bool {
        guard t.index + 1 < d.trace.count, case .activation(let a) = d.trace[t.index + 1].spec else { return false }
        return a != .softmax
    }

    static func nextActivationName(_ t: LayerTrace, _ d: Data) -> String { shortName(d.trace[t.index + 1].spec) }

    /// A filter beside its maps: one k×k kernel, or its input channels' kernels in a small grid.
    static func drawKernel(_ c: Canvas, weights: [Float], filter f: Int, channels: Int, kernel k: Int,
                           x: Double, y: Double, scale: ValueScale) {
        let shown = min(channels, 64)
        let perRow = Int(Double(shown).squareRoot().rounded(.up))
        let slot = (tile - Double(perRow - 1) * 2) / Double(perRow)
        let cell = max(1, (slot / Double(k)).rounded(.down))
        for ch in 0..<shown {
            let start = (f * channels + ch) * k * k
            let sx = x + Double(ch % perRow) * (Double(k) * cell + 2), sy = y + Double(ch / perRow) * (Double(k) * cell + 2)
            c.grid(weights[start..<(start + k * k)], rows: k, columns: k, x: sx, y: sy, cell: cell) { scale.color($0) }
        }
        if channels == 1 { c.frame(x, y, Double(k) * cell, Double(k) * cell, .grid) }
    }

    static func legend(_ c: Canvas, y: Double) {
        let rows: [(ColorMap, String)] = [
            (.diverging, "signed values (a layer before its activation): blue below 0, white 0, red above"),
            (.viridis, "values of 0 or more (after ReLU, pooled): dark 0 → yellow, the column's largest"),
        ]
        for (k, row) in rows.enumerated() {
            let ly = y + Double(k) * 17
            for step in 0..<40 {
                let t = Float(step) / 39
                c.rect(Style.margin + Double(step) * 3, ly - 10, 3, 12, row.0.color(row.0 == .diverging ? 2 * t - 1 : t))
            }
            c.text(row.1, Style.margin + 128, ly, size: Style.captionSize - 1)
        }
        c.text("Each column has its own scale, printed above it. Orange marks the worked number below.",
               Style.margin, y + 36, size: Style.captionSize - 1, color: .muted)
    }

    // MARK: - The worked numbers

    static func workedConvHeight(_ w: WorkedConvolution) -> Double {
        let k = Double(min(w.kernel, 7))
        return 56 + k * workedCellHeight(w) + 24
    }

    static func workedCellHeight(_ w: WorkedConvolution) -> Double { w.kernel <= 7 ? 22 : 10 }

    static func drawWorkedConvolution(_ c: Canvas, _ w: WorkedConvolution, d: Data, y: Double, placed: [Block]) {
        let position = "layer \(w.layer), filter \(w.filter), row \(w.row), column \(w.column)"
        c.text("Worked number: \(position) — the strongest response of the first conv layer to this image",
               Style.margin, y + 14, size: Style.labelSize, bold: true)
        let channelNote = w.channels > 1 ? " (input channel 0 of \(w.channels) shown; the sum runs over all)" : ""
        let padNote = w.isPadding.contains(true) ? "; grey cells are padding (0)" : ""
        let source = w.layer == 0 ? "the input" : "the layer's input (the output of layer \(w.layer - 1))"
        c.text("the \(w.kernel)x\(w.kernel) patch of \(source) under the filter, times the filter's weights, added up, plus the bias\(channelNote)\(padNote)",
               Style.margin, y + 30, size: Style.captionSize, color: .muted)
        let k = w.kernel, showNumbers = k <= 7
        let cw = showNumbers ? 42.0 : 10.0, ch = workedCellHeight(w)
        let top = y + 44
        let patch = Array(w.patch.prefix(k * k)), weights = Array(w.weights.prefix(k * k)), products = Array(w.products.prefix(k * k))
        // Pixels in grey ink as in the input picture; another layer's outputs on their own scale.
        let (low, high) = (d.inputValues.min() ?? 0, max((d.inputValues.min() ?? 0) + 1e-6, d.inputValues.max() ?? 1))
        let patchScale = ValueScale(values: patch)
        let patchColor = { (v: Float) -> RGB in w.layer == 0 ? ColorMap.ink.color((v - low) / (high - low)) : patchScale.color(v) }
        let grids: [(String, [Float], (Int, Float) -> RGB)] = [
            (w.layer == 0 ? "input patch" : "patch of layer \(w.layer - 1)", patch, { i, v in w.isPadding[i] ? RGB(233, 236, 239) : patchColor(v) }),
            ("filter \(w.filter)", weights, { _, v in ValueScale(values: weights, signed: true).color(v) }),
            ("products", products, { _, v in ValueScale(values: products, signed: true).color(v) }),
        ]
        var x = Style.margin
        for (g, grid) in grids.enumerated() {
            c.text(grid.0, x, top - 2, size: Style.captionSize, bold: true)
            for i in 0..<(k * k) {
                let cx = x + Double(i % k) * cw, cy = top + 4 + Double(i / k) * ch
                let fill = grid.2(i, grid.1[i])
                c.rect(cx, cy, cw - 1, ch - 1, fill)
                if showNumbers {
                    let dark = 0.2126 * Double(fill.r) + 0.7152 * Double(fill.g) + 0.0722 * Double(fill.b) < 110
                    c.text(String(format: "%.2f", grid.1[i]), cx + cw / 2, cy + ch / 2 + 4, size: 9.5, align: .center,
                           color: dark ? .white : .text)
                }
            }
            x += Double(k) * cw
            if g < 2 {
                c.text(g == 0 ? "×" : "=", x + 14, top + 4 + Double(k) * ch / 2 + 6, size: 18, align: .center)
                x += 28
            }
        }
        // The sum, the bias and the value, then the activation.
        let lx = x + 18, mid = top + 4 + Double(k) * ch / 2
        let sumText = "sum of the \(w.patch.count) products = \(String(format: "%.4f", w.sum))"
        c.text(sumText, lx, mid - 22, size: Style.captionSize)
        c.text("+ bias \(String(format: "%.4f", w.bias))", lx, mid - 6, size: Style.captionSize)
        c.text("= \(String(format: "%.4f", w.value))  (the map holds \(String(format: "%.4f", w.networkValue)))",
               lx, mid + 10, size: Style.captionSize, bold: true, color: highlight)
        if let a = w.activation {
            c.text("\(shortName(.activation(a.kind))) → \(String(format: "%.4f", a.value))\(a.kind == .relu && w.value < 0 ? " (negative: cut to 0)" : "")",
                   lx, mid + 26, size: Style.captionSize)
        }
    }

    /// Whether a dense layer reads the input pixels directly (through flatten only).
    static func readsPixels(_ w: WorkedDense, _ d: Data) -> Bool {
        w.terms.count == d.inputValues.count && d.inputShape.count == 3
            && d.trace.prefix(w.layer).allSatisfy { if case .flatten = $0.spec { return true }; if case .dropout = $0.spec { return true }; return false }
    }

    static func drawWorkedDense(_ c: Canvas, _ w: WorkedDense, d: Data, y: Double) {
        let (shown, rest, restCount) = w.largest(8)
        let layerName = d.trace.indices.contains(w.layer) ? d.trace[w.layer].spec.description : "dense"
        c.text("Worked number: layer \(w.layer) (\(layerName)), unit \(w.unit) — its largest output for this image",
               Style.margin, y + 14, size: Style.labelSize, bold: true)
        c.text("each of its \(w.terms.count) inputs times its weight, added up, plus the bias; the 8 largest terms, then the rest together",
               Style.margin, y + 30, size: Style.captionSize, color: .muted)
        let isPixels = readsPixels(w, d)
        let columns = [Style.margin + 150, Style.margin + 240, Style.margin + 330, Style.margin + 420]
        var ty = y + 52
        for (k, title) in ["input", "its value", "weight", "product"].enumerated() {
            c.text(title, columns[k], ty, size: Style.captionSize, bold: true, align: .right)
        }
        for term in shown {
            ty += 15
            let name = isPixels
                ? "pixel (\(term.input / d.inputShape[2]), \(term.input % d.inputShape[2]))" : "#\(term.input)"
            c.text(name, columns[0], ty, size: Style.captionSize, align: .right)
            c.text(String(format: "%.4f", term.value), columns[1], ty, size: Style.captionSize, align: .right)
            c.text(String(format: "%.4f", term.weight), columns[2], ty, size: Style.captionSize, align: .right)
            c.text(String(format: "%+.4f", term.product), columns[3], ty, size: Style.captionSize, align: .right)
        }
        ty += 15
        c.text("the other \(restCount)", columns[0], ty, size: Style.captionSize, align: .right, color: .muted)
        c.text(String(format: "%+.4f", rest), columns[3], ty, size: Style.captionSize, align: .right, color: .muted)
        ty += 15
        c.text("bias", columns[0], ty, size: Style.captionSize, align: .right)
        c.text(String(format: "%+.4f", w.bias), columns[3], ty, size: Style.captionSize, align: .right)
        c.line(columns[2] + 10, ty + 5, columns[3], ty + 5, .muted)
        ty += 18
        c.text("= \(String(format: "%.4f", w.value))", columns[3], ty, size: Style.captionSize, bold: true, align: .right, color: highlight)
        c.text("(the network: \(String(format: "%.4f", w.networkValue)))", columns[3] + 10, ty, size: Style.captionSize, color: .muted)
        if let a = w.activation {
            c.text("\(shortName(.activation(a.kind))) → \(String(format: "%.4f", a.value))", columns[3] + 10, ty + 16, size: Style.captionSize)
        }
    }
}
