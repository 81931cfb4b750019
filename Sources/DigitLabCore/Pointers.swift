/// Several arrays' memory at once, for one kernel call or one parallel loop: the layer
/// reads as one closure instead of a staircase of nested `withUnsafe…` closures.
/// The pointers are valid only inside `body`; the arrays must be distinct.
///
///     withPointers(x.data, weight.value, writing: &y) { xp, wp, yp in … }
@inline(__always)
func withPointers<R>(_ a: [Float], writing w: inout [Float],
                     _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> R) -> R {
    a.withUnsafeBufferPointer { ab in
        w.withUnsafeMutableBufferPointer { wb in body(ab.baseAddress!, wb.baseAddress!) }
    }
}

@inline(__always)
func withPointers<R>(_ a: [Float], _ b: [Float], writing w: inout [Float],
                     _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> R) -> R {
    a.withUnsafeBufferPointer { ab in
        b.withUnsafeBufferPointer { bb in
            w.withUnsafeMutableBufferPointer { wb in body(ab.baseAddress!, bb.baseAddress!, wb.baseAddress!) }
        }
    }
}

@inline(__always)
func withPointers<R>(_ a: [Float], _ b: [Float], _ c: [Float], writing w: inout [Float],
                     _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
                              UnsafeMutablePointer<Float>) -> R) -> R {
    a.withUnsafeBufferPointer { ab in
        b.withUnsafeBufferPointer { bb in
            c.withUnsafeBufferPointer { cb in
                w.withUnsafeMutableBufferPointer { wb in
                    body(ab.baseAddress!, bb.baseAddress!, cb.baseAddress!, wb.baseAddress!)
                }
            }
        }
    }
}

@inline(__always)
func withPointers<R>(_ a: [Float], _ b: [Float], writing w: inout [Float], _ v: inout [Float],
                     _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>,
                              UnsafeMutablePointer<Float>) -> R) -> R {
    a.withUnsafeBufferPointer { ab in
        b.withUnsafeBufferPointer { bb in
            w.withUnsafeMutableBufferPointer { wb in
                v.withUnsafeMutableBufferPointer { vb in
                    body(ab.baseAddress!, bb.baseAddress!, wb.baseAddress!, vb.baseAddress!)
                }
            }
        }
    }
}

@inline(__always)
func withPointers<R>(_ a: [Float], _ b: [Float], writing w: inout [Float], _ v: inout [Float], _ u: inout [Float],
                     _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>,
                              UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> R) -> R {
    withPointers(a, b, writing: &w, &v) { ap, bp, wp, vp in
        u.withUnsafeMutableBufferPointer { ub in body(ap, bp, wp, vp, ub.baseAddress!) }
    }
}

@inline(__always)
func withPointers<R>(_ a: [Float], writing w: inout [Float], _ v: inout [Float],
                     _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> R) -> R {
    a.withUnsafeBufferPointer { ab in
        w.withUnsafeMutableBufferPointer { wb in
            v.withUnsafeMutableBufferPointer { vb in body(ab.baseAddress!, wb.baseAddress!, vb.baseAddress!) }
        }
    }
}
