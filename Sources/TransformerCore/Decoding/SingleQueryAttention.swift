/// Scaled dot-product attention (paper §3.2.1) for one query position per row and head, reading keys
/// and values in place from a cache instead of building `[B, H, T, D]` tensors:
///
///     out[r, h] = softmax(q[r, h] K_rh^T / sqrt(D) + m_r) V_rh
///
/// q `[R, H, D]`; K_rh and V_rh are `keyCount` rows of D floats, row j at `keyOffset(r, h) + j * keyStride`
/// in `keys` / `values`; m_r is an optional additive mask of `keyCount` floats at `maskOffset(r)` in `mask`
/// (0 or -inf, see ``AttentionMask``). Returns out `[R, H, D]`, which is also the `[R, 1, C]` layout of the
/// merged heads.
///
/// Both products go through ``Kernels/gemm`` and the softmax through the op's own row kernel, with the
/// same operations in the same order as ``scaledDotProductAttention(query:key:value:mask:dropout:)`` does
/// for the matching row of a full `[B, H, T, T]` computation (a masked key adds an exact 0), so the
/// incremental decoder reproduces the full decoder to Float32 rounding (in practice bit for bit).
func singleQueryAttention(queries: [Float], rowCount: Int, headCount: Int, headDimension: Int,
                          keys: [Float], values: [Float], keyCount: Int, keyStride: Int,
                          keyOffset: (_ row: Int, _ head: Int) -> Int,
                          mask: [Float]?, maskOffset: (_ row: Int) -> Int) -> [Float] {
    let d = headDimension
    precondition(queries.count == rowCount * headCount * d,
                 "singleQueryAttention needs queries [R, H, D] = [\(rowCount), \(headCount), \(d)], got \(queries.count) floats")
    var output = [Float](repeating: 0, count: queries.count)   // [R, H, D]
    guard keyCount > 0 else { return output }                 // no keys: every weight is 0
    let scale = 1 / Float(d).squareRoot()
    var scores = [Float](repeating: 0, count: keyCount)       // [S] for one (r, h)
    queries.withUnsafeBufferPointer { q in keys.withUnsafeBufferPointer { k in values.withUnsafeBufferPointer { v in
        output.withUnsafeMutableBufferPointer { out in
            for r in 0..<rowCount {
                for h in 0..<headCount {
                    let query = q.baseAddress! + (r * headCount + h) * d
                    let offset = keyOffset(r, h)
                    // scores [1, S] = q [1, D] K^T [D, S], then / sqrt(D) and + mask.
                    scores.withUnsafeMutableBufferPointer { s in
                        Kernels.gemm(transposeA: false, transposeB: true, m: 1, n: keyCount, k: d,
                                     a: query, lda: d, b: k.baseAddress! + offset, ldb: keyStride,
                                     c: s.baseAddress!, ldc: keyCount, accumulate: false)
                        for j in 0..<keyCount { s[j] = scale * s[j] }
                        if let mask {
                            let m = maskOffset(r)
                            for j in 0..<keyCount { s[j] = s[j] + mask[m + j] }
                        }
                    }
                    let weights = Tensor.softmaxRows(scores, width: keyCount, logarithm: false)   // [1, S]
                    // out [1, D] = weights [1, S] V [S, D].
                    weights.withUnsafeBufferPointer { w in
                        Kernels.gemm(transposeA: false, transposeB: false, m: 1, n: d, k: keyCount,
                                     a: w.baseAddress!, lda: keyCount, b: v.baseAddress! + offset, ldb: keyStride,
                                     c: out.baseAddress! + (r * headCount + h) * d, ldc: d, accumulate: false)
                    }
                }
            }
        }
    } } }
    return output
}
