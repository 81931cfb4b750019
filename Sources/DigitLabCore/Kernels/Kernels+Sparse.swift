import CKernels

/// A batch whose values are mostly one number — a digit's blank paper, four pixels in
/// five — kept as the positions and values (minus that number) of the others. A dense
/// layer multiplies only those (`Sources/CKernels/sparse.c`): a fifth of the work on
/// MNIST, with the same result up to rounding.
final class SparseBatch {
    /// Above this fraction of other values the dense product is faster (the sparse
    /// product runs at about a third of its speed per multiply-add).
    static let maxDensity = 0.35

    private(set) var starts = Buffer<Int>(), indices = Buffer<Int32>(), values = Buffer<Float>()

    /// The background c (x's first value) and how many values differ from it, when at
    /// most `maxDensity` of x does.
    static func background(_ x: UnsafePointer<Float>, count: Int) -> (value: Float, others: Int)? {
        guard count > 0, x[0].isFinite else { return nil }
        let c = x[0]
        let others = dl_count_different(x, count, c)
        return Double(others) <= maxDensity * Double(count) ? (c, others) : nil
    }

    /// x (rows x columns) by rows: row r's entries are starts[r]..<starts[r+1].
    func byRows(_ x: UnsafePointer<Float>, rows: Int, columns: Int, background: (value: Float, others: Int)) {
        reserve(lines: rows, entries: background.others)
        dl_sparse_rows(x, rows, columns, background.value, starts.pointer, indices.pointer, values.pointer)
    }

    /// x (rows x columns) by columns: column i's entries are starts[i]..<starts[i+1].
    func byColumns(_ x: UnsafePointer<Float>, rows: Int, columns: Int, background: (value: Float, others: Int)) {
        reserve(lines: columns, entries: background.others)
        dl_sparse_columns(x, rows, columns, background.value, starts.pointer, indices.pointer, values.pointer)
    }

    private func reserve(lines: Int, entries: Int) {
        starts.reserve(lines + 1); indices.reserve(max(1, entries)); values.reserve(max(1, entries))
    }

    /// For lines [first, last): out[line][j] = base[j] + Σ value · m[index][j] (then ReLU).
    func combine(lines: Range<Int>, with m: UnsafePointer<Float>, width: Int, base: UnsafePointer<Float>?,
                 relu: Bool, into out: UnsafeMutablePointer<Float>) {
        dl_sparse_combine(starts.pointer, indices.pointer, values.pointer, lines.lowerBound, lines.upperBound,
                          m, width, width, base, relu ? 1 : 0, out, width)
    }
}

/// Raw memory for `reserve(count)` values of T, kept between calls.
final class Buffer<T> {
    private(set) var pointer = UnsafeMutablePointer<T>.allocate(capacity: 1)
    private var capacity = 1

    deinit { pointer.deallocate() }

    func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        pointer = .allocate(capacity: count)
        capacity = count
    }
}

extension Kernels {
    /// out = mᵀ for a rows x columns matrix, in chunks of 64 rows.
    static func transposeBlocked(_ m: UnsafePointer<Float>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Float>) {
        let grain = 64
        Parallel.forEachChunk(Parallel.chunkCount(rows, grain: grain)) { chunk, _ in
            let r = Parallel.chunk(chunk, grain: grain, count: rows)
            dl_transpose(m + r.lowerBound * columns, r.count, columns, columns, out + r.lowerBound, rows)
        }
    }
}
