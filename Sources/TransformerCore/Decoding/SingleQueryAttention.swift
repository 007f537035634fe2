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
/// The row loops are ``Kernels/singleQueryAttention(query:keys:values:keyCount:keyStride:d:scale:mask:scratch:into:)``:
/// dot products and the weighted sum of values in place, with the softmax step of
/// ``scaledDotProductAttention(query:key:value:mask:dropout:)``'s fused op (scale, then a masked key
/// adds -inf and gets weight exactly 0). Sums are reassociated against the full computation's GEMMs, so
/// the incremental decoder reproduces the full decoder to Float32 rounding (tests allow
/// `DecodingTolerance.incremental`).
func singleQueryAttention(queries: [Float], rowCount: Int, headCount: Int, headDimension: Int,
                          keys: [Float], values: [Float], keyCount: Int, keyStride: Int,
                          keyOffset: (_ row: Int, _ head: Int) -> Int,
                          mask: [Float]?, maskOffset: (_ row: Int) -> Int) -> [Float] {
    let d = headDimension
    precondition(queries.count == rowCount * headCount * d,
                 "singleQueryAttention needs queries [R, H, D] = [\(rowCount), \(headCount), \(d)], got \(queries.count) floats")
    guard keyCount > 0 else { return [Float](repeating: 0, count: queries.count) }   // no keys: every weight is 0
    let scale = 1 / Float(d).squareRoot()
    return Kernels.uninitializedArray(queries.count) { out in   // [R, H, D]
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * keyCount) { scratch in
            queries.withUnsafeBufferPointer { q in keys.withUnsafeBufferPointer { k in values.withUnsafeBufferPointer { v in
                (mask ?? []).withUnsafeBufferPointer { m in
                    for r in 0..<rowCount {
                        let maskRow = mask == nil ? nil : m.baseAddress! + maskOffset(r)
                        for h in 0..<headCount {
                            let offset = keyOffset(r, h), position = (r * headCount + h) * d
                            Kernels.singleQueryAttention(query: q.baseAddress! + position, keys: k.baseAddress! + offset,
                                                         values: v.baseAddress! + offset, keyCount: keyCount,
                                                         keyStride: keyStride, d: d, scale: scale, mask: maskRow,
                                                         scratch: scratch.baseAddress!, into: out + position)
                        }
                    }
                }
            } } }
        }
    }
}
