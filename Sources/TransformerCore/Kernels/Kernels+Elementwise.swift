/// What the elementwise kernels (Kernels+GELU.swift, Kernels+Activations.swift) share: splitting a long
/// array over threads, and the padded 8-lane loads and stores of their portable Swift paths.
extension Kernels {
    /// Elements one thread must get before an elementwise kernel (GELU, tanh, sigmoid, SiLU) is split over
    /// threads (about 20 us of the AVX2 GELU loop).
    static let elementsPerThread = 1 << 15

    /// Runs `body(start, count)` over 0..<count, in chunks of whole 16-element blocks on up to
    /// ``ComputeThreads`` threads when `count` is large enough.
    static func forEachElementShare(count: Int, _ body: @escaping @Sendable (Int, Int) -> Void) {
        let threads = ComputeThreads.count(work: count, workPerThread: elementsPerThread)
        guard threads > 1 else {
            body(0, count)
            return
        }
        forEachPairShare(pairs: (count + 15) / 16, threads: threads) { blocks in
            let start = blocks.lowerBound * 16
            body(start, Swift.min(count, blocks.upperBound * 16) - start)
        }
    }

    /// The input, the incoming gradient (backward only) and the output of one elementwise kernel, handed to
    /// the workers (each writes its own range).
    struct ElementwiseBuffers: @unchecked Sendable {
        let x: UnsafePointer<Float>, g: UnsafePointer<Float>?, out: UnsafeMutablePointer<Float>
    }

    /// Lanes j < min(8, n) of p (the rest 0).
    @inline(__always)
    static func loadPadded8(_ p: UnsafePointer<Float>, _ n: Int) -> SIMD8<Float> {
        if n >= 8 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
        var v = SIMD8<Float>(repeating: 0)
        for j in 0..<n { v[j] = p[j] }
        return v
    }

    /// Stores lanes j < min(8, n) of v to p.
    @inline(__always)
    static func storePartial8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
        if n >= 8 {
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
            return
        }
        for j in 0..<n { p[j] = v[j] }
    }
}
