import CKernels

/// The dropout kernels: SeededGenerator's SplitMix64 stream turned into a keep mask, applied in the same
/// pass (optionally after a ReLU), the mask kept as bits for the backward.
///
/// Mask layout: bit j of word w (a `UInt16`) is whether element 16 w + j was kept; the last word is
/// zero-padded. That is 1/32 of the memory of a Float mask (a training step keeps one per dropout).
extension Kernels {
    /// The number of `UInt16` mask words for `count` elements.
    static func dropoutMaskWords(_ count: Int) -> Int { (count + 15) / 16 }

    /// Inverted dropout with the dropout stream of SeededGenerator's SplitMix64 numbers from `state`
    /// (number t = the generator's output after t + 1 steps): element e of the stream has the 24-bit
    /// uniform u_e = bits 8-31 of number e / 2 when e is even, bits 40-63 when e is odd (two elements per
    /// number: drawing the numbers was the dropout's main cost). For i in 0..<count, with e = first + i:
    /// kept = u_e >= threshold; y[i] = v * (kept ? keep : 0) with v = x[i], or max(0, x[i]) when `relu`;
    /// `y` may be `x`. Writes the kept bits to `bits` when given. Sets `state` to the generator state after
    /// a draw of first + count elements (ceil((first + count) / 2) numbers), so consecutive draws with
    /// first = 0 continue the generator; `first` > 0 draws a piece of a longer draw (attention's pairs).
    /// The C kernel of `backend` (AVX-512: 16 lanes; AVX2: 8), else ``referenceDropout``; all give the
    /// same bits. Callers on worker threads pass the backend their op read.
    static func dropout(state: inout UInt64, first: Int = 0, count: Int, threshold: UInt64, keep: Float,
                        relu: Bool = false, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                        bits: UnsafeMutablePointer<UInt16>?, backend: KernelBackend = .current) {
        switch backend {
        case .avx512:
            state = ck_dropout_avx512(state, first, count, threshold, keep, relu ? 1 : 0, x, y, bits)
        case .avx2:
            state = ck_dropout_avx2(state, first, count, threshold, keep, relu ? 1 : 0, x, y, bits)
        case .portable:
            referenceDropout(state: &state, first: first, count: count, threshold: threshold, keep: keep, relu: relu,
                             x: x, y: y, bits: bits)
        }
    }

    /// The plain loop: each element's number computed on its own. The oracle of ``dropout``.
    static func referenceDropout(state: inout UInt64, first: Int = 0, count: Int, threshold: UInt64, keep: Float,
                                 relu: Bool = false, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                                 bits: UnsafeMutablePointer<UInt16>?) {
        var word: UInt16 = 0
        for i in 0..<count {
            let kept = UInt64(dropoutUniform(state, element: first + i)) >= threshold
            let v = relu ? Swift.max(0, x[i]) : x[i]
            y[i] = v * (kept ? keep : 0)
            if kept { word |= 1 << UInt16(i % 16) }
            if i % 16 == 15 || i == count - 1 {
                bits?[i / 16] = word
                word = 0
            }
        }
        state = splitMixState(state, advancedBy: dropoutNumbers(first + count))
    }

    /// The 24-bit uniform of element `e` of the dropout stream from `state` (see ``dropout``).
    static func dropoutUniform(_ state: UInt64, element e: Int) -> UInt32 {
        var s = splitMixState(state, advancedBy: e / 2)
        let z = SeededGenerator.splitMix(&s)
        return UInt32(truncatingIfNeeded: e % 2 == 1 ? z >> 40 : (z >> 8) & 0xFF_FFFF)
    }

    /// SplitMix64 numbers a dropout draw of `elements` elements takes from the generator: two per number.
    static func dropoutNumbers(_ elements: Int) -> Int { (elements + 1) / 2 }

    /// SplitMix64's state after `draws` numbers from `state`: it is a Weyl sequence, state + n * gamma, so
    /// any number of the stream can be computed without the ones before it.
    @inline(__always)
    static func splitMixState(_ state: UInt64, advancedBy draws: Int) -> UInt64 {
        state &+ UInt64(truncatingIfNeeded: draws) &* 0x9E37_79B9_7F4A_7C15
    }

    /// dx[i] = g[i] * (bit i of `bits` ? keep : 0): the backward of ``dropout`` (without ReLU).
    static func dropoutBackward(count: Int, keep: Float, bits: UnsafePointer<UInt16>, g: UnsafePointer<Float>,
                                dx: UnsafeMutablePointer<Float>, backend: KernelBackend = .current) {
        switch backend {
        case .avx512: ck_dropout_backward_avx512(count, keep, bits, g, dx)
        case .avx2: ck_dropout_backward_avx2(count, keep, bits, g, dx)
        case .portable: referenceDropoutBackward(count: count, keep: keep, bits: bits, g: g, dx: dx)
        }
    }

    /// The backward of z = dropout(max(0, h)) from z itself: dx[i] = g[i] * (z[i] > 0 ? keep : 0) (`keep`
    /// 1 without dropout). A select and a multiply, no branch, so a NaN in g stays NaN as in g * mask.
    static func reluDropoutBackward(count: Int, keep: Float, z: UnsafePointer<Float>, g: UnsafePointer<Float>,
                                    dx: UnsafeMutablePointer<Float>, backend: KernelBackend = .current) {
        switch backend {
        case .avx512: ck_relu_dropout_backward_avx512(count, keep, z, g, dx)
        case .avx2: ck_relu_dropout_backward_avx2(count, keep, z, g, dx)
        case .portable: for i in 0..<count { dx[i] = g[i] * (z[i] > 0 ? keep : 0) }
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
