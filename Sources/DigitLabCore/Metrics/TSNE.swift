import Glibc

/// t-SNE (van der Maaten and Hinton 2008): a 2-D map of high-dimensional points in which
/// points that are near neighbours in the original space stay near each other.
///
/// Each point's neighbours get probabilities from a Gaussian whose width is chosen so
/// that the point has about `perplexity` effective neighbours; the map is then moved by
/// gradient descent until a heavy-tailed (Student-t) similarity between map points
/// matches those probabilities (Kullback–Leibler divergence). The heavy tail lets
/// clusters spread apart — so the distances *between* clusters, and the clusters'
/// sizes, say little; only who sits next to whom is meaningful.
///
/// Two ways to compute the gradient:
/// - exact, O(n²) per iteration, for up to `Settings.exactLimit` points;
/// - Barnes–Hut (van der Maaten 2014), O(n log n): the input probabilities keep only the
///   3·perplexity nearest neighbours, and the repulsion of far groups of map points is
///   computed from their centre of mass in a quadtree (accuracy `theta`).
///
/// Deterministic: the start comes from a `SeededRNG`, everything runs on one thread in a
/// fixed order, so the same input and seed give the same map bit for bit.
///
///     let map = TSNE.embed(rows, count: 2000, dimension: 84, seed: 1)   // [(x, y)]
public enum TSNE {
    public struct Settings: Sendable, Equatable {
        /// Effective number of neighbours (5–50 are usual); lowered for tiny sets.
        public var perplexity = 30.0
        public var iterations = 1000
        /// Early exaggeration: input probabilities are multiplied by this for the first
        /// `exaggerationIterations`, which lets clusters form before they settle.
        public var exaggeration = 12.0
        public var exaggerationIterations = 250
        /// Barnes–Hut accuracy: a quadtree cell counts as one point when its width over its
        /// distance is below theta (0 would be exact).
        public var theta = 0.5
        /// Up to this many points the gradient is exact.
        public var exactLimit = 500
        public init() {}
    }

    /// Projects `count` rows of `dimension` values to 2-D. Returns nil when `shouldStop`
    /// answered true (polled once per iteration, so within milliseconds).
    public static func embed(_ rows: [Float], count n: Int, dimension d: Int, settings: Settings = Settings(),
                             seed: UInt64, shouldStop: () -> Bool = { false }) -> [(Float, Float)]? {
        precondition(rows.count == n * d, "rows must hold count × dimension values")
        guard n > 2 else { return (0..<n).map { (Float($0), 0) } }
        let perplexity = min(settings.perplexity, Double(n - 1) / 3)
        let exact = n <= settings.exactLimit
        let distances = SquaredDistances(rows, count: n, dimension: d)
        let p = exact ? jointExact(distances, perplexity: perplexity)
                      : jointSparse(distances, perplexity: perplexity, neighbours: min(n - 1, Int(3 * perplexity)))
        var rng = SeededRNG(seed: seed)
        var y = (0..<(2 * n)).map { _ in 1e-4 * Double(rng.normal()) }
        var velocity = [Double](repeating: 0, count: 2 * n)
        var gains = [Double](repeating: 1, count: 2 * n)
        var gradient = [Double](repeating: 0, count: 2 * n)
        let eta = max(200, Double(n) / settings.exaggeration)
        var tree = QuadTree(capacity: 4 * n + 8)
        for iteration in 0..<settings.iterations {
            if shouldStop() { return nil }
            let exaggeration = iteration < settings.exaggerationIterations ? settings.exaggeration : 1
            if exact {
                exactGradient(p.dense, y: y, n: n, exaggeration: exaggeration, into: &gradient)
            } else {
                tree.build(y, n: n)
                barnesHutGradient(p, y: y, n: n, exaggeration: exaggeration, theta: settings.theta, tree: tree, into: &gradient)
            }
            let momentum = iteration < settings.exaggerationIterations ? 0.5 : 0.8
            // Gains (Jacobs 1988, as in the reference code): grow a step size while the
            // gradient keeps pushing the same way, shrink it when it flips.
            for i in 0..<(2 * n) {
                gains[i] = (gradient[i] > 0) != (velocity[i] > 0) ? gains[i] + 0.2 : max(0.01, gains[i] * 0.8)
                velocity[i] = momentum * velocity[i] - eta * gains[i] * gradient[i]
                y[i] += velocity[i]
            }
            // The KL divergence does not see translations: keep the map centred.
            var mx = 0.0, my = 0.0
            for i in 0..<n { mx += y[2 * i]; my += y[2 * i + 1] }
            mx /= Double(n); my /= Double(n)
            for i in 0..<n { y[2 * i] -= mx; y[2 * i + 1] -= my }
        }
        return (0..<n).map { (Float(y[2 * $0]), Float(y[2 * $0 + 1])) }
    }

