import CKernels

/// The machine's measured floating-point peak, for `transformer-cli bench --peak` and the model
/// benchmarks' fraction of it (model FLOP utilisation).
///
/// Each of `threads` threads runs 12 independent chains of fused multiply-adds in registers
/// (`ck_fma_peak_avx512` / `_avx2`: nothing but FMAs, enough chains to hide their latency on two pipes),
/// for about `seconds`; the result is the best of three such runs, as 2 * FMAs / wall seconds / 1e9
/// GFLOP/s. The portable backend runs the same chains in Swift SIMD8 (a multiply and an add per lane on
/// baseline x86-64, which has no FMA; each counts as one operation), the ceiling of the Swift loops.
public enum FMAPeak {
    /// Measured GFLOP/s of `backend` on `threads` threads (Float32).
    public static func measure(threads: Int = ComputeThreads.effective, backend: KernelBackend = .current,
                               seconds: Double = 0.25) -> Double {
        precondition(threads >= 1, "FMAPeak.measure needs at least one thread, got \(threads)")
        let lanes = backend == .avx512 ? 16 : 8
        // Calibrate on one thread: iterations for `seconds`.
        let probe = 1 << 20
        let start = GEMMBenchmark.now()
        sink(run(backend, iterations: probe))
        let perIteration = Swift.max((GEMMBenchmark.now() - start) / Double(probe), 1e-12)
        let iterations = Swift.max(1, Int(seconds / perIteration))
        var best = Double.infinity
        for _ in 0..<3 {
            let begin = GEMMBenchmark.now()
            Kernels.parallel(threads) { _ in sink(run(backend, iterations: iterations)) }
            best = Swift.min(best, GEMMBenchmark.now() - begin)
        }
        let operations = Double(threads) * Double(iterations) * Double(chains * lanes * 2)
        return operations / best / 1e9
    }

    static let chains = 12

    /// One thread's chains for `iterations` steps; returns the lanes' sum.
    static func run(_ backend: KernelBackend, iterations: Int) -> Float {
        switch backend {
        case .avx512: ck_fma_peak_avx512(iterations)
        case .avx2: ck_fma_peak_avx2(iterations)
        case .portable: portable(iterations: iterations)
        }
    }

    /// The chains in Swift SIMD8, unrolled by hand (a tuple of 12 vectors stays in registers).
    static func portable(iterations: Int) -> Float {
        typealias V = SIMD8<Float>
        let (a, b) = (V(repeating: 0.999), V(repeating: 0.001))
        var (c0, c1, c2, c3, c4, c5) = (V(repeating: 0), V(repeating: 1), V(repeating: 2), V(repeating: 3),
                                        V(repeating: 4), V(repeating: 5))
        var (c6, c7, c8, c9, c10, c11) = (V(repeating: 6), V(repeating: 7), V(repeating: 8), V(repeating: 9),
                                          V(repeating: 10), V(repeating: 11))
        for _ in 0..<iterations {
            c0 = c0 * a + b; c1 = c1 * a + b; c2 = c2 * a + b; c3 = c3 * a + b
            c4 = c4 * a + b; c5 = c5 * a + b; c6 = c6 * a + b; c7 = c7 * a + b
            c8 = c8 * a + b; c9 = c9 * a + b; c10 = c10 * a + b; c11 = c11 * a + b
        }
        let total = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11))
        return total.sum()
    }

    /// Keeps a result alive without printing it.
    @inline(never)
    static func sink(_ value: Float) {
        if value.isNaN { print("", terminator: "") }
    }
}
