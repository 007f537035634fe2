import CKernels

/// The dropout kernels: SeededGenerator's SplitMix64 stream turned into a keep mask, applied in the same
/// pass (optionally after a ReLU), the mask kept as bits for the backward.
///
/// Mask layout: bit j of word w (a `UInt16`) is whether element 16 w + j was kept; the last word is
/// zero-padded. That is 1/32 of the memory of a Float mask (a training step keeps one per dropout).
extension Kernels {
    /// Whether this CPU can run `ck_dropout_avx512` (read once).
    static let hasAVX512DQ = ck_cpu_has_avx512dq() != 0

    /// The number of `UInt16` mask words for `count` elements.
    static func dropoutMaskWords(_ count: Int) -> Int { (count + 15) / 16 }

    /// For i in 0..<count: u = (next SplitMix64 number from `state`) >> 40 (24 bits); kept = u >= threshold;
    /// y[i] = v * (kept ? keep : 0) with v = x[i], or max(0, x[i]) when `relu`; `y` may be `x`. Writes the
    /// kept bits to `bits` when given. Advances `state` by `count` draws.
    /// The AVX-512 kernel (16 lanes) when the CPU has it, else ``referenceDropout``; both give the same bits.
    static func dropout(state: inout UInt64, count: Int, threshold: UInt64, keep: Float, relu: Bool = false,
                        x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, bits: UnsafeMutablePointer<UInt16>?,
                        vectorized: Bool = hasAVX512DQ) {
        if vectorized {
            state = ck_dropout_avx512(state, count, threshold, keep, relu ? 1 : 0, x, y, bits)
        } else {
            referenceDropout(state: &state, count: count, threshold: threshold, keep: keep, relu: relu,
                             x: x, y: y, bits: bits)
        }
    }

    /// The plain loop: one `SeededGenerator.splitMix` step per element. The oracle of ``dropout``.
    static func referenceDropout(state: inout UInt64, count: Int, threshold: UInt64, keep: Float, relu: Bool = false,
                                 x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                                 bits: UnsafeMutablePointer<UInt16>?) {
        var s = state
        var word: UInt16 = 0
        for i in 0..<count {
            let kept = (SeededGenerator.splitMix(&s) >> 40) >= threshold
            let v = relu ? Swift.max(0, x[i]) : x[i]
            y[i] = v * (kept ? keep : 0)
            if kept { word |= 1 << UInt16(i % 16) }
            if i % 16 == 15 || i == count - 1 {
                bits?[i / 16] = word
                word = 0
            }
        }
        state = s
    }

    /// dx[i] = g[i] * (bit i of `bits` ? keep : 0): the backward of ``dropout`` (without ReLU).
    static func dropoutBackward(count: Int, keep: Float, bits: UnsafePointer<UInt16>, g: UnsafePointer<Float>,
                                dx: UnsafeMutablePointer<Float>, vectorized: Bool = hasAVX512DQ) {
        if vectorized {
            ck_dropout_backward_avx512(count, keep, bits, g, dx)
        } else {
            referenceDropoutBackward(count: count, keep: keep, bits: bits, g: g, dx: dx)
        }
    }

    /// The plain loop of ``dropoutBackward``, its oracle.
    static func referenceDropoutBackward(count: Int, keep: Float, bits: UnsafePointer<UInt16>,
                                         g: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>) {
        for i in 0..<count {
            dx[i] = g[i] * ((bits[i / 16] >> UInt16(i % 16)) & 1 != 0 ? keep : 0)
        }
    }
}
