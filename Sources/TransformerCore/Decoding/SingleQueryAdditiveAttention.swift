import Foundation

/// Additive attention (``AdditiveAttention``) for one query position per row and head, reading the
/// projected keys and the values in place from a cache:
///
///     e_j       = sum_a v_h[a] tanh(q[r, h, a] + K_rh[j, a]) + m_r[j]       j = 0..<keyCount
///     out[r, h] = sum_j softmax(e)_j V_rh[j]
///
/// q `[R, H, A]` (projected queries, bias included); v `[H, A]` (the scorer); K_rh and V_rh are
/// `keyCount` rows of A floats, row j at `keyOffset(r, h) + j * keyStride` in `keys` / `values`; m_r an
/// optional additive mask of `keyCount` floats at `maskOffset(r)` in `mask` (0 or -inf). Returns out
/// `[R, H, A]`, the `[R, 1, H A]` layout of the merged heads.
///
/// The scores are summed over a in the order of ``additiveAttentionScores(query:key:scorer:)`` (a sum
/// along the last axis) and go through the same softmax row kernel, so the weights equal the full
/// computation's; only the weighted sum of values is reassociated against its GEMM (tests allow
/// `DecodingTolerance.incremental`). One thread: a step's work is R H keyCount A tanh evaluations.
func singleQueryAdditiveAttention(queries: [Float], scorer: [Float], rowCount: Int, headCount: Int, headDimension: Int,
                                  keys: [Float], values: [Float], keyCount: Int, keyStride: Int,
                                  keyOffset: (_ row: Int, _ head: Int) -> Int,
                                  mask: [Float]?, maskOffset: (_ row: Int) -> Int) -> [Float] {
    let a = headDimension
    let backend = KernelBackend.current
    precondition(queries.count == rowCount * headCount * a && scorer.count == headCount * a,
                 "singleQueryAdditiveAttention needs queries [R, H, A] = [\(rowCount), \(headCount), \(a)] and v [H, A], got \(queries.count) and \(scorer.count) floats")
    var out = [Float](repeating: 0, count: queries.count)
    guard keyCount > 0 else { return out }   // no keys: every weight is 0
    var scores = [Float](repeating: 0, count: keyCount), weights = scores
    queries.withUnsafeBufferPointer { q in scorer.withUnsafeBufferPointer { v in
        keys.withUnsafeBufferPointer { k in values.withUnsafeBufferPointer { vals in
            (mask ?? []).withUnsafeBufferPointer { m in out.withUnsafeMutableBufferPointer { out in
                scores.withUnsafeMutableBufferPointer { e in weights.withUnsafeMutableBufferPointer { w in
                    for r in 0..<rowCount {
                        let maskRow = mask == nil ? nil : m.baseAddress! + maskOffset(r)
                        for head in 0..<headCount {
                            let (query, scorer) = (q.baseAddress! + (r * headCount + head) * a, v.baseAddress! + head * a)
                            let base = keyOffset(r, head)
                            for j in 0..<keyCount {                              // e_j = v . tanh(q + k_j)
                                let key = k.baseAddress! + base + j * keyStride
                                var sum: Float = 0
                                for i in 0..<a { sum += Foundation.tanh(query[i] + key[i]) * scorer[i] }
                                e[j] = sum
                            }
                            Kernels.scaledMaskedSoftmaxRow(e.baseAddress!, scale: 1, mask: maskRow, width: keyCount,
                                                           into: w.baseAddress!, backend: backend)
                            let result = out.baseAddress! + (r * headCount + head) * a
                            for j in 0..<keyCount {                              // out = sum_j w_j V_j
                                let value = vals.baseAddress! + base + j * keyStride
                                for i in 0..<a { result[i] += w[j] * value[i] }
                            }
                        }
                    }
                } }
            } }
        } }
    } }
    return out
}
