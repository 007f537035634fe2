import CKernels

/// The hot loops. Every matrix multiply in TransformerCore goes through ``Kernels/gemm``, so a faster
/// kernel can replace this one without touching any op.
enum Kernels {
    /// General matrix multiply: C[m, n] = op(A)[m, k] * op(B)[k, n] (+ C when `accumulate`).
    ///
    /// op(A) is A ([m, k], row stride `lda`) or, when `transposeA`, A^T with A stored as [k, m].
    /// op(B) is B ([k, n], row stride `ldb`) or, when `transposeB`, B^T with B stored as [n, k].
    /// C is [m, n] with row stride `ldc`; only its first n columns are written. m, n or k may be 0.
    /// Every product is computed (no zero skipping), so NaN and Inf propagate as in ``referenceGemm``;
    /// sums are reassociated, so results differ from it by rounding (see GEMMTests' tolerance).
    ///
    /// Blocked and packed (see GEMM+Blocked.swift); the tiles run on the widest micro-kernel this CPU
    /// has (AVX-512, AVX2 + FMA, else ``portableMicroKernel``); large problems use every core.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
             c: c, ldc: ldc, accumulate: accumulate, options: GEMMOptions())
    }

    /// ``gemm(transposeA:transposeB:m:n:k:a:lda:b:ldb:c:ldc:accumulate:)`` with explicit tuning, so that
    /// tests can pick the micro-kernel and shrink the blocks and the threading threshold.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, options: GEMMOptions,
                     packedB: PackedMatrix? = nil) {
        precondition(m >= 0 && n >= 0 && k >= 0, "gemm sizes must not be negative: m \(m), n \(n), k \(k)")
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            return
        }
        let operands = GEMMOperands(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                    a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
        blockedGemm(operands, kernel: options.implementation.microKernel(m: m, n: n, backend: options.backend), options: options,
                    packedB: packedB)
    }

    /// ``gemm(transposeA:transposeB:m:n:k:a:lda:b:ldb:c:ldc:accumulate:)`` with B already packed: `packedB`
    /// must hold op(B) of this very B (see ``PackedMatrix``). It is used when its layout fits the plan
    /// of this call (same micro-kernel width and depth blocking), else B is packed as usual.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, packedB: PackedMatrix?) {
        gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
             c: c, ldc: ldc, accumulate: accumulate, options: GEMMOptions(), packedB: packedB)
    }

    /// The obvious triple loop, kept as the oracle that tests compare ``gemm`` against.
    static func referenceGemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                              a: [Float], b: [Float]) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k {
                    let aValue = transposeA ? a[p * m + i] : a[i * k + p]
                    let bValue = transposeB ? b[j * k + p] : b[p * n + j]
                    sum += aValue * bValue
                }
                c[i * n + j] = sum
            }
        }
        return c
    }
}

/// Which micro-kernel computes the tiles of C.
enum GEMMImplementation: Sendable, CustomStringConvertible {
    /// The kernels of ``KernelBackend/current``: AVX-512's where they fill, else AVX2's, else the portable one.
    case automatic
    /// ``Kernels/portableMicroKernel``: Swift SIMD, any CPU. The fallback, and a second oracle.
    case portable
    /// The C kernel `ck_sgemm_6x16_avx2`. Precondition: ``KernelBackend/avx2`` is supported.
    case avx2
    /// The C kernel `ck_sgemm_12x32_avx512`. Precondition: ``KernelBackend/avx512`` is supported.
    case avx512

    /// The kernel for an m x n C (read on the calling thread). Automatic with the avx512 backend:
    /// AVX-512's 12 x 32 tiles where at least one full tile of rows fills (n > 16, m > 12), else AVX2's
    /// 6 x 16 (faster on the tiny attention products: 12 x 12 in a 12 x 32 tile wastes 5/8; and on the
    /// 8-row products of KV-cached decoding with base's batch of 8, which stream every weight from memory
    /// once per step: with 12 x 32 tiles there, base's cached decoding measured 1,053 target tokens/s
    /// (language model) and 840 (encoder-decoder), with 6 x 16 tiles 1,926 and 1,320, on an AMD EPYC
    /// Zen 5, 2 threads; m > 6 was the threshold before); with avx2: AVX2's; with portable: the Swift kernel.
    func microKernel(m: Int, n: Int, backend: KernelBackend) -> Kernels.MicroKernel {
        switch self {
        case .automatic:
            switch backend {
            case .avx512: return n > 16 && m > 12 ? .avx512 : .avx2
            case .avx2: return .avx2
            case .portable: return .portable
            }
        case .portable: return .portable
        case .avx2:
            precondition(KernelBackend.avx2.isSupported, "the AVX2 + FMA GEMM kernel needs a CPU with AVX2 and FMA")
            return .avx2
        case .avx512:
            precondition(KernelBackend.avx512.isSupported, "the AVX-512 GEMM kernel needs a CPU with AVX-512F")
            return .avx512
        }
    }

    var description: String {
        switch self {
        case .automatic: "automatic"
        case .portable: "portable"
        case .avx2: "avx2"
        case .avx512: "avx512"
        }
    }
}

/// Tuning of ``Kernels/gemm``. The defaults were measured on the project machine (see GEMM+Blocked.swift);
/// tests shrink them to reach every block edge and the threaded path with small matrices.
struct GEMMOptions: Sendable {
    var implementation: GEMMImplementation = .automatic
    /// The backend `.automatic` follows, read when the options are made (on the calling thread).
    var backend: KernelBackend = .current
    /// Depth of a packed block (the k extent every micro-kernel call runs over).
    var blockDepth = Kernels.defaultBlockDepth
    /// Rows of A per block (rounded down to a multiple of the tile height).
    var blockRows = Kernels.defaultBlockRows
    /// Floats of packed B held at once; a wider B is processed in column blocks.
    var packedBCapacity = Kernels.defaultPackedBCapacity
    /// Packed floats of a B shared by several threads from which they pack it together.
    var parallelPackingFloats = Kernels.defaultParallelPackingFloats
    /// Multiply-adds (m * n * k) a thread must get before a second thread is used.
    var workPerThread = Kernels.defaultWorkPerThread
    /// Most threads used; nil means one per active core. Defaults to ``ComputeThreads/limit``.
    var maximumThreads: Int? = ComputeThreads.limit
    /// Whether A is copied into contiguous panels, or read in place by the micro-kernel; nil decides
    /// from the shape.
    var packA: Bool? = nil
    /// Whether B is copied into panels, or read in place by the micro-kernel (only the AVX-512 kernel with
    /// B not transposed can; otherwise B is always packed); nil decides from the shape.
    var packB: Bool? = nil
}
