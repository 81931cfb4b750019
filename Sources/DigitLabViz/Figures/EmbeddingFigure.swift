import Foundation

/// `render embedding`: each image's penultimate-layer activations projected onto their
/// two main directions (PCA), coloured by true class: well-learned classes form clusters.
public enum EmbeddingFigure {
    public static func draw(points: [(x: Float, y: Float, label: Int)], explained: (Double, Double),
                            classNames: [String], subtitle: String) -> Canvas {
        let c = Canvas(width: 760, height: 640)
        c.title("Embedding of the penultimate layer (PCA)", subtitle: subtitle)
        let xs = points.map { Double($0.x) }, ys = points.map { Double($0.y) }
        let pad = { (lo: Double, hi: Double) in (lo - (hi - lo) * 0.04)...(hi + (hi - lo) * 0.04 + 1e-9) }
        let plot = c.axes(x: 90, y: Style.header + 20, width: 600, height: 470,
                          xRange: pad(xs.min() ?? 0, xs.max() ?? 1), yRange: pad(ys.min() ?? 0, ys.max() ?? 1),
                          xLabel: String(format: "component 1 (%.0f%% of variance)", explained.0 * 100),
                          yLabel: String(format: "component 2 (%.0f%% of variance)", explained.1 * 100))
        for p in points {
            c.dot(plot.x(Double(p.x)), plot.y(Double(p.y)), radius: 1.6, ColorMap.classes[p.label % 10])
        }
        c.legend(classNames.enumerated().map { ($0.element, ColorMap.classes[$0.offset % 10]) }, x: 90, y: Double(c.height) - 14)
        return c
    }
}
