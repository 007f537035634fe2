/// Inverted dropout, alone and fused after a Linear layer's ReLU.
extension Tensor {
    /// The parameters of an inverted-dropout draw: drop when u < p for u uniform in [0, 1) with 24 bits,
    /// i.e. when the element's 24-bit uniform (``Kernels/dropout``) is below threshold; survivors scale by keep.
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
        // One pass draws the mask and applies it (Kernels.dropout: two elements per generator number).
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

    /// The residual connection's add with dropout on its branch as one op (equal to
    /// `self + branch.dropout(probability: p, generator:)`, with the same draws):
    ///
    ///     z = x + dropout(branch);   dx = dz,  dbranch = dz * mask.
    ///
    /// The composed ops would also keep the dropped-out branch, a full-size tensor, until backward.
    /// Shapes: x and branch equal -> z the same.
    func addingDropout(of branch: Tensor, probability p: Float, generator: SeededGenerator) -> Tensor {
        precondition(shape == branch.shape, "addingDropout: x \(shape) and branch \(branch.shape) differ")
        precondition(p >= 0 && p < 1, "dropout probability must be in [0, 1), got \(p)")
        guard p > 0 else { return self + branch }
        let (threshold, keep) = Tensor.dropoutParameters(p)
        let n = count
        var bits = [UInt16](repeating: 0, count: Kernels.dropoutMaskWords(n))
        let z = Kernels.uninitializedArray(n) { z in
            branch.scalars.withUnsafeBufferPointer { b in scalars.withUnsafeBufferPointer { x in
                bits.withUnsafeMutableBufferPointer { bits in
                    var state = generator.currentState
                    Kernels.dropout(state: &state, count: n, threshold: threshold, keep: keep,
                                    x: b.baseAddress!, y: z, bits: bits.baseAddress!)
                    generator.currentState = state
                }
                for i in 0..<n { z[i] = x[i] + z[i] }
            } }
        }
        return Tensor.result(shape: shape, scalars: z, inputs: [self, branch]) { [bits] g in
            let dBranch = Kernels.uninitializedArray(n) { d in
                g.withUnsafeBufferPointer { g in bits.withUnsafeBufferPointer { bits in
                    Kernels.dropoutBackward(count: n, keep: keep, bits: bits.baseAddress!, g: g.baseAddress!, dx: d)
                } }
            }
            return [g, dBranch]
        }
    }
}
