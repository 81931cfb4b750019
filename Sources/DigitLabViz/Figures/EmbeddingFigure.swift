import Foundation

/// `render embedding [--tsne]`: each image's penultimate-layer activations in 2-D,
/// coloured by true class, with each class's name at the middle of its points.
/// PCA (the two directions of most variance) is faithful to large distances but lets
/// clusters overlap; t-SNE keeps neighbours together and pulls clusters apart, but the
/// gaps between clusters and their sizes mean little — the subtitle says so.
public enum EmbeddingFigure {
    public enum Projection: Sendable {
        /// The share of the variance each component explains.
        case pca(explained: (Double, Double))
        case tsne(perplexity: Double)

        var name: String {
            switch self { case .pca: return "PCA"; case .tsne: return "t-SNE" }
        }
        var note: String {
            switch self {
            case .pca: return "the two directions along which the points vary most"
            case .tsne: return "neighbours stay together; distances between clusters and cluster sizes mean little"
            }
        }
    }

    public typealias Point = (x: Float, y: Float, label: Int)

    /// One PCA panel (the original picture).
    public static func draw(points: [Point], explained: (Double, Double), classNames: [String], subtitle: String) -> Canvas {
        draw(points: points, projection: .pca(explained: explained), classNames: classNames, subtitle: subtitle)
    }

    /// One panel, PCA or t-SNE.
    public static func draw(points: [Point], projection: Projection, classNames: [String], subtitle: String) -> Canvas {
        let c = Canvas(width: 760, height: 660)
        c.title("Embedding of the penultimate layer (\(projection.name))", subtitle: subtitle)
        c.text(projection.name + ": " + projection.note, Style.margin, Style.margin + 48, size: Style.captionSize, color: .muted)
        panel(c, points: points, projection: projection, classNames: classNames, x: 90, y: Style.header + 36, width: 600, height: 460)
        c.legend(classNames.enumerated().map { ($0.element, ColorMap.classes[$0.offset % 10]) }, x: 90, y: Double(c.height) - 14)
        return c
    }

    /// PCA and t-SNE of the same points, side by side: the same clusters, two ways of looking.
    public static func sideBySide(pca: [Point], explained: (Double, Double), tsne: [Point], perplexity: Double,
                                  classNames: [String], subtitle: String) -> Canvas {
        let c = Canvas(width: 1280, height: 660)
        c.title("Embedding of the penultimate layer: PCA and t-SNE", subtitle: subtitle)
        for (k, (points, projection)) in [(pca, Projection.pca(explained: explained)), (tsne, .tsne(perplexity: perplexity))].enumerated() {
            let x = 90 + Double(k) * 610
            c.text(projection.name + ": " + projection.note, x, Style.header + 20, size: Style.captionSize, color: .muted)
            panel(c, points: points, projection: projection, classNames: classNames, x: x, y: Style.header + 44, width: 520, height: 460)
        }
        c.legend(classNames.enumerated().map { ($0.element, ColorMap.classes[$0.offset % 10]) }, x: 90, y: Double(c.height) - 14)
        return c
    }

    static func panel(_ c: Canvas, points: [Point], projection: Projection, classNames: [String], x: Double, y: Double, width: Double, height: Double) {
        let xs = points.map { Double($0.x) }, ys = points.map { Double($0.y) }
        let pad = { (lo: Double, hi: Double) in (lo - (hi - lo) * 0.04)...(hi + (hi - lo) * 0.04 + 1e-9) }
        let plot: (x: (Double) -> Double, y: (Double) -> Double)
        switch projection {
        case .pca(let explained):
            plot = c.axes(x: x, y: y, width: width, height: height,
                          xRange: pad(xs.min() ?? 0, xs.max() ?? 1), yRange: pad(ys.min() ?? 0, ys.max() ?? 1),
                          xLabel: String(format: "component 1 (%.0f%% of variance)", explained.0 * 100),
                          yLabel: String(format: "component 2 (%.0f%% of variance)", explained.1 * 100))
        case .tsne(let perplexity):
            // t-SNE's coordinates have no unit: a frame, no ticks and no grid.
            let xr = pad(xs.min() ?? 0, xs.max() ?? 1), yr = pad(ys.min() ?? 0, ys.max() ?? 1)
            plot = ({ x + ($0 - xr.lowerBound) / (xr.upperBound - xr.lowerBound) * width },
                    { y + height - ($0 - yr.lowerBound) / (yr.upperBound - yr.lowerBound) * height })
            c.frame(x, y, width, height, .muted)
            c.text(String(format: "t-SNE 1 (perplexity %.0f; the axes have no unit)", perplexity), x + width / 2, y + height + 34,
                   size: Style.labelSize, align: .center)
            c.text("t-SNE 2", x - 20, y + height / 2, size: Style.labelSize, align: .center, vertical: true)
        }
        for p in points {
            c.dot(plot.x(Double(p.x)), plot.y(Double(p.y)), radius: 1.6, ColorMap.classes[p.label % 10])
        }
        // Each class's name at the median of its points, on a white patch so it reads on any dots.
        let labels = Set(points.map(\.label)).sorted()
        for label in labels {
            let mine = points.filter { $0.label == label }
            let mx = median(mine.map { Double($0.x) }), my = median(mine.map { Double($0.y) })
            let name = classNames.indices.contains(label) ? classNames[label] : String(label)
            let (px, py) = (plot.x(mx), plot.y(my))
            let half = c.textWidth(name, size: Style.captionSize, bold: true) / 2 + 4
            c.rect(px - half, py - 11, 2 * half, 15, .white)
            c.frame(px - half, py - 11, 2 * half, 15, ColorMap.classes[label % 10])
            c.text(name, px, py + 1, size: Style.captionSize, bold: true, align: .center, color: ColorMap.classes[label % 10])
        }
    }

    static func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        return s.isEmpty ? 0 : s[s.count / 2]
    }
}
