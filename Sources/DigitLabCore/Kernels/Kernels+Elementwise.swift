/// Sums and elementwise passes. Plain loops: the compiler vectorises them, and each
/// sums in a fixed order whatever the thread count.
extension Kernels {
    /// `out[j] = Σ_i m[i][j]` over the rows in order (a dense layer's ∂b).
    public static func columnSums(_ m: UnsafePointer<Float>, rows: Int, columns: Int,
                                  into out: UnsafeMutablePointer<Float>) {
        out.update(repeating: 0, count: columns)
        for r in 0..<rows {
            let row = m + r * columns
            for j in 0..<columns { out[j] += row[j] }
        }
    }

    /// `out[i] += Σ_j m[i][j]` (a convolution's ∂b, one filter per row).
    public static func rowSums(_ m: UnsafePointer<Float>, rows: Int, columns: Int,
                               addingTo out: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let row = m + r * columns
            // Eight running sums, added pairwise at the end: vectorises without
            // reordering under the compiler's feet (floating-point addition is not
            // associative, so it would not reorder a single running sum).
            var s = SIMD8<Float>()
            var j = 0
            while j + 8 <= columns {
                s += SIMD8(UnsafeBufferPointer(start: row + j, count: 8))
                j += 8
            }
            var sum = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]))
            while j < columns { sum += row[j]; j += 1 }
            out[r] += sum
        }
    }

    /// `out[i] = Σ_p parts[p][i]`, parts added in order: the reduction that makes a
    /// chunked sum independent of which thread ran which chunk.
    public static func sumInOrder(_ parts: UnsafePointer<Float>, parts count: Int, count length: Int,
                                  into out: UnsafeMutablePointer<Float>) {
        Parallel.forEachSlice(count: length, grain: 8192) { range in
            for i in range { out[i] = parts[i] }
            for p in 1..<max(1, count) {
                let part = parts + p * length
                for i in range { out[i] += part[i] }
            }
        }
    }
}