    // MARK: - Input probabilities

    /// Squared Euclidean distances between rows, one row of the matrix at a time.
    struct SquaredDistances {
        let rows: [Float], n: Int, d: Int
        init(_ rows: [Float], count: Int, dimension: Int) { self.rows = rows; n = count; d = dimension }

        func row(_ i: Int, into out: inout [Double]) {
            rows.withUnsafeBufferPointer { x in
                let a = x.baseAddress! + i * d
                for j in 0..<n {
                    let b = x.baseAddress! + j * d
                    var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
                    var k = 0
                    while k + 4 <= d {
                        let e0 = a[k] - b[k], e1 = a[k + 1] - b[k + 1], e2 = a[k + 2] - b[k + 2], e3 = a[k + 3] - b[k + 3]
                        s0 += e0 * e0; s1 += e1 * e1; s2 += e2 * e2; s3 += e3 * e3
                        k += 4
                    }
                    while k < d { let e = a[k] - b[k]; s0 += e * e; k += 1 }
                    out[j] = Double((s0 + s1) + (s2 + s3))
                }
            }
        }
    }

    /// Conditional probabilities p(j|i) ∝ exp(−β·dᵢⱼ) over `candidates`, with β found by
    /// bisection so that the entropy is log(perplexity).
    static func conditional(_ distances: [Double], perplexity: Double) -> [Double] {
        let target = log(perplexity)
        let low = distances.min() ?? 0 // shifting by the smallest distance avoids underflow
        var beta = 1 / max(1e-12, distances.reduce(0, +) / Double(max(1, distances.count)) - low)
        var betaLow = 0.0, betaHigh = Double.infinity
        var p = [Double](repeating: 0, count: distances.count)
        for _ in 0..<200 {
            var sum = 0.0, weighted = 0.0
            for (j, dist) in distances.enumerated() {
                p[j] = exp(-beta * (dist - low))
                sum += p[j]
                weighted += (dist - low) * p[j]
            }
            let entropy = log(sum) + beta * weighted / sum
            for j in p.indices { p[j] /= sum }
            let error = entropy - target
            if abs(error) < 1e-5 { break }
            if error > 0 { // too flat: narrow the Gaussian
                betaLow = beta
                beta = betaHigh.isFinite ? (beta + betaHigh) / 2 : beta * 2
            } else {
                betaHigh = beta
                beta = (beta + betaLow) / 2
            }
        }
        return p
    }

    /// The symmetric joint probabilities of both methods: dense `n×n` (exact) or the
    /// k-nearest-neighbour graph in compressed rows (Barnes–Hut).
    struct Joint {
        var dense: [Double] = []
        var rowStart: [Int] = [], column: [Int] = [], value: [Double] = []
    }

