/// Gathering rows (embedding lookup) and masked fill. (Dropout is in Tensor+Dropout.swift.)
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
}
