/// Gathering rows (embedding lookup), masked fill and dropout masks.
extension Tensor {
    /// Embedding lookup: row `indices[i]` of this `[V, C]` table for each index; output `[indexShape..., C]`.
    /// Backward: scatter-add, so a token used twice gets both gradients.
    public func gatheringRows(_ indices: [Int], indexShape: [Int]) -> Tensor {
        precondition(rank == 2, "gatheringRows needs a [V, C] table, got \(shape)")
        precondition(indexShape.reduce(1, *) == indices.count,
                     "index shape \(indexShape) does not hold \(indices.count) indices")
        let (rows, width) = (shape[0], shape[1])
        var y = [Float](repeating: 0, count: indices.count * width)
        for (i, row) in indices.enumerated() {
            precondition(row >= 0 && row < rows, "index \(row) out of range for a table of \(rows) rows")
            y.replaceSubrange((i * width)..<((i + 1) * width), with: scalars[(row * width)..<((row + 1) * width)])
        }
        let n = count
        return Tensor.result(shape: indexShape + [width], scalars: y, inputs: [self]) { g in
            var gTable = [Float](repeating: 0, count: n)
            for (i, row) in indices.enumerated() {
                for j in 0..<width { gTable[row * width + j] += g[i * width + j] }
            }
            return [gTable]
        }
    }

    /// y = value where mask != 0, else x. The mask broadcasts to this shape and is not differentiated.
    /// Backward: dx = dy where the mask is 0, else 0.
    public func maskedFill(where mask: Tensor, with value: Float) -> Tensor {
        precondition(Broadcast.shape(shape, mask.shape) == shape,
                     "mask of shape \(mask.shape) does not broadcast to \(shape)")
        let m = Broadcast.expand(mask.scalars, Broadcast.map(from: mask.shape, to: shape), outputCount: count)
        let y = Tensor.elementwise(scalars, m) { x, m, y, n in for i in 0..<n { y[i] = m[i] != 0 ? value : x[i] } }
        return Tensor.result(shape: shape, scalars: y, inputs: [self]) { g in
            [Tensor.elementwise(g, m) { g, m, d, n in for i in 0..<n { d[i] = m[i] != 0 ? 0 : g[i] } }]
        }
    }

    /// Inverted dropout: each element is zeroed with probability p and the survivors are scaled by
    /// 1 / (1 - p), so the expected value is unchanged and evaluation needs no rescaling.
    /// Backward: dx = dy * mask (the same scaled mask).
    public func dropout(probability p: Float, generator: SeededGenerator) -> Tensor {
        precondition(p >= 0 && p < 1, "dropout probability must be in [0, 1), got \(p)")
        guard p > 0 else { return self }
        let keep = 1 / (1 - p)
        // Drop when u < p for u uniform in [0, 1) with 24 bits, as SeededGenerator.nextUnitFloat.
        let threshold = UInt64((Double(p) * 16_777_216).rounded(.up))
        // One pass draws the mask and applies it (Kernels.dropout); the generator's stream is the same as
        // calling `generator.next()` once per element.
        var mask: [Float] = []
        let y = Kernels.uninitializedArray(count) { y in
            mask = Kernels.uninitializedArray(count) { m in
                scalars.withUnsafeBufferPointer { x in
                    var state = generator.currentState
                    Kernels.dropout(state: &state, count: x.count, threshold: threshold, keep: keep,
                                    x: x.baseAddress!, y: y, mask: m)
                    generator.currentState = state
                }
            }
        }
        return Tensor.result(shape: shape, scalars: y, inputs: [self]) { [mask] g in
            [Tensor.elementwise(g, mask) { g, m, d, n in for i in 0..<n { d[i] = g[i] * m[i] } }]
        }
    }
}
