import CKernels

/// Layer normalization over the last axis as one fused op (forward and backward in one place).
extension Tensor {
    /// y = gain * (x - mu) / sqrt(sigma^2 + eps) + bias over the last axis of width C, with mu and
    /// sigma^2 the mean and biased variance of that row. `gain` and `bias` are `[C]`.
    ///
    /// Backward, with xhat = (x - mu) * rstd and rstd = 1 / sqrt(sigma^2 + eps):
    ///   dbias = sum_rows dy;  dgain = sum_rows dy * xhat;
    ///   dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)),  dxhat = dy * gain.
    /// The row loops are `ck_layernorm_forward_avx512` / `ck_layernorm_backward_avx512` (C, 16 lanes) on
    /// CPUs with AVX-512, else ``Kernels/layerNormRow`` (inference), ``Kernels/layerNormRowStatistics``
    /// (training) and ``Kernels/layerNormBackwardRow`` (the tests' oracle for the C rows).
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
        let y = Kernels.uninitializedArray(count) { y in
            x.withUnsafeBufferPointer { x in g.withUnsafeBufferPointer { g in b.withUnsafeBufferPointer { b in
                if Kernels.hasAVX512 {   // the same rows in 16 lanes (C)
                    guard recording else {
                        ck_layernorm_forward_avx512(rows, width, x.baseAddress!, g.baseAddress!, b.baseAddress!,
                                                    epsilon, y, nil, nil)
                        return
                    }
                    rstd = Kernels.uninitializedArray(rows) { rstd in
                        means = Kernels.uninitializedArray(rows) { means in
                            ck_layernorm_forward_avx512(rows, width, x.baseAddress!, g.baseAddress!, b.baseAddress!,
                                                        epsilon, y, means, rstd)
                        }
                    }
                    return
                }
                guard recording else {
                    for r in 0..<rows {
                        _ = Kernels.layerNormRow(x.baseAddress! + r * width, width: width, epsilon: epsilon,
                                                 gain: g.baseAddress!, bias: b.baseAddress!, xhat: nil, into: y + r * width)
                    }
                    return
                }
                rstd = Kernels.uninitializedArray(rows) { rstd in
                    means = Kernels.uninitializedArray(rows) { means in
                        for r in 0..<rows {
                            (means[r], rstd[r]) = Kernels.layerNormRowStatistics(x.baseAddress! + r * width, width: width,
                                                                                 gain: g.baseAddress!, bias: b.baseAddress!,
                                                                                 epsilon: epsilon, into: y + r * width)
                        }
                    }
                }
            } } }
        }
        return Tensor.result(shape: shape, scalars: y, inputs: [self, gain, bias]) { [means, rstd] dy in
            var dGain = [Float](repeating: 0, count: width)
            var dBias = [Float](repeating: 0, count: width)
            var xhat = [Float](repeating: 0, count: width)   // one row of (x - mu) * rstd
            let dx = Kernels.uninitializedArray(rows * width) { dx in
                dy.withUnsafeBufferPointer { dy in x.withUnsafeBufferPointer { x in g.withUnsafeBufferPointer { g in
                    dGain.withUnsafeMutableBufferPointer { dGain in dBias.withUnsafeMutableBufferPointer { dBias in
                        if Kernels.hasAVX512 {
                            means.withUnsafeBufferPointer { means in rstd.withUnsafeBufferPointer { rstd in
                                ck_layernorm_backward_avx512(rows, width, dy.baseAddress!, x.baseAddress!,
                                                             means.baseAddress!, rstd.baseAddress!, g.baseAddress!, dx,
                                                             dGain.baseAddress!, dBias.baseAddress!)
                            } }
                            return
                        }
                        xhat.withUnsafeMutableBufferPointer { xhat in
                            for r in 0..<rows {
                                let row = x.baseAddress! + r * width
                                let (mean, inv) = (means[r], rstd[r])
                                for j in 0..<width { xhat[j] = (row[j] - mean) * inv }
                                Kernels.layerNormBackwardRow(dy.baseAddress! + r * width, xhat: xhat.baseAddress!,
                                                             rstd: inv, gain: g.baseAddress!, width: width,
                                                             dGain: dGain.baseAddress!, dBias: dBias.baseAddress!,
                                                             into: dx + r * width)
                            }
                        }
                    } }
                } } }
            }
            return [dx, dGain, dBias]
        }
    }
}

extension Kernels {
    /// One row of layer normalization for training: y = gain * ((x - mean) * rstd) + bias (the same
    /// arithmetic as ``layerNormRow``), returning the row's mean and rstd = 1 / sqrt(variance + epsilon).
    @inline(__always)
    static func layerNormRowStatistics(_ x: UnsafePointer<Float>, width: Int, gain: UnsafePointer<Float>,
                                       bias: UnsafePointer<Float>, epsilon: Float,
                                       into y: UnsafeMutablePointer<Float>) -> (mean: Float, rstd: Float) {
        let mean = sum(x, count: width) / Float(width)
        let variance = sumOfSquaredDeviations(x, from: mean, count: width) / Float(width)
        let inv = 1 / (variance + epsilon).squareRoot()
        for j in 0..<width { y[j] = gain[j] * ((x[j] - mean) * inv) + bias[j] }
        return (mean, inv)
    }
}
