/// Inverted dropout, alone and fused after a Linear layer's ReLU.
extension Tensor {
    /// The parameters of an inverted-dropout draw: drop when u < p for u uniform in [0, 1) with 24 bits
    /// (as SeededGenerator.nextUnitFloat), i.e. when (next() >> 40) < threshold; survivors scale by keep.
    static func dropoutParameters(_ p: Float) -> (threshold: UInt64, keep: Float) {
        (UInt64((Double(p) * 16_777_216).rounded(.up)), 1 / (1 - p))
    }

    /// Inverted dropout: each element is zeroed with probability p and the survivors are scaled by
    /// 1 / (1 - p), so the expected value is unchanged and evaluation needs no rescaling.
    /// Backward: dx = dy * mask (the same scaled mask), the mask kept as bits (see ``Kernels/dropout``).
    public func dropout(probability p: Float, generator: SeededGenerator) -> Tensor {
        precondition(p >= 0 && p < 1, "dropout probability must be in [0, 1), got \(p)")
        guard p > 0 else { return self }
        let (threshold, keep) = Tensor.dropoutParameters(p)
        // One pass draws the mask and applies it (Kernels.dropout); the generator's stream is the same as
        // calling `generator.next()` once per element.
        let n = count
        var bits = [UInt16](repeating: 0, count: Kernels.dropoutMaskWords(n))
        let y = Kernels.uninitializedArray(n) { y in
            scalars.withUnsafeBufferPointer { x in bits.withUnsafeMutableBufferPointer { bits in
                var state = generator.currentState
                Kernels.dropout(state: &state, count: n, threshold: threshold, keep: keep,
                                x: x.baseAddress!, y: y, bits: bits.baseAddress!)
                generator.currentState = state
            } }
        }
        return Tensor.result(shape: shape, scalars: y, inputs: [self]) { [bits] g in
            [Kernels.uninitializedArray(n) { dx in
                g.withUnsafeBufferPointer { g in bits.withUnsafeBufferPointer { bits in
                    Kernels.dropoutBackward(count: n, keep: keep, bits: bits.baseAddress!, g: g.baseAddress!, dx: dx)
                } }
            }]
        }
    }
}
