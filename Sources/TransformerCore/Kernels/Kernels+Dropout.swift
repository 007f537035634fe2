import CKernels

/// The dropout mask kernel: SeededGenerator's SplitMix64 stream turned into a scaled keep mask, applied
/// in the same pass.
extension Kernels {
    /// Whether this CPU can run `ck_dropout_avx512` (read once).
    static let hasAVX512DQ = ck_cpu_has_avx512dq() != 0

    /// For i in 0..<count: u = (next SplitMix64 number from `state`) >> 40 (24 bits);
    /// mask[i] = u >= threshold ? keep : 0; y[i] = x[i] * mask[i]. Advances `state` by `count` draws.
    /// The AVX-512 kernel (16 lanes) when the CPU has it, else ``referenceDropout``; both give the same bits.
    static func dropout(state: inout UInt64, count: Int, threshold: UInt64, keep: Float,
                        x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, mask: UnsafeMutablePointer<Float>,
                        vectorized: Bool = hasAVX512DQ) {
        if vectorized {
            state = ck_dropout_avx512(state, count, threshold, keep, x, y, mask)
        } else {
            referenceDropout(state: &state, count: count, threshold: threshold, keep: keep, x: x, y: y, mask: mask)
        }
    }

    /// The plain loop: one `SeededGenerator.splitMix` step per element. The oracle of ``dropout``.
    static func referenceDropout(state: inout UInt64, count: Int, threshold: UInt64, keep: Float,
                                 x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                                 mask: UnsafeMutablePointer<Float>) {
        var s = state
        for i in 0..<count {
            mask[i] = (SeededGenerator.splitMix(&s) >> 40) >= threshold ? keep : 0
            y[i] = x[i] * mask[i]
        }
        state = s
    }
}
