/// Where each KxK patch of a convolution's input lies: im2col and its adjoint col2im.
///
/// `cols` has one row per (channel, ky, kx) and one column per (image, output pixel);
/// entries that fall in the zero padding are 0. These plain loops are the reference the
/// C versions (`Kernels.im2col`, `Kernels.col2im`) are tested against.
struct ConvGeometry {
    let channels, height, width, kernel, stride, padding: Int
    let outHeight, outWidth: Int

    init(channels: Int, height: Int, width: Int, kernel: Int, stride: Int, padding: Int) {
        self.channels = channels; self.height = height; self.width = width
        self.kernel = kernel; self.stride = stride; self.padding = padding
        outHeight = (height + 2 * padding - kernel) / stride + 1
        outWidth = (width + 2 * padding - kernel) / stride + 1
    }

    var patchSize: Int { channels * kernel * kernel }
    var outPixels: Int { outHeight * outWidth }

    /// The output columns `ox` whose input column `ox·stride - padding + kx` is inside
    /// the image: everything else reads zero padding.
    @inline(__always)
    private func validColumns(kx: Int) -> Range<Int> {
        // ix = ox*s - p + kx >= 0  <=>  ox >= ceil((p - kx) / s)
        let lo = max(0, (padding - kx + stride - 1) / stride)
        // ix <= W - 1  <=>  ox <= floor((W - 1 + p - kx) / s)
        let hiInclusive = (width - 1 + padding - kx)
        let hi = hiInclusive < 0 ? 0 : min(outWidth, hiInclusive / stride + 1)
        return lo..<max(lo, hi)
    }

    func im2col(_ x: UnsafePointer<Float>, batch: Int, into cols: UnsafeMutablePointer<Float>) {
        let columns = batch * outPixels
        for c in 0..<channels {
            for ky in 0..<kernel {
                for kx in 0..<kernel {
                    let row = cols + ((c * kernel + ky) * kernel + kx) * columns
                    let valid = validColumns(kx: kx)
                    for img in 0..<batch {
                        let plane = x + (img * channels + c) * height * width
                        for oy in 0..<outHeight {
                            let dst = row + img * outPixels + oy * outWidth
                            let iy = oy * stride - padding + ky
                            guard iy >= 0, iy < height, !valid.isEmpty else {
                                for ox in 0..<outWidth { dst[ox] = 0 }
                                continue
                            }
                            let src = plane + iy * width - padding + kx
                            // Plain loops, not memcpy/memset: rows are ~28 floats, and a
                            // libc call per row cost more than the copy (measured on LeNet).
                            for ox in 0..<valid.lowerBound { dst[ox] = 0 }
                            if stride == 1 {
                                for ox in valid { dst[ox] = src[ox] }
                            } else {
                                for ox in valid { dst[ox] = src[ox * stride] }
                            }
                            for ox in valid.upperBound..<outWidth { dst[ox] = 0 }
                        }
                    }
                }
            }
        }
    }

    /// Adds every entry of `cols` back onto the input pixel it was copied from.
    /// `dx` must start at zero.
    func col2im(_ cols: UnsafePointer<Float>, batch: Int, into dx: UnsafeMutablePointer<Float>) {
        let columns = batch * outPixels
        for c in 0..<channels {
            for ky in 0..<kernel {
                for kx in 0..<kernel {
                    let row = cols + ((c * kernel + ky) * kernel + kx) * columns
                    let valid = validColumns(kx: kx)
                    if valid.isEmpty { continue }
                    for img in 0..<batch {
                        let plane = dx + (img * channels + c) * height * width
                        for oy in 0..<outHeight {
                            let iy = oy * stride - padding + ky
                            guard iy >= 0, iy < height else { continue }
                            let src = row + img * outPixels + oy * outWidth
                            let dst = plane + iy * width - padding + kx
                            if stride == 1 {
                                for ox in valid { dst[ox] += src[ox] }
                            } else {
                                for ox in valid { dst[ox * stride] += src[ox] }
                            }
                        }
                    }
                }
            }
        }
    }
}
