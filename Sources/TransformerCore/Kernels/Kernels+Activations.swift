import CKernels

/// tanh, the logistic sigmoid and SiLU on raw buffers, the loops behind ``Tensor/tanh()``,
/// ``Tensor/sigmoid()`` and ``Tensor/silu()`` (libm per element on one thread was 19% of a GRU training
/// step with additive attention in a profile: `__expm1f` and `__tanhf`). With e^u the softmax kernels'
/// exp (``Kernels/exp8``, ck_exp16; exactly 0 below u = -87):
///
///     tanh x    = x + x^3 P(x^2)                      for |x| < 0.625 (Cephes' tanhf polynomial, P of degree 4)
///               = sign(x) (1 - 2 / (e^(2|x|) + 1))    otherwise (no cancellation: the quotient is <= 0.45)
///     sigmoid x = r for x >= 0, e r for x < 0,  with e = e^-|x|, r = 1 / (1 + e)   (no overflow, accurate tails)
///     silu x    = x sigmoid(x),   silu' x = s (1 + x (1 - s)),  s = sigmoid(x), 1 - s = sigmoid(-x)
///
/// Relative errors against Double: ``ActivationKernelTests``. NaN stays NaN; tanh(±inf) = ±1, sigmoid(+inf)
/// = 1, sigmoid(-inf) = 0, silu(+inf) = +inf, silu(-inf) = NaN (-inf * 0, as x / (1 + e^-x) gives). The
/// avx512 / avx2 backends run the C kernels (ck_activations.h), the portable one ``activationSIMD8``;
/// large tensors are split over threads (``forEachElementShare``).
extension Kernels {
    /// The elementwise functions with a kernel here.
    enum Activation: CaseIterable, Sendable {
        case tanh, sigmoid, silu
    }

    /// y[i] = f(x[i]) for i < count. `y` may be `x`.
    static func activation(_ function: Activation, count: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                           backend: KernelBackend = .current) {
        let buffers = ElementwiseBuffers(x: x, g: nil, out: y)
        forEachElementShare(count: count) { start, n in
            let x = buffers.x + start, y = buffers.out + start
            switch (backend, function) {
            case (.avx512, .tanh): ck_tanh_avx512(n, x, y)
            case (.avx512, .sigmoid): ck_sigmoid_avx512(n, x, y)
            case (.avx512, .silu): ck_silu_avx512(n, x, y)
            case (.avx2, .tanh): ck_tanh_avx2(n, x, y)
            case (.avx2, .sigmoid): ck_sigmoid_avx2(n, x, y)
            case (.avx2, .silu): ck_silu_avx2(n, x, y)
            case (.portable, _): activationSIMD8(function, count: n, x: x, y: y)
            }
        }
    }

    /// dx[i] = g[i] * silu'(x[i]) for i < count. `dx` may be `g`.
    static func siluBackward(count: Int, x: UnsafePointer<Float>, g: UnsafePointer<Float>,
                             dx: UnsafeMutablePointer<Float>, backend: KernelBackend = .current) {
        let buffers = ElementwiseBuffers(x: x, g: g, out: dx)
        forEachElementShare(count: count) { start, n in
            let x = buffers.x + start, g = buffers.g! + start, dx = buffers.out + start
            switch backend {
            case .avx512: ck_silu_backward_avx512(n, x, g, dx)
            case .avx2: ck_silu_backward_avx2(n, x, g, dx)
            case .portable:
                var i = 0
                while i < n {
                    let v = loadPadded8(x + i, n - i)
                    let s = sigmoid8(v), c = sigmoid8(-v)   // 1 - s, without cancellation
                    storePartial8(loadPadded8(g + i, n - i) * (s * (v * c + 1)), dx + i, n - i)
                    i += 8
                }
            }
        }
    }

    /// ``activation(_:count:x:y:backend:)`` in Swift's 8 lanes (the portable path).
    static func activationSIMD8(_ function: Activation, count: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        var i = 0
        while i < count {
            let v = loadPadded8(x + i, count - i)
            let r: SIMD8<Float>
            switch function {
            case .tanh: r = tanh8(v)
            case .sigmoid: r = sigmoid8(v)
            case .silu: r = v * sigmoid8(v)
            }
            storePartial8(r, y + i, count - i)
            i += 8
        }
    }

    /// tanh on 8 lanes, the steps of the C kernels (see the top).
    @inline(__always)
    static func tanh8(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
        let z = unsafeBitCast(bits & 0x7FFF_FFFF, to: SIMD8<Float>.self)
        let s = x * x
        var p = SIMD8<Float>(repeating: -5.704_988_727_45e-3)
        p = p * s + 2.063_908_879_54e-2
        p = p * s - 5.373_971_555_31e-2
        p = p * s + 1.333_144_220_36e-1
        p = p * s - 3.333_328_194_22e-1
        let near = p * s * x + x
        let far = 1 - 2 / (exp8(z + z) + 1)
        let signedFar = unsafeBitCast(unsafeBitCast(far, to: SIMD8<UInt32>.self) | (bits & 0x8000_0000), to: SIMD8<Float>.self)
        return signedFar.replacing(with: near, where: z .< 0.625)
    }

    /// sigmoid on 8 lanes, the steps of the C kernels.
    @inline(__always)
    static func sigmoid8(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let minusMagnitude = unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) | 0x8000_0000, to: SIMD8<Float>.self)
        let e = exp8(minusMagnitude)
        let r = 1 / (e + 1)
        return (e * r).replacing(with: r, where: x .>= 0)
    }
}
