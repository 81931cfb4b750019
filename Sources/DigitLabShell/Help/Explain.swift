import DigitLabCore
import Foundation

/// `explain conv|dense|softmax INDEX`: one number of a prediction worked through in the
/// terminal, with the real values (Nielsen's way of teaching: one example, by hand).
/// Pure functions from the worked numbers of `Network+WorkedNumbers` to text lines; the
/// same numbers `render trace` draws.
public enum Explain {
    public enum Topic: String, CaseIterable, Sendable {
        case conv, dense, softmax
    }

    /// The lines for `topic` on one image. `x` is the image as the network sees it
    /// (`[1, C, H, W]`, normalised); `caption` names it ("test image #12").
    /// For `dense`, `layer` and `unit` choose the unit (default: the first dense layer,
    /// its largest output).
    public static func lines(_ topic: Topic, network: Network, x: Tensor, classNames: [String], truth: Int?,
                             caption: String, layer: Int? = nil, unit: Int? = nil) throws(CommandError) -> [String] {
        guard !network.isEmpty else { throw CommandError("explain: there is no network yet — `net preset lenet5` or `load model FILE`") }
        let trace = network.trace(x)
        let about = caption + (truth.map { " (true label \(classNames[$0]))" } ?? "")
        switch topic {
        case .conv:
            guard let w = network.workedConvolution(trace, input: x.data) else {
                throw CommandError("explain conv: this network has no conv layer — `explain dense` works through one unit of a dense layer instead")
            }
            return convolution(w, spec: trace[w.layer].spec, about: about)
        case .dense:
            if let layer, !(trace.indices.contains(layer) && { if case .dense = trace[layer].spec { return true } else { return false } }()) {
                throw CommandError("explain dense: layer \(layer) is not a dense layer (see `net summary`)")
            }
            guard let w = network.workedDense(trace, input: x.data, layer: layer, unit: unit) else {
                if let unit { throw CommandError("explain dense: there is no unit \(unit) in that layer") }
                throw CommandError("explain dense: this network has no dense layer")
            }
            let readsPixels = trace.prefix(w.layer).allSatisfy {
                if case .flatten = $0.spec { return true }; if case .dropout = $0.spec { return true }; return false
            }
            // A linear layer next, with no activation between: the two are one linear map.
            let next = trace.dropFirst(w.layer + 1).first { if case .dropout = $0.spec { return false } else { return true } }
            let nextIsLinear = next.map { if case .dense = $0.spec { return true } else { return false } } ?? false
            return dense(w, spec: trace[w.layer].spec, about: about, chosen: unit == nil,
                         isLast: w.layer == trace.logits?.layer, classNames: classNames,
                         pixelColumns: readsPixels && x.shape.count == 4 ? x.shape[3] : nil, nextIsLinear: nextIsLinear)
        case .softmax:
            guard let w = network.workedSoftmax(trace) else { throw CommandError("explain softmax: the network has no output yet") }
            return softmax(w, about: about, classNames: classNames)
        }
    }

    /// The convolution arithmetic: patch, weights, products, sum, bias, value, activation.
    public static func convolution(_ w: WorkedConvolution, spec: LayerSpec, about: String) -> [String] {
        let k = w.kernel
        var out = ["explain conv — \(about): layer \(w.layer) (\(spec.description)), filter \(w.filter), map row \(w.row), column \(w.column).",
                   "This is the strongest response of any filter of the first conv layer to this image (its largest value before the activation)."]
        let rows = "rows \(w.inputRow)–\(w.inputRow + k - 1), columns \(w.inputColumn)–\(w.inputColumn + k - 1)"
        let channels = w.channels > 1 ? ", \(w.channels) input channels one after another" : ""
        let padding = w.isPadding.contains(true) ? "; `pad` marks the zero padding around the picture" : ""
        out.append("")
        let source = w.layer == 0 ? "the input" : "the layer's input"
        let values = w.layer == 0 ? "standardised pixels" : "the output of layer \(w.layer - 1)"
        out.append("The \(k)x\(k) patch of \(source) under the filter (\(rows)\(channels); \(values)\(padding)):")
        out += grid(w.patch, columns: k, padding: w.isPadding)
        out.append("The filter's weights:")
        out += grid(w.weights, columns: k)
        out.append("Patch × weights, entry by entry:")
        out += grid(w.products, columns: k)
        out.append("")
        out.append("  sum of the \(w.patch.count) products  \(Format.padLeft(fixed(w.sum), 10))")
        out.append("  + bias                  \(Format.padLeft(fixed(Double(w.bias)), 10))")
        out.append("  = value                 \(Format.padLeft(fixed(w.value), 10))   (the network's map holds \(fixed(Double(w.networkValue))))")
        if let a = w.activation { out.append(activationLine(a, input: w.value)) }
        out.append("The same arithmetic at every position of the map gives the whole feature map: see it in `render trace`.")
        return out
    }

