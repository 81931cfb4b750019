/// Plain, obviously-correct versions of the kernels, for the tests to compare against:
/// one loop per index of the formula, sums in Double.
extension Kernels {
    public enum Reference {
        /// `C = op(A)·op(B)` (`+ C`) `+ rowBias + columnBias`, then ReLU.
        public static func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                                a: [Float], lda: Int, b: [Float], ldb: Int, c: inout [Float], ldc: Int,
                                accumulate: Bool = false, rowBias: [Float]? = nil, columnBias: [Float]? = nil,
                                relu: Bool = false) {
            for i in 0..<m {
                for j in 0..<n {
                    var sum = 0.0
                    for p in 0..<k {
                        let x = transA ? a[p * lda + i] : a[i * lda + p]
                        let y = transB ? b[j * ldb + p] : b[p * ldb + j]
                        sum += Double(x) * Double(y)
                    }
                    if accumulate { sum += Double(c[i * ldc + j]) }
                    if let rowBias { sum += Double(rowBias[i]) }
                    if let columnBias { sum += Double(columnBias[j]) }
                    c[i * ldc + j] = relu ? Float(max(0, sum)) : Float(sum)
                }
            }
        }

        /// A convolution (cross-correlation) of `[n, c, h, w]` images with `[f, c, k, k]`
        /// filters, straight from the definition.
        public static func conv(_ x: [Float], batch n: Int, channels c: Int, height h: Int, width w: Int,
                                weight: [Float], bias: [Float], filters f: Int, kernel k: Int,
                                stride s: Int, padding p: Int) -> [Float] {
            let oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1
            var y = [Float](repeating: 0, count: n * f * oh * ow)
            for img in 0..<n { for fi in 0..<f { for oy in 0..<oh { for ox in 0..<ow {
                var sum = Double(bias[fi])
                for ch in 0..<c { for ky in 0..<k { for kx in 0..<k {
                    let iy = oy * s - p + ky, ix = ox * s - p + kx
                    guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                    sum += Double(x[((img * c + ch) * h + iy) * w + ix]) * Double(weight[((fi * c + ch) * k + ky) * k + kx])
                } } }
                y[((img * f + fi) * oh + oy) * ow + ox] = Float(sum)
            } } } }
            return y
        }

        /// The convolution's gradients for ∂loss/∂y = `dy`: (∂x, ∂W, ∂b).
        public static func convBackward(_ x: [Float], dy: [Float], batch n: Int, channels c: Int, height h: Int,
                                        width w: Int, weight: [Float], filters f: Int, kernel k: Int, stride s: Int,
                                        padding p: Int) -> (dx: [Float], dw: [Float], db: [Float]) {
            let oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1
            var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: weight.count)
            var db = [Double](repeating: 0, count: f)
            for img in 0..<n { for fi in 0..<f { for oy in 0..<oh { for ox in 0..<ow {
                let g = Double(dy[((img * f + fi) * oh + oy) * ow + ox])
                db[fi] += g
                for ch in 0..<c { for ky in 0..<k { for kx in 0..<k {
                    let iy = oy * s - p + ky, ix = ox * s - p + kx
                    guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                    let xi = ((img * c + ch) * h + iy) * w + ix, wi = ((fi * c + ch) * k + ky) * k + kx
                    dx[xi] += g * Double(weight[wi])
                    dw[wi] += g * Double(x[xi])
                } } }
            } } } }
            return (dx.map(Float.init), dw.map(Float.init), db.map(Float.init))
        }
    }
}
