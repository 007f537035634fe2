/// Attention for one query vector over keys and values read in place (the decoder's key/value cache).
extension Kernels {
    /// out[0..<d] = sum_j w_j V_j with w = softmax(scale * (q . K_j) + mask_j) over `keyCount` keys;
    /// key j's K_j and V_j are d floats at `j * keyStride` from `keys` / `values`; `mask` (nil: none)
    /// holds keyCount additive entries (0 or -inf). `scratch` holds 2 * keyCount floats.
    /// Dot products run in 8-float chunks, so sums are reassociated: results equal a GEMM's to rounding.
    /// Every product is computed (no skipping of zero weights), so NaN and Inf propagate.
    static func singleQueryAttention(query: UnsafePointer<Float>, keys: UnsafePointer<Float>,
                                     values: UnsafePointer<Float>, keyCount: Int, keyStride: Int, d: Int,
                                     scale: Float, mask: UnsafePointer<Float>?, scratch: UnsafeMutablePointer<Float>,
                                     into out: UnsafeMutablePointer<Float>) {
        let (dots, weights) = (scratch, scratch + keyCount)
        for j in 0..<keyCount { dots[j] = dot(query, keys + j * keyStride, count: d) }
        scaledMaskedSoftmaxRow(dots, scale: scale, mask: mask, width: keyCount, into: weights)
        // out = sum_j w_j V_j, 8 output lanes at a time kept in a register across the keys.
        var p = 0
        while p + 8 <= d {
            var lanes = SIMD8<Float>()
            for j in 0..<keyCount { lanes += SIMD8(repeating: weights[j]) * load8(values + j * keyStride + p) }
            UnsafeMutableRawPointer(out + p).storeBytes(of: lanes, as: SIMD8<Float>.self)
            p += 8
        }
        while p < d {
            var total: Float = 0
            for j in 0..<keyCount { total += weights[j] * values[j * keyStride + p] }
            out[p] = total
            p += 1
        }
    }

    /// sum_p x[p] y[p], in 8-lane partial sums then a scalar tail.
    @inline(__always)
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD8<Float>()
        var p = 0
        let (rx, ry) = (UnsafeRawPointer(x), UnsafeRawPointer(y))
        while p + 8 <= count {
            let offset = p * MemoryLayout<Float>.stride
            lanes += rx.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                * ry.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            p += 8
        }
        var total = lanes.sum()
        while p < count {
            total += x[p] * y[p]
            p += 1
        }
        return total
    }
}
