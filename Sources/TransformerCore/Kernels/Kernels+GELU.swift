import CKernels

/// The exact GELU on raw buffers, the loop behind ``Tensor/gelu()``:
///
///     y = x Phi(x) = x/2 (1 + erf(x / sqrt 2)),     dy/dx = Phi(x) + x phi(x),  phi(x) = e^(-x^2/2) / sqrt(2 pi)
///
/// libm's `erff` called per element on one thread was 60% of a ViT training step (perf, Fashion-MNIST
/// d_model 64 with d_ff 256), and slower the larger the activations grew (its tail takes a second exp).
/// Here 2 Phi(x) = 1 + erf(z), z = |x| / sqrt 2, comes from erfc by Numerical Recipes' Chebyshev fit
/// (Press et al., "erfcc", relative error below 1.2e-7 for every z >= 0):
///
///     t = 1 / (1 + z/2),   erfc(z) = t exp(-z^2 + P(t)),
///     P(t) = -1.26551223 + t (1.00002368 + t (0.37409196 + ... + t 0.17087277))
///     2 Phi(x) = 2 - erfc(z) for x >= 0, erfc(z) for x < 0
///
/// so Phi(x) keeps its relative accuracy in the left tail (no 1 + erf cancellation), and e^u by the
/// softmax kernels' exp (``Kernels/exp8``, ck_exp16), which is exactly 0 below u = -87 (x < -13.2: y is 0,
/// where the true value is below 1e-38). Measured against erf in Double: ``geluRelativeTolerance``
/// (GELUKernelTests). NaN stays NaN; y(+inf) = +inf, y(-inf) = NaN (-inf * 0), as the formula gives.
/// The avx512 / avx2 backends run the C kernels (ck_gelu.h), the portable one ``geluSIMD8``; large
/// tensors are split over threads (elementwise, so the split cannot change a result).
extension Kernels {
    /// y[i] = gelu(x[i]) for i < count. `y` may be `x`.
    static func gelu(count: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                     backend: KernelBackend = .current) {
        let buffers = ElementwiseBuffers(x: x, g: nil, out: y)
        forEachElementShare(count: count) { start, n in
            switch backend {
            case .avx512: ck_gelu_avx512(n, buffers.x + start, buffers.out + start)
            case .avx2: ck_gelu_avx2(n, buffers.x + start, buffers.out + start)
            case .portable: geluSIMD8(count: n, x: buffers.x + start, y: buffers.out + start)
            }
        }
    }

    /// dx[i] = g[i] * (Phi(x[i]) + x[i] phi(x[i])) for i < count: the backward of ``gelu(count:x:y:backend:)``
    /// from its input x. `dx` may be `g`.
    static func geluBackward(count: Int, x: UnsafePointer<Float>, g: UnsafePointer<Float>,
                             dx: UnsafeMutablePointer<Float>, backend: KernelBackend = .current) {
        let buffers = ElementwiseBuffers(x: x, g: g, out: dx)
        forEachElementShare(count: count) { start, n in
            let g = buffers.g! + start
            switch backend {
            case .avx512: ck_gelu_backward_avx512(n, buffers.x + start, g, buffers.out + start)
            case .avx2: ck_gelu_backward_avx2(n, buffers.x + start, g, buffers.out + start)
            case .portable: geluBackwardSIMD8(count: n, x: buffers.x + start, g: g, dx: buffers.out + start)
            }
        }
    }

    /// 2 Phi(x) on 8 lanes, the steps of the C kernels (see the top), without fused multiply-adds.
    @inline(__always)
    static func twicePhi8(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let magnitude = unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: SIMD8<Float>.self)
        let z = magnitude * 0.707_106_78
        let t = 1 / (z * 0.5 + 1)
        var p = SIMD8<Float>(repeating: 0.170_872_77)
        p = p * t - 0.822_152_23
        p = p * t + 1.488_515_87
        p = p * t - 1.135_203_98
        p = p * t + 0.278_868_07
        p = p * t - 0.186_288_06
        p = p * t + 0.096_784_18
        p = p * t + 0.374_091_96
        p = p * t + 1.000_023_68
        p = p * t - 1.265_512_23
        let complement = t * exp8(p - z * z)   // erfc(z)
        return complement.replacing(with: 2 - complement, where: x .>= 0)
    }

    /// ``gelu(count:x:y:backend:)`` in Swift's 8 lanes (the portable path; the tail through a padded vector).
    static func geluSIMD8(count: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        var i = 0
        while i < count {
            let v = loadPadded8(x + i, count - i)
            storePartial8(v * 0.5 * twicePhi8(v), y + i, count - i)
            i += 8
        }
    }

    /// ``geluBackward(count:x:g:dx:backend:)`` in Swift's 8 lanes.
    static func geluBackwardSIMD8(count: Int, x: UnsafePointer<Float>, g: UnsafePointer<Float>,
                                  dx: UnsafeMutablePointer<Float>) {
        var i = 0
        while i < count {
            let v = loadPadded8(x + i, count - i), w = loadPadded8(g + i, count - i)
            let density = exp8(v * v * -0.5)
            storePartial8(w * (twicePhi8(v) * 0.5 + v * 0.398_942_28 * density), dx + i, count - i)
            i += 8
        }
    }
}
