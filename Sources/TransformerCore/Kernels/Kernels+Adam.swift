import CKernels

/// Adam's update (Optimizers/Adam.swift has the equations) on raw buffers, the fused loop behind
/// ``Adam/step()``.
extension Kernels {
    /// One Adam update of `count` parameters, in one pass over theta, m, v and g: 16 / 8 lanes at a time
    /// in C with the avx512 / avx2 backends (`ck_adam_avx512` / `_avx2`), else 8 lanes in Swift (the
    /// compiler cannot vectorize the plain loop, as it cannot rule out that the four buffers overlap).
    /// Each lane does the arithmetic of ``referenceAdamUpdate`` in the same order, so the results are
    /// equal whichever path runs. Large tensors are split over threads (elementwise, so the split cannot
    /// change a result).
    static func adamUpdate(theta: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>,
                           v: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, count: Int,
                           beta1 b1: Float, beta2 b2: Float, epsilon eps: Float, learningRate lr: Float,
                           correction1: Float, correction2: Float, backend: KernelBackend) {
        let threads = ComputeThreads.count(work: count, workPerThread: adamParametersPerThread)
        guard threads > 1 else {
            adamRange(theta: theta, m: m, v: v, g: g, count: count, beta1: b1, beta2: b2, epsilon: eps,
                      learningRate: lr, correction1: correction1, correction2: correction2, backend: backend)
            return
        }
        let buffers = AdamBuffers(theta: theta, m: m, v: v, g: g)
        // Chunks of 16-float blocks from a shared queue (a pool worker may join late or not at all).
        forEachPairShare(pairs: (count + 15) / 16, threads: threads) { blocks in
            let start = blocks.lowerBound * 16, end = Swift.min(count, blocks.upperBound * 16)
            adamRange(theta: buffers.theta + start, m: buffers.m + start, v: buffers.v + start, g: buffers.g + start,
                      count: end - start, beta1: b1, beta2: b2, epsilon: eps, learningRate: lr,
                      correction1: correction1, correction2: correction2, backend: backend)
        }
    }

    /// Parameters of one tensor a thread must get before its update is split over threads (about 30 us
    /// of the AVX-512 loop; base's large matrices split, tiny's and small's do not).
    static let adamParametersPerThread = 1 << 16

    /// The four buffers of one update, handed to the workers (each writes its own range).
    struct AdamBuffers: @unchecked Sendable {
        let theta: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>
        let g: UnsafePointer<Float>
    }

    /// One thread's range of ``adamUpdate``.
    @inline(__always)
    static func adamRange(theta: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>,
                          v: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, count: Int,
                          beta1 b1: Float, beta2 b2: Float, epsilon eps: Float, learningRate lr: Float,
                          correction1: Float, correction2: Float, backend: KernelBackend) {
        switch backend {
        case .avx512:
            ck_adam_avx512(count, theta, m, v, g, b1, b2, eps, lr, correction1, correction2)
        case .avx2:
            ck_adam_avx2(count, theta, m, v, g, b1, b2, eps, lr, correction1, correction2)
        case .portable:
            adamUpdateSIMD8(theta: theta, m: m, v: v, g: g, count: count, beta1: b1, beta2: b2, epsilon: eps,
                            learningRate: lr, correction1: correction1, correction2: correction2)
        }
    }

    /// ``adamUpdate`` in Swift's 8 lanes (the portable path), the tail with ``referenceAdamUpdate``.
    static func adamUpdateSIMD8(theta: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>,
                                v: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, count: Int,
                                beta1 b1: Float, beta2 b2: Float, epsilon eps: Float, learningRate lr: Float,
                                correction1: Float, correction2: Float) {
        let (oneMinusB1, oneMinusB2) = (1 - b1, 1 - b2)
        var i = 0
        while i + 8 <= count {
            let gi = load8(g + i)
            let mi = b1 * load8(m + i) + oneMinusB1 * gi
            let vi = b2 * load8(v + i) + oneMinusB2 * gi * gi
            store8(mi, m + i)
            store8(vi, v + i)
            let mHat = mi / correction1
            let vHat = vi / correction2
            store8(load8(theta + i) - lr * mHat / (vHat.squareRoot() + eps), theta + i)
            i += 8
        }
        referenceAdamUpdate(theta: theta + i, m: m + i, v: v + i, g: g + i, count: count - i, beta1: b1, beta2: b2,
                            epsilon: eps, learningRate: lr, correction1: correction1, correction2: correction2)
    }

    /// The plain loop of ``adamUpdate``: its oracle and the SIMD8 loop's tail.
    static func referenceAdamUpdate(theta: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>,
                                    v: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, count: Int,
                                    beta1 b1: Float, beta2 b2: Float, epsilon eps: Float, learningRate lr: Float,
                                    correction1: Float, correction2: Float) {
        let (oneMinusB1, oneMinusB2) = (1 - b1, 1 - b2)
        for i in 0..<count {
            m[i] = b1 * m[i] + oneMinusB1 * g[i]
            v[i] = b2 * v[i] + oneMinusB2 * g[i] * g[i]
            let mHat = m[i] / correction1
            let vHat = v[i] / correction2
            theta[i] -= lr * mHat / (vHat.squareRoot() + eps)
        }
    }
}