    static func jointExact(_ dist: SquaredDistances, perplexity: Double) -> Joint {
        let n = dist.n
        var p = [Double](repeating: 0, count: n * n)
        var row = [Double](repeating: 0, count: n)
        for i in 0..<n {
            dist.row(i, into: &row)
            var others = row
            others.remove(at: i)
            let q = conditional(others, perplexity: perplexity)
            for (k, v) in q.enumerated() { p[i * n + (k < i ? k : k + 1)] = v }
        }
        // Symmetrise: pᵢⱼ = (p(j|i) + p(i|j)) / 2n.
        var joint = Joint()
        joint.dense = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { joint.dense[i * n + j] = (p[i * n + j] + p[j * n + i]) / Double(2 * n) } }
        return joint
    }

    static func jointSparse(_ dist: SquaredDistances, perplexity: Double, neighbours k: Int) -> Joint {
        let n = dist.n
        var row = [Double](repeating: 0, count: n)
        // Each point's k nearest others and p(j|i) over them.
        var pairs = [(i: Int, j: Int, p: Double)]()
        pairs.reserveCapacity(2 * n * k)
        for i in 0..<n {
            dist.row(i, into: &row)
            let nearest = nearestIndices(row, k: k, excluding: i)
            let q = conditional(nearest.map { row[$0] }, perplexity: perplexity)
            for (j, v) in zip(nearest, q) {
                pairs.append((i, j, v))
                pairs.append((j, i, v)) // the transpose, for the symmetrisation
            }
        }
        pairs.sort { $0.i != $1.i ? $0.i < $1.i : $0.j < $1.j }
        // Merge (i, j) listed twice (j is among i's neighbours and i among j's).
        var joint = Joint()
        var rowOf = [Int]()
        for pair in pairs {
            if let last = rowOf.last, last == pair.i, joint.column.last == pair.j {
                joint.value[joint.value.count - 1] += pair.p / Double(2 * n)
            } else {
                rowOf.append(pair.i)
                joint.column.append(pair.j)
                joint.value.append(pair.p / Double(2 * n))
            }
        }
        joint.rowStart = [Int](repeating: 0, count: n + 1)
        for r in rowOf { joint.rowStart[r + 1] += 1 }
        for r in 0..<n { joint.rowStart[r + 1] += joint.rowStart[r] }
        return joint
    }

    /// The `k` smallest entries of `row` other than `excluding`, nearest first (ties: lower
    /// index first), by a bounded max-heap.
    static func nearestIndices(_ row: [Double], k: Int, excluding: Int) -> [Int] {
        var heap = [(Double, Int)]() // max-heap on (distance, index)
        heap.reserveCapacity(k + 1)
        func above(_ a: (Double, Int), _ b: (Double, Int)) -> Bool { a.0 != b.0 ? a.0 > b.0 : a.1 > b.1 }
        for j in row.indices where j != excluding {
            let item = (row[j], j)
            if heap.count < k {
                heap.append(item)
                var c = heap.count - 1
                while c > 0, above(heap[c], heap[(c - 1) / 2]) { heap.swapAt(c, (c - 1) / 2); c = (c - 1) / 2 }
            } else if above(heap[0], item) {
                heap[0] = item
                var c = 0
                while true {
                    let l = 2 * c + 1, r = l + 1
                    var m = c
                    if l < heap.count, above(heap[l], heap[m]) { m = l }
                    if r < heap.count, above(heap[r], heap[m]) { m = r }
                    if m == c { break }
                    heap.swapAt(c, m); c = m
                }
            }
        }
        return heap.sorted { above($1, $0) }.map(\.1)
    }

    // MARK: - Gradients

    /// ∂KL/∂yᵢ = 4 Σⱼ (pᵢⱼ − qᵢⱼ) (1 + |yᵢ − yⱼ|²)⁻¹ (yᵢ − yⱼ), with qᵢⱼ = wᵢⱼ / Σ w.
    static func exactGradient(_ p: [Double], y: [Double], n: Int, exaggeration: Double, into g: inout [Double]) {
        var w = [Double](repeating: 0, count: n * n)
        var z = 0.0
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) {
                let dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1]
                let v = 1 / (1 + dx * dx + dy * dy)
                w[i * n + j] = v; w[j * n + i] = v
                z += 2 * v
            }
        }
        for i in 0..<n {
            var gx = 0.0, gy = 0.0
            for j in 0..<n where j != i {
                let v = w[i * n + j]
                let f = (exaggeration * p[i * n + j] - v / z) * v
                gx += f * (y[2 * i] - y[2 * j]); gy += f * (y[2 * i + 1] - y[2 * j + 1])
            }
            g[2 * i] = 4 * gx; g[2 * i + 1] = 4 * gy
        }
    }

    /// The same gradient, split into attraction (over the sparse neighbour graph, exact)
    /// and repulsion (from the quadtree, far cells as one point at their centre of mass).
    static func barnesHutGradient(_ p: Joint, y: [Double], n: Int, exaggeration: Double, theta: Double,
                                  tree: QuadTree, into g: inout [Double]) {
        var repulsion = [Double](repeating: 0, count: 2 * n)
        var z = 0.0
        var stack = [Int]()
        stack.reserveCapacity(512)
        for i in 0..<n {
            let (fx, fy, zi) = tree.repulsion(x: y[2 * i], y: y[2 * i + 1], theta: theta, stack: &stack)
            repulsion[2 * i] = fx; repulsion[2 * i + 1] = fy
            z += zi
        }
        for i in 0..<n {
            var ax = 0.0, ay = 0.0
            for e in p.rowStart[i]..<p.rowStart[i + 1] {
                let j = p.column[e]
                let dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1]
                let f = exaggeration * p.value[e] / (1 + dx * dx + dy * dy)
                ax += f * dx; ay += f * dy
            }
            g[2 * i] = 4 * (ax - repulsion[2 * i] / z)
            g[2 * i + 1] = 4 * (ay - repulsion[2 * i + 1] / z)
        }
    }
}

/// A quadtree over the map points for Barnes–Hut: each cell knows how many points it
/// holds and their centre of mass. Arrays of nodes, rebuilt every iteration in place.
struct QuadTree {
    private var centerX: [Double] = [], centerY: [Double] = [], half: [Double] = []
    private var massX: [Double] = [], massY: [Double] = [], count: [Int] = []
    /// Index of the first of four children (nw, ne, sw, se), or −1 for a leaf.
    private var firstChild: [Int] = []
    /// The point a leaf holds (possibly several times, at the same place), or −1.
    private var point: [Int] = []
    private var used = 0
    private var px: [Double] = [], py: [Double] = []

