/// Scaled dot-product attention (paper §3.2.1) for one query position per row and head, reading keys
/// and values in place from a cache instead of building `[B, H, T, D]` tensors:
///
///     out[r, h] = softmax(q[r, h] K_rh^T / sqrt(D) + m_rh) V_rh
///
/// q `[R, H, D]`; K_rh and V_rh are `keyCount` rows of D floats, row j at `keyOffset(r, h) + j * keyStride`
/// in `keys` / `values`; m_rh is an optional additive mask of `keyCount` floats at `maskOffset(r, h)` in
/// `mask` (0 or -inf, see ``AttentionMask``; or ALiBi's per-head biases, see ``LinearBiases``). Returns
/// out `[R, H, D]`, which is also the `[R, 1, C]` layout of the merged heads.
///
/// The row loops are ``Kernels/singleQueryAttention(query:keys:values:keyCount:keyStride:d:scale:mask:scratch:into:)``:
/// dot products and the weighted sum of values in place, with the softmax step of
/// ``scaledDotProductAttention(query:key:value:mask:dropout:)``'s fused op (scale, then a masked key
/// adds -inf and gets weight exactly 0). Sums are reassociated against the full computation's GEMMs, so
/// the incremental decoder reproduces the full decoder to Float32 rounding (tests allow
/// `DecodingTolerance.incremental`).
/// The (row, head) pairs are independent: they are split over threads when the work pays
/// (``Kernels/singleQueryWorkPerThread``), with the same results as one thread.
func singleQueryAttention(queries: [Float], rowCount: Int, headCount: Int, headDimension: Int,
                          keys: [Float], values: [Float], keyCount: Int, keyStride: Int,
                          keyOffset: (_ row: Int, _ head: Int) -> Int,
                          mask: [Float]?, maskOffset: (_ row: Int, _ head: Int) -> Int) -> [Float] {
    let d = headDimension
    precondition(queries.count == rowCount * headCount * d,
                 "singleQueryAttention needs queries [R, H, D] = [\(rowCount), \(headCount), \(d)], got \(queries.count) floats")
    guard keyCount > 0 else { return [Float](repeating: 0, count: queries.count) }   // no keys: every weight is 0
    let scale = 1 / Float(d).squareRoot()
    let pairs = rowCount * headCount
    // The offsets up front, so that the (row, head) pairs can be split over threads.
    let keyOffsets = (0..<pairs).map { keyOffset($0 / headCount, $0 % headCount) }
    let maskOffsets = mask == nil ? [] : (0..<pairs).map { maskOffset($0 / headCount, $0 % headCount) }
    let threads = Kernels.singleQueryThreads(work: 2 * pairs * keyCount * d, pairs: pairs)
    return Kernels.uninitializedArray(queries.count) { out in   // [R, H, D]
        queries.withUnsafeBufferPointer { q in keys.withUnsafeBufferPointer { k in values.withUnsafeBufferPointer { v in
            (mask ?? []).withUnsafeBufferPointer { m in keyOffsets.withUnsafeBufferPointer { keyOffsets in
                maskOffsets.withUnsafeBufferPointer { maskOffsets in
                    let g = Kernels.SingleQueryOperands(
                        q: q.baseAddress!, k: k.baseAddress!, v: v.baseAddress!, mask: mask == nil ? nil : m.baseAddress!,
                        keyOffsets: keyOffsets.baseAddress!, maskOffsets: maskOffsets.baseAddress,
                        out: out, headCount: headCount, d: d, keyCount: keyCount, keyStride: keyStride, scale: scale)
                    Kernels.forEachPairShare(pairs: pairs, threads: threads) { pairs in
                        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * g.keyCount) { scratch in
                            for pair in pairs {
                                let position = pair * g.d
                                let maskRow = g.mask.map { $0 + g.maskOffsets![pair] }
                                Kernels.singleQueryAttention(query: g.q + position, keys: g.k + g.keyOffsets[pair],
                                                             values: g.v + g.keyOffsets[pair], keyCount: g.keyCount,
                                                             keyStride: g.keyStride, d: g.d, scale: g.scale,
                                                             mask: maskRow, scratch: scratch.baseAddress!,
                                                             into: g.out + position, backend: g.backend)
                            }
                        }
                    }
                }
            } }
        } } }
    }
}