    /// One dense unit: the largest terms, the rest summed, the bias, the value, the activation.
    public static func dense(_ w: WorkedDense, spec: LayerSpec, about: String, chosen: Bool, isLast: Bool,
                             classNames: [String], pixelColumns: Int?, nextIsLinear: Bool = false) -> [String] {
        let which = isLast && classNames.indices.contains(w.unit) ? "the score of class \(classNames[w.unit])" : "unit \(w.unit)"
        let why = chosen ? (isLast ? " (the answer: the largest score)" : " (its largest output for this image)") : ""
        var out = ["explain dense — \(about): layer \(w.layer) (\(spec.description)), \(which)\(why).",
                   "Each of its \(w.terms.count) inputs is multiplied by its own weight; the products are added up, then the bias."]
        let shown = w.largest(8)
        out.append("The \(shown.shown.count) largest terms (by size, + or −):")
        out.append("  " + Format.pad("input", 16) + Format.padLeft("value", 10) + Format.padLeft("weight", 10) + Format.padLeft("product", 11))
        for t in shown.shown {
            let name = pixelColumns.map { "pixel (\(t.input / $0), \(t.input % $0))" } ?? "#\(t.input)"
            out.append("  " + Format.pad(name, 16) + Format.padLeft(fixed(Double(t.value)), 10)
                       + Format.padLeft(fixed(Double(t.weight)), 10) + Format.padLeft(signed(Double(t.product)), 11))
        }
        out.append("  " + Format.pad("the other \(shown.restCount)", 36) + Format.padLeft(signed(shown.restSum), 11))
        out.append("  " + Format.pad("bias", 36) + Format.padLeft(signed(Double(w.bias)), 11))
        out.append("  " + Format.pad("= value", 36) + Format.padLeft(fixed(w.value), 11) + "   (the network computed \(fixed(Double(w.networkValue))))")
        if let a = w.activation { out.append(activationLine(a, input: w.value)) }
        if shown.restCount > 0 {
            let share = abs(shown.restSum) / max(1e-12, shown.shown.reduce(0.0) { $0 + abs(Double($1.product)) } + abs(shown.restSum))
            if share > 0.5 {
                out.append("Most of the value comes from many small terms together: no single input decides.")
            }
        }
        if nextIsLinear {
            out.append("No activation follows: this layer and the next dense layer together are one linear map, as if they were a single layer (`help relu`).")
        }
        if isLast { out.append("`explain softmax` turns these scores into probabilities.") }
        return out
    }

    /// Logits to probabilities, class by class.
    public static func softmax(_ w: WorkedSoftmax, about: String, classNames: [String]) -> [String] {
        var out = ["explain softmax — \(about): the scores (logits) of layer \(w.layer) become probabilities.",
                   "p(class) = exp(score) / (the sum of exp(score) over all classes): every p is positive and they add up to 1."]
        let direct = w.exponentials
        let header = "  " + Format.pad("class", 10) + Format.padLeft("score z", 10) + Format.padLeft(direct == nil ? "exp(z − max)" : "exp(z)", 14)
            + Format.padLeft("probability", 14)
        out.append(header)
        let answer = w.probabilities.indices.max { w.probabilities[$0] < w.probabilities[$1] || (w.probabilities[$0] == w.probabilities[$1] && $0 > $1) } ?? 0
        for k in w.logits.indices {
            let name = classNames.indices.contains(k) ? classNames[k] : "\(k)"
            let e = direct?[k] ?? w.shiftedExponentials[k]
            out.append("  " + Format.pad(name, 10) + Format.padLeft(fixed(Double(w.logits[k]), 3), 10) + Format.padLeft(general(e), 14)
                       + Format.padLeft(percent(w.probabilities[k]), 14) + (k == answer ? "   ← the answer" : ""))
        }
        let sum = direct.map { $0.reduce(0, +) } ?? w.sum
        out.append("  " + Format.pad("sum", 20) + Format.padLeft(general(sum), 14) + Format.padLeft("100%", 14))
        out.append("Differences of scores matter, not their size: adding the same number to every score changes no probability. "
                   + "The program computes exp(z − \(fixed(Double(w.maxLogit), 3))) — the same result — so that exp never overflows.")
        if w.probabilities[answer] > 0.999 {
            out.append("A probability near 100% is how sure the network is, not how often it is right: see `help calibration`.")
        }
        return out
    }

    // MARK: - Formatting

    static func grid(_ values: [Float], columns k: Int, padding: [Bool]? = nil) -> [String] {
        let width = 9
        return stride(from: 0, to: values.count, by: k).map { start in
            "  " + (start..<min(values.count, start + k)).map { i in
                Format.padLeft(padding?[i] == true ? "pad" : fixed(Double(values[i]), 3), width)
            }.joined()
        }
    }

    static func activationLine(_ a: (kind: Activation, value: Float), input: Double) -> String {
        switch a.kind {
        case .relu:
            return input > 0 ? "ReLU: \(fixed(input)) is positive, so it passes unchanged: \(fixed(Double(a.value)))."
                : "ReLU: \(fixed(input)) is negative, so it becomes 0: this position does not fire."
        default:
            return "\(a.kind.rawValue)(\(fixed(input))) = \(fixed(Double(a.value)))"
        }
    }

    static func fixed(_ v: Double, _ digits: Int = 4) -> String { Format.fixed(v, digits) }
    static func signed(_ v: Double) -> String { (v >= 0 ? "+" : "") + Format.fixed(v, 4) }
    /// exp values span many orders of magnitude: four significant figures.
    static func general(_ v: Double) -> String { String(format: v >= 1e5 || v < 1e-3 ? "%.3e" : "%.4g", v) }
    static func percent(_ p: Double) -> String {
        p >= 0.0001 ? Format.percent(p, 2) : String(format: "%.1e%%", p * 100)
    }
}