    init(capacity: Int) {
        centerX.reserveCapacity(capacity); centerY.reserveCapacity(capacity); half.reserveCapacity(capacity)
        massX.reserveCapacity(capacity); massY.reserveCapacity(capacity); count.reserveCapacity(capacity)
        firstChild.reserveCapacity(capacity); point.reserveCapacity(capacity)
    }

    private mutating func node(_ cx: Double, _ cy: Double, _ h: Double) -> Int {
        if used == centerX.count {
            centerX.append(cx); centerY.append(cy); half.append(h); massX.append(0); massY.append(0)
            count.append(0); firstChild.append(-1); point.append(-1)
        } else {
            centerX[used] = cx; centerY[used] = cy; half[used] = h; massX[used] = 0; massY[used] = 0
            count[used] = 0; firstChild[used] = -1; point[used] = -1
        }
        used += 1
        return used - 1
    }

    private func child(_ node: Int, _ x: Double, _ y: Double) -> Int {
        firstChild[node] + (x < centerX[node] ? 0 : 1) + (y < centerY[node] ? 0 : 2)
    }

    /// Rebuilds the tree over `n` points stored x, y, x, y, … in `y`.
    mutating func build(_ positions: [Double], n: Int) {
        used = 0
        px = (0..<n).map { positions[2 * $0] }
        py = (0..<n).map { positions[2 * $0 + 1] }
        let (x0, x1) = (px.min() ?? 0, px.max() ?? 0), (y0, y1) = (py.min() ?? 0, py.max() ?? 0)
        let h = max(x1 - x0, y1 - y0) / 2 * (1 + 1e-6) + 1e-12
        _ = node((x0 + x1) / 2, (y0 + y1) / 2, h)
        for i in 0..<n { insert(i) }
    }

    private mutating func insert(_ i: Int) {
        let (x, y) = (px[i], py[i])
        var current = 0, depth = 0
        while true {
            count[current] += 1; massX[current] += x; massY[current] += y
            if firstChild[current] < 0 {
                let before = count[current] - 1
                if before == 0 { point[current] = i; return }
                let other = point[current]
                // Same place (or absurdly deep): keep them together in this leaf.
                if (px[other] == x && py[other] == y) || depth > 60 { return }
                let h = half[current] / 2
                let first = node(centerX[current] - h, centerY[current] - h, h)
                _ = node(centerX[current] + h, centerY[current] - h, h)
                _ = node(centerX[current] - h, centerY[current] + h, h)
                _ = node(centerX[current] + h, centerY[current] + h, h)
                firstChild[current] = first
                point[current] = -1
                let c = child(current, px[other], py[other])
                count[c] = before; massX[c] = Double(before) * px[other]; massY[c] = Double(before) * py[other]
                point[c] = other
            }
            current = child(current, x, y)
            depth += 1
        }
    }

    /// Σⱼ wᵢⱼ² (yᵢ − yⱼ) and Σⱼ wᵢⱼ over the other points, with wᵢⱼ = (1 + |yᵢ − yⱼ|²)⁻¹;
    /// a cell whose side over its distance is below `theta` counts as its points at
    /// their centre of mass. `stack` is scratch space, reused between calls.
    func repulsion(x: Double, y: Double, theta: Double, stack: inout [Int]) -> (Double, Double, Double) {
        var fx = 0.0, fy = 0.0, z = 0.0
        let theta2 = theta * theta
        stack.removeAll(keepingCapacity: true)
        stack.append(0)
        count.withUnsafeBufferPointer { count in
        massX.withUnsafeBufferPointer { massX in
        massY.withUnsafeBufferPointer { massY in
        half.withUnsafeBufferPointer { half in
        firstChild.withUnsafeBufferPointer { firstChild in
            while let current = stack.popLast() {
                let k = count[current]
                if k == 0 { continue }
                let m = Double(k)
                let dx = x - massX[current] / m, dy = y - massY[current] / m
                let d2 = dx * dx + dy * dy
                let side = 2 * half[current]
                let child = firstChild[current]
                if child < 0 || side * side < theta2 * d2 {
                    if d2 == 0 { z += m - 1; continue } // the point itself (and copies of it)
                    let w = 1 / (1 + d2)
                    z += m * w
                    fx += m * w * w * dx; fy += m * w * w * dy
                } else {
                    stack.append(child); stack.append(child + 1); stack.append(child + 2); stack.append(child + 3)
                }
            }
        }
        }
        }
        }
        }
        return (fx, fy, z)
    }
}
