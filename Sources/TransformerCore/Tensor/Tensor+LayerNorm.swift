/// Layer normalization over the last axis as one fused op (forward and backward in one place).
extension Tensor {
    /// y = gain * (x - mu) / sqrt(sigma^2 + eps) + bias over the last axis of width C, with mu and
    /// sigma^2 the mean and biased variance of that row. `gain` and `bias` are `[C]`.
    ///
    /// Backward, with xhat = (x - mu) * rstd and rstd = 1 / sqrt(sigma^2 + eps):
    ///   dbias = sum_rows dy;  dgain = sum_rows dy * xhat;
    ///   dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)),  dxhat = dy * gain.
    /// The row loops are ``Kernels/layerNormRow`` and ``Kernels/layerNormBackwardRow``.
    public func layerNormalized(gain: Tensor, bias: Tensor, epsilon: Float) -> Tensor {
        let width = shape.last ?? 0
        precondition(gain.shape == [width] && bias.shape == [width],
                     "layer norm over \(shape) needs gain and bias [\(width)], got \(gain.shape) and \(bias.shape)")
        let rows = count / Swift.max(width, 1)
        let recording = GradientMode.isEnabled && (requiresGradient || gain.requiresGradient || bias.requiresGradient)
        let (g, b) = (gain.scalars, bias.scalars)
        var xhat: [Float] = [], rstd: [Float] = []   // [rows, C] and [rows], kept for backward only
        let y = Kernels.uninitializedArray(count) { y in
            scalars.withUnsafeBufferPointer { x in g.withUnsafeBufferPointer { g in b.withUnsafeBufferPointer { b in
                guard recording else {
                    for r in 0..<rows {
                        _ = Kernels.layerNormRow(x.baseAddress! + r * width, width: width, epsilon: epsilon,
                                                 gain: g.baseAddress!, bias: b.baseAddress!, xhat: nil, into: y + r * width)
                    }
                    return
                }
                rstd = Kernels.uninitializedArray(rows) { rstd in
                    xhat = Kernels.uninitializedArray(rows * width) { xhat in
                        for r in 0..<rows {
                            rstd[r] = Kernels.layerNormRow(x.baseAddress! + r * width, width: width, epsilon: epsilon,
                                                           gain: g.baseAddress!, bias: b.baseAddress!,
                                                           xhat: xhat + r * width, into: y + r * width)
                        }
                    }
                }
            } } }
        }
        return Tensor.result(shape: shape, scalars: y, inputs: [self, gain, bias]) { [xhat, rstd] dy in
            var dGain = [Float](repeating: 0, count: width)
            var dBias = [Float](repeating: 0, count: width)
            let dx = Kernels.uninitializedArray(rows * width) { dx in
                dy.withUnsafeBufferPointer { dy in xhat.withUnsafeBufferPointer { xhat in g.withUnsafeBufferPointer { g in
                    dGain.withUnsafeMutableBufferPointer { dGain in dBias.withUnsafeMutableBufferPointer { dBias in
                        for r in 0..<rows {
                            Kernels.layerNormBackwardRow(dy.baseAddress! + r * width, xhat: xhat.baseAddress! + r * width,
                                                         rstd: rstd[r], gain: g.baseAddress!, width: width,
                                                         dGain: dGain.baseAddress!, dBias: dBias.baseAddress!,
                                                         into: dx + r * width)
                        }
                    } }
                } } }
            }
            return [dx, dGain, dBias]
        }
    }
}
