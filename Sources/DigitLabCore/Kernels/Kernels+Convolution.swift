import CKernels

/// Convolution: as a matrix product whose B panels im2col fills as the product needs
/// them; directly for one input channel; by Winograd for 3x3; im2col and col2im for the
/// backward pass.
extension Kernels {
    /// `y = W · im2col(x) + b` (then ReLU) for `images` images, y as [image][filter][pixel]:
    /// one product per image whose B panels im2col fills as the product needs them, so
    /// the columns never leave L1.
    static func convForward(_ x: UnsafePointer<Float>, images: Int, geometry g: ConvGeometry,
                            weight: UnsafePointer<Float>, filters: Int, bias: UnsafePointer<Float>,
                            relu: Bool, into y: UnsafeMutablePointer<Float>) {
        dl_conv_forward(x, images, g.channels, g.height, g.width, g.kernel, g.stride, g.padding,
                        g.outHeight, g.outWidth, weight, filters, bias, relu ? 1 : 0, y)
    }

    /// Whether `convDirectForward` and `convDirectWeightGradient` handle this geometry
    /// (one input channel, stride 1: a first layer on greyscale images).
    static func convDirectApplies(_ g: ConvGeometry) -> Bool {
        dl_conv_direct_applies(g.channels, g.kernel, g.stride) != 0
    }

    /// The same as `convForward`, computed directly (no columns): for one channel, im2col
    /// would copy K·K values per pixel for only `filters` multiply-adds each.
    static func convDirectForward(_ x: UnsafePointer<Float>, images: Int, geometry g: ConvGeometry,
                                  weight: UnsafePointer<Float>, filters: Int, bias: UnsafePointer<Float>,
                                  relu: Bool, into y: UnsafeMutablePointer<Float>) {
        dl_conv_direct_forward(x, images, g.height, g.width, g.kernel, g.padding, g.outHeight, g.outWidth,
                               weight, filters, bias, relu ? 1 : 0, y)
    }

    /// `∂W += Σ ∂Y * x` over `images` images (one input channel, stride 1), ∂W as [filter][ky][kx].
    static func convDirectWeightGradient(_ x: UnsafePointer<Float>, dy: UnsafePointer<Float>, images: Int,
                                         geometry g: ConvGeometry, filters: Int, into dw: UnsafeMutablePointer<Float>) {
        dl_conv_direct_weight_grad(x, dy, images, g.height, g.width, g.kernel, g.padding, g.outHeight, g.outWidth,
                                   filters, dw)
    }

    /// Whether a layer's forward pass and ∂x go through Winograd's F(2x2, 3x3): 3x3,
    /// stride 1, and enough channels and filters for the transforms to pay (measured:
    /// slower than the product below 8 of either), padding at most 2 (so that ∂x is a
    /// convolution with padding 2 − p ≥ 0).
    static func winogradApplies(_ g: ConvGeometry, filters: Int) -> Bool {
        dl_winograd_applies(g.kernel, g.stride) != 0 && g.padding <= 2 && g.channels >= 8 && filters >= 8
    }

    /// `y = W * x + b` (then ReLU) by Winograd's F(2x2, 3x3), y as [image][filter][pixel].
    static func winogradForward(_ x: UnsafePointer<Float>, images: Int, geometry g: ConvGeometry,
                                weight: UnsafePointer<Float>, filters: Int, bias: UnsafePointer<Float>,
                                relu: Bool, into y: UnsafeMutablePointer<Float>) {
        dl_winograd_conv3x3(x, images, g.channels, g.height, g.width, g.padding, weight, filters, 0, bias,
                            relu ? 1 : 0, y)
    }

    /// ∂x = the transposed convolution of ∂Y with W (Winograd), for `images` images:
    /// every value of ∂x is written.
    static func winogradInputGradient(_ dy: UnsafePointer<Float>, images: Int, geometry g: ConvGeometry,
                                      weight: UnsafePointer<Float>, filters: Int, into dx: UnsafeMutablePointer<Float>) {
        dl_winograd_conv3x3(dy, images, filters, g.outHeight, g.outWidth, g.kernel - 1 - g.padding, weight,
                            g.channels, 1, nil, 0, dx)
    }

    /// The backward pass's im2col (`ConvGeometry.im2col`'s layout), in C.
    static func im2col(_ x: UnsafePointer<Float>, images: Int, geometry g: ConvGeometry,
                       into cols: UnsafeMutablePointer<Float>) {
        dl_im2col(x, images, g.channels, g.height, g.width, g.kernel, g.stride, g.padding, g.outHeight, g.outWidth, cols)
    }

    /// Adds every column back onto the pixels it came from (dx must start at zero).
    static func col2im(_ cols: UnsafePointer<Float>, images: Int, geometry g: ConvGeometry,
                       into dx: UnsafeMutablePointer<Float>) {
        dl_col2im(cols, images, g.channels, g.height, g.width, g.kernel, g.stride, g.padding, g.outHeight, g.outWidth, dx)
    }

    /// `out[j][i] = m[i][j]` for a rows x columns matrix.
    static func transpose(_ m: UnsafePointer<Float>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Float>) {
        for i in 0..<rows { for j in 0..<columns { out[j * rows + i] = m[i * columns + j] } }
    }
}
