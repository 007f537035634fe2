import Dispatch

/// The hot loops. Every matrix multiply in TransformerCore goes through ``Kernels/gemm``, so a faster
/// kernel can replace this one without touching any op.
enum Kernels {
    /// Raw pointers that may cross into `concurrentPerform` workers; each worker writes disjoint rows.
    struct SharedPointers: @unchecked Sendable {
        let a: UnsafePointer<Float>
        let b: UnsafePointer<Float>
        let c: UnsafeMutablePointer<Float>
    }

    /// Work (multiply-adds) below which a GEMM runs on the calling thread only.
    static let parallelThreshold = 1 << 18

    /// General matrix multiply: C[m, n] = op(A)[m, k] * op(B)[k, n] (+ C when `accumulate`).
    ///
    /// op(A) is A ([m, k], row stride `lda`) or, when `transposeA`, A^T with A stored as [k, m].
    /// op(B) is B ([k, n], row stride `ldb`) or, when `transposeB`, B^T with B stored as [n, k].
    /// C is [m, n] with row stride `ldc`. Rows of C are split across cores for large problems.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        guard m > 0, n > 0 else { return }
        if !accumulate {
            for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
        }
        guard k > 0 else { return }
        let pointers = SharedPointers(a: a, b: b, c: c)
        let rowsPerChunk = 16
        let chunks = (m + rowsPerChunk - 1) / rowsPerChunk
        let work: @Sendable (Int) -> Void = { chunk in
            let rows = (chunk * rowsPerChunk)..<min(m, (chunk + 1) * rowsPerChunk)
            gemmRows(rows, transposeA: transposeA, transposeB: transposeB, n: n, k: k,
                     a: pointers.a, lda: lda, b: pointers.b, ldb: ldb, c: pointers.c, ldc: ldc)
        }
        if m * n * k >= parallelThreshold && chunks > 1 {
            DispatchQueue.concurrentPerform(iterations: chunks, execute: work)
        } else {
            for chunk in 0..<chunks { work(chunk) }
        }
    }

    /// C[rows, :] += op(A)[rows, :] * op(B). Loop orders keep the innermost loop contiguous.
    private static func gemmRows(_ rows: Range<Int>, transposeA: Bool, transposeB: Bool, n: Int, k: Int,
                                 a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                 c: UnsafeMutablePointer<Float>, ldc: Int) {
        for i in rows {
            let cRow = c + i * ldc
            if transposeB {
                // C[i, j] += sum_p op(A)[i, p] * B[j, p]: a dot product over contiguous rows of B.
                for j in 0..<n {
                    let bRow = b + j * ldb
                    var sum: Float = 0
                    if transposeA {
                        for p in 0..<k { sum += a[p * lda + i] * bRow[p] }
                    } else {
                        let aRow = a + i * lda
                        for p in 0..<k { sum += aRow[p] * bRow[p] }
                    }
                    cRow[j] += sum
                }
            } else {
                // C[i, :] += op(A)[i, p] * B[p, :]: an axpy over contiguous rows of B and C.
                for p in 0..<k {
                    let scale = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let bRow = b + p * ldb
                    for j in 0..<n { cRow[j] += scale * bRow[j] }
                }
            }
        }
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
