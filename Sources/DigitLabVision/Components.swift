/// Connected pieces of ink (8-connected: pixels touching at a corner belong together,
/// as the two halves of a thin diagonal stroke do).
public struct Component: Sendable, Equatable {
    /// 1-based label in `Components.labels`.
    public var label: Int32
    public var area = 0
    public var minX = Int.max, minY = Int.max, maxX = -1, maxY = -1
    /// The sum of the ink strength over the component's pixels.
    public var mass: Float = 0
    var sumX: Float = 0, sumY: Float = 0

    public var width: Int { maxX - minX + 1 }
    public var height: Int { maxY - minY + 1 }
    public var box: Box { Box(x: minX, y: minY, width: width, height: height) }
    /// The ink-weighted centre.
    public var centre: (x: Float, y: Float) { mass > 0 ? (sumX / mass, sumY / mass) : (Float(minX + maxX) / 2, Float(minY + maxY) / 2) }
}

/// A rectangle in pixels: x, y of the top-left corner, width and height.
public struct Box: Sendable, Equatable, Codable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) { self.x = x; self.y = y; self.width = width; self.height = height }
    public var maxX: Int { x + width - 1 }
    public var maxY: Int { y + height - 1 }
    public func union(_ o: Box) -> Box {
        let (x0, y0) = (min(x, o.x), min(y, o.y))
        return Box(x: x0, y: y0, width: max(maxX, o.maxX) - x0 + 1, height: max(maxY, o.maxY) - y0 + 1)
    }
    /// The gap between two boxes along x and y (0 when they overlap on that axis).
    public func gap(to o: Box) -> (x: Int, y: Int) {
        (max(0, max(o.x - maxX - 1, x - o.maxX - 1)), max(0, max(o.y - maxY - 1, y - o.maxY - 1)))
    }
    /// Whether `o` lies wholly inside this box.
    public func holds(_ o: Box) -> Bool { o.x >= x && o.y >= y && o.maxX <= maxX && o.maxY <= maxY }
    /// Scaled by `s` (for moving between working and file coordinates).
    public func scaled(_ s: Double) -> Box {
        let x0 = Int((Double(x) * s).rounded(.down)), y0 = Int((Double(y) * s).rounded(.down))
        let x1 = Int((Double(x + width) * s).rounded(.up)), y1 = Int((Double(y + height) * s).rounded(.up))
        return Box(x: x0, y: y0, width: max(1, x1 - x0), height: max(1, y1 - y0))
    }
}

public struct Components: Sendable {
    public let width: Int
    public let height: Int
    /// 0 = no ink, otherwise the component's label.
    public private(set) var labels: [Int32]
    public private(set) var items: [Component]
    /// Each component's pixels (their indices, row by row), one run per label:
    /// `pixelIndex[pixelStart[l - 1]..<pixelStart[l]]` for label l. To visit a piece's
    /// pixels without scanning its box: a diagonal line's box is most of the picture, and
    /// hatching made `read` scan such boxes for every pair of lines (a minute to refuse).
    let pixelIndex: [Int32]
    let pixelStart: [Int]

    /// Labels the pixels where `mask` is true, two passes with union-find; `weight` gives
    /// each pixel's ink strength for the masses and centres.
    public init(mask: [Bool], weight: Plane) {
        let (w, h) = (weight.width, weight.height)
        width = w; height = h
        var labels = [Int32](repeating: 0, count: w * h)
        var parent: [Int32] = [0]
        func find(_ a: Int32) -> Int32 {
            var a = a
            while parent[Int(a)] != a { parent[Int(a)] = parent[Int(parent[Int(a)])]; a = parent[Int(a)] }
            return a
        }
        func unite(_ a: Int32, _ b: Int32) {
            let (ra, rb) = (find(a), find(b))
            if ra != rb { parent[Int(max(ra, rb))] = min(ra, rb) }
        }
        for y in 0..<h {
            for x in 0..<w where mask[y * w + x] {
                // Neighbours already visited: left, and the three above.
                var label: Int32 = 0
                for (dx, dy) in [(-1, 0), (-1, -1), (0, -1), (1, -1)] {
                    let (nx, ny) = (x + dx, y + dy)
                    guard nx >= 0, nx < w, ny >= 0 else { continue }
                    let n = labels[ny * w + nx]
                    guard n != 0 else { continue }
                    if label == 0 { label = n } else if n != label { unite(label, n) }
                }
                if label == 0 { label = Int32(parent.count); parent.append(label) }
                labels[y * w + x] = label
            }
        }
        // Second pass: roots renumbered 1…n, statistics gathered.
        var number = [Int32](repeating: 0, count: parent.count)
        var items = [Component]()
        for i in 0..<(w * h) where labels[i] != 0 {
            let root = Int(find(labels[i]))
            if number[root] == 0 { items.append(Component(label: Int32(items.count + 1))); number[root] = Int32(items.count) }
            let l = number[root]
            labels[i] = l
            let (x, y) = (i % w, i / w)
            let v = weight.values[i]
            let k = Int(l) - 1
            items[k].area += 1
            items[k].mass += v
            items[k].sumX += v * Float(x); items[k].sumY += v * Float(y)
            items[k].minX = min(items[k].minX, x); items[k].maxX = max(items[k].maxX, x)
            items[k].minY = min(items[k].minY, y); items[k].maxY = max(items[k].maxY, y)
        }
        self.labels = labels
        self.items = items
        // Counting sort by label, in row-major order within each.
        var start = [Int](repeating: 0, count: items.count + 1)
        for k in items.indices { start[k + 1] = start[k] + items[k].area }
        var next = start
        var index = [Int32](repeating: 0, count: start[items.count])
        for i in 0..<(w * h) where labels[i] != 0 {
            let k = Int(labels[i]) - 1
            index[next[k]] = Int32(i); next[k] += 1
        }
        pixelIndex = index
        pixelStart = start
    }

    /// The pixels of component `label` (indices into `labels`), row by row.
    func pixels(of label: Int32) -> ArraySlice<Int32> {
        let k = Int(label)
        guard k >= 1, k < pixelStart.count else { return [] }
        return pixelIndex[pixelStart[k - 1]..<pixelStart[k]]
    }

    /// A mask of the pixels belonging to any of `chosen` (labels).
    public func mask(of chosen: Set<Int32>) -> [Bool] { labels.map { chosen.contains($0) } }
}
