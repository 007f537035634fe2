/// Matrix products. Both forward and backward call ``Kernels/gemm``, the single GEMM entry point.
extension Tensor {
    /// C = A op(B), where op(B) = B^T when `transposingOther`.
    ///
    /// - A `[..., M, K]` with a 2-D B `[K, N]` (or `[N, K]` transposed): one GEMM over all leading rows,
    ///   as in a Linear layer. Output `[..., M, N]`.
    /// - A `[b..., M, K]` with B `[b..., K, N]` (same leading dims): a batched matmul, as in attention.
    ///
    /// Backward (per batch): dA = dC op(B)^T; dB = A^T dC, or dC^T A when B was transposed.
    public func matmul(_ other: Tensor, transposingOther: Bool = false) -> Tensor {
        precondition(rank >= 2 && other.rank >= 2, "matmul needs rank >= 2, got \(shape) and \(other.shape)")
        let m = shape[rank - 2], k = shape[rank - 1]
        let otherK = transposingOther ? other.shape[other.rank - 1] : other.shape[other.rank - 2]
        let n = transposingOther ? other.shape[other.rank - 2] : other.shape[other.rank - 1]
        precondition(k == otherK, "matmul inner dimensions differ: \(shape) x \(other.shape)\(transposingOther ? "^T" : "")")
        let sharedB = other.rank == 2
        let batchShape = Array(shape.dropLast(2))
        precondition(sharedB || Array(other.shape.dropLast(2)) == batchShape,
                     "batched matmul needs equal batch dimensions: \(shape) x \(other.shape)")
        // With a shared B, all batches stack into one [batch*M, K] matrix.
        let batches = sharedB ? 1 : batchShape.reduce(1, *)
        let rows = sharedB ? count / Swift.max(k, 1) : m
        let (strideA, strideB, strideC) = (rows * k, k * n, rows * n)
        let a = scalars, b = other.scalars
        // Every element of C is written (accumulate: false), so it starts uninitialized.
        let c = Kernels.uninitializedArray(batches * rows * n) { c in
            a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in
                for batch in 0..<batches {
                    Kernels.gemm(transposeA: false, transposeB: transposingOther, m: rows, n: n, k: k,
                                 a: a.baseAddress! + batch * strideA, lda: k,
                                 b: b.baseAddress! + batch * strideB, ldb: transposingOther ? k : n,
                                 c: c + batch * strideC, ldc: n, accumulate: false)
                }
            } }
        }
        let (needA, needB) = (requiresGradient, other.requiresGradient)
        return Tensor.result(shape: batchShape + [m, n], scalars: c, inputs: [self, other]) { dc in
            // Both are written in full: dA batch by batch; dB by one GEMM over all rows when B is shared,
            // else batch by batch (a GEMM with k = 0 stores zeros).
            var da: [Float]? = needA ? Kernels.uninitializedArray(a.count) { _ in } : nil
            var db: [Float]? = needB ? Kernels.uninitializedArray(b.count) { _ in } : nil
            a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in dc.withUnsafeBufferPointer { dc in
                for batch in 0..<batches {
                    let aBatch = a.baseAddress! + batch * strideA
                    let bBatch = b.baseAddress! + batch * strideB
                    let dcBatch = dc.baseAddress! + batch * strideC
                    if needA {   // dA [rows, K] = dC [rows, N] op(B)^T
                        da!.withUnsafeMutableBufferPointer { da in
                            Kernels.gemm(transposeA: false, transposeB: !transposingOther, m: rows, n: k, k: n,
                                         a: dcBatch, lda: n, b: bBatch, ldb: transposingOther ? k : n,
                                         c: da.baseAddress! + batch * strideA, ldc: k, accumulate: false)
                        }
                    }
                    if needB {   // B: dB [K, N] = A^T dC;  B^T: dB [N, K] = dC^T A.
                        db!.withUnsafeMutableBufferPointer { db in
                            let target = db.baseAddress! + (sharedB ? 0 : batch * strideB)
                            if transposingOther {
                                Kernels.gemm(transposeA: true, transposeB: false, m: n, n: k, k: rows,
                                             a: dcBatch, lda: n, b: aBatch, ldb: k, c: target, ldc: k, accumulate: false)
                            } else {
                                Kernels.gemm(transposeA: true, transposeB: false, m: k, n: n, k: rows,
                                             a: aBatch, lda: k, b: dcBatch, ldb: n, c: target, ldc: n, accumulate: false)
                            }
                        }
                    }
                }
            } } }
            return [da, db]
        }
    }
}
