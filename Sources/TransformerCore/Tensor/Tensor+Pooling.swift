/// Pooling a sequence into one vector per example (the classifier's `[CLS]` and mean pooling).
extension Tensor {
    /// y[b] = sum_s w[b, s] x[b, s]: this `[B, S, C]` tensor's positions weighted by the constant
    /// `weights` `[B, S]` (row-major), giving `[B, C]`. A one-hot row picks a position (`[CLS]`); a row of
    /// 1/n over the n real tokens is the masked mean. Backward: dx[b, s] = w[b, s] dy[b]; the weights are
    /// not differentiated.
    public func weightedPositionSum(_ weights: [Float]) -> Tensor {
        precondition(rank == 3 && weights.count == shape[0] * shape[1],
                     "weightedPositionSum needs x [B, S, C] and B * S weights, got \(shape) and \(weights.count)")
        let (b, s, c) = (shape[0], shape[1], shape[2])
        let x = scalars
        var y = [Float](repeating: 0, count: b * c)
        for row in 0..<b {
            for position in 0..<s where weights[row * s + position] != 0 {
                let w = weights[row * s + position], offset = (row * s + position) * c
                for j in 0..<c { y[row * c + j] += w * x[offset + j] }
            }
        }
        return Tensor.result(shape: [b, c], scalars: y, inputs: [self]) { g in
            var gx = [Float](repeating: 0, count: b * s * c)
            for row in 0..<b {
                for position in 0..<s where weights[row * s + position] != 0 {
                    let w = weights[row * s + position], offset = (row * s + position) * c
                    for j in 0..<c { gx[offset + j] = w * g[row * c + j] }
                }
            }
            return [gx]
        }
    }
}
