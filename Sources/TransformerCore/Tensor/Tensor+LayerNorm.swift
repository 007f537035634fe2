/// Layer normalization over the last axis as one fused op (forward and backward in one place).
extension Tensor {
    /// y = gain * (x - mu) / sqrt(sigma^2 + eps) + bias over the last axis of width C, with mu and
    /// sigma^2 the mean and biased variance of that row. `gain` and `bias` are `[C]`.
    ///
    /// Backward, with xhat = (x - mu) * rstd and rstd = 1 / sqrt(sigma^2 + eps):
    ///   dbias = sum_rows dy;  dgain = sum_rows dy * xhat;
    ///   dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)),  dxhat = dy * gain.
    /// The row loops are ``Kernels/layerNormForward`` and ``Kernels/layerNormBackward``: C on 16 or 8
    /// lanes with the avx512 / avx2 backends, else the Swift rows (the tests' oracle for the C rows).
    public func layerNormalized(gain: Tensor, bias: Tensor, epsilon: Float) -> Tensor {
        let width = shape.last ?? 0
        precondition(gain.shape == [width] && bias.shape == [width],
                     "layer norm over \(shape) needs gain and bias [\(width)], got \(gain.shape) and \(bias.shape)")
        let rows = count / Swift.max(width, 1)
        let recording = GradientMode.isEnabled && (requiresGradient || gain.requiresGradient || bias.requiresGradient)
        let (x, g, b) = (scalars, gain.scalars, bias.scalars)
        // Kept for backward: the row means and rstd ([rows] each), not xhat [rows, C]: backward recomputes
        // xhat = (x - mu) * rstd one row at a time from x, which the graph holds anyway as this op's input.
        var means: [Float] = [], rstd: [Float] = []
        let backend = KernelBackend.current
        let y = Kernels.uninitializedArray(count) { y in
            x.withUnsafeBufferPointer { x in g.withUnsafeBufferPointer { g in b.withUnsafeBufferPointer { b in
                guard recording else {
                    Kernels.layerNormForward(rows: rows, width: width, x: x.baseAddress!, gain: g.baseAddress!,
                                             bias: b.baseAddress!, epsilon: epsilon, y: y, means: nil, rstds: nil,
                                             backend: backend)
                    return
                }
                rstd = Kernels.uninitializedArray(rows) { rstd in
                    means = Kernels.uninitializedArray(rows) { means in
                        Kernels.layerNormForward(rows: rows, width: width, x: x.baseAddress!, gain: g.baseAddress!,
                                                 bias: b.baseAddress!, epsilon: epsilon, y: y, means: means, rstds: rstd,
                                                 backend: backend)
                    }
                }
            } } }
        }
        return Tensor.result(shape: shape, scalars: y, inputs: [self, gain, bias]) { [means, rstd] dy in
            var dGain = [Float](repeating: 0, count: width)
            var dBias = [Float](repeating: 0, count: width)
            let dx = Kernels.uninitializedArray(rows * width) { dx in
                dy.withUnsafeBufferPointer { dy in x.withUnsafeBufferPointer { x in g.withUnsafeBufferPointer { g in
                    dGain.withUnsafeMutableBufferPointer { dGain in dBias.withUnsafeMutableBufferPointer { dBias in
                        means.withUnsafeBufferPointer { means in rstd.withUnsafeBufferPointer { rstd in
                            Kernels.layerNormBackward(rows: rows, width: width, dy: dy.baseAddress!, x: x.baseAddress!,
                                                      means: means.baseAddress!, rstds: rstd.baseAddress!,
                                                      gain: g.baseAddress!, dx: dx, dGain: dGain.baseAddress!,
                                                      dBias: dBias.baseAddress!, backend: backend)
                        } }
                    } }
                } } }
            }
            return [dx, dGain, dBias]
        }
    }
}
