#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Times ``Kernels/gemm`` on one problem shape, for `transformer-cli bench --gemm`.
///
/// C[m, n] = op(A)[m, k] * op(B)[k, n] on seeded random operands, with the default options (so the
/// thread count follows ``ComputeThreads/limit``). One untimed warm-up call, then calls until at least
/// `minimumSeconds` have passed (and at least 3 calls); the result is the fastest call, as
/// 2 m n k / seconds / 1e9 GFLOP/s.
public struct GEMMBenchmark: Sendable {
    public let m: Int
    public let n: Int
    public let k: Int
    public let transposeA: Bool
    public let transposeB: Bool

    public init(m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false) {
        precondition(m > 0 && n > 0 && k > 0, "GEMMBenchmark: sizes must be positive, got \(m) x \(n) x \(k)")
        self.m = m; self.n = n; self.k = k
        self.transposeA = transposeA; self.transposeB = transposeB
    }

    /// `"1024x512x2048 A^T B"`: m x n x k and which operand is transposed.
    public var label: String {
        let op = (transposeA ? "A^T " : "A ") + (transposeB ? "B^T" : "B")
        return "\(m)x\(n)x\(k) \(op)"
    }

    /// Measured GFLOP/s (best call) and the number of timed calls.
    public func run(minimumSeconds: Double = 0.2, seed: UInt64 = 0) -> (gflops: Double, calls: Int) {
        let generator = SeededGenerator(seed: seed)
        var g = generator
        let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &g) }   // [m, k] or [k, m]
        let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &g) }   // [k, n] or [n, k]
        var c = [Float](repeating: 0, count: m * n)                              // [m, n]
        let lda = transposeA ? m : k, ldb = transposeB ? k : n
        func call() -> Double {
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        let start = Self.now()
                        Kernels.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                     a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb,
                                     c: c.baseAddress!, ldc: n, accumulate: false)
                        return Self.now() - start
                    }
                }
            }
        }
        _ = call()
        var best = Double.infinity, total = 0.0, calls = 0
        while calls < 3 || total < minimumSeconds {
            let seconds = call()
            best = min(best, seconds); total += seconds; calls += 1
        }
        return (2 * Double(m) * Double(n) * Double(k) / best / 1e9, calls)
    }

    /// Monotonic wall time in seconds.
    public static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
