/// Layer normalization over the last axis as one fused op (forward and backward in one place).
extension Tensor {
    /// y = gain * (x - mu) / sqrt(sigma^2 + eps) + bias over the last axis of width C, with mu and
    /// sigma^2 the mean and biased variance of that row. `gain` and `bias` are `[C]`.
    ///
    /// Backward, with xhat = (x - mu) * rstd and rstd = 1 / sqrt(sigma^2 + eps):
    ///   dbias = sum_rows dy;  dgain = sum_rows dy * xhat;
    ///   dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)),  dxhat = dy * gain.
    public func layerNormalized(gain: Tensor, bias: Tensor, epsilon: Float) -> Tensor {
        let width = shape.last ?? 0
        precondition(gain.shape == [width] && bias.shape == [width],
                     "layer norm over \(shape) needs gain and bias [\(width)], got \(gain.shape) and \(bias.shape)")
        let rows = count / Swift.max(width, 1)
        var xhat = [Float](repeating: 0, count: count)
        var rstd = [Float](repeating: 0, count: rows)
        var y = [Float](repeating: 0, count: count)
        let (g, b) = (gain.scalars, bias.scalars)
        scalars.withUnsafeBufferPointer { x in
            for r in 0..<rows {
                let base = r * width
                var mean: Float = 0
                for j in 0..<width { mean += x[base + j] }
                mean /= Float(width)
                var variance: Float = 0
                for j in 0..<width { let d = x[base + j] - mean; variance += d * d }
                variance /= Float(width)
                let inv = 1 / (variance + epsilon).squareRoot()
                rstd[r] = inv
                for j in 0..<width {
                    let h = (x[base + j] - mean) * inv
                    xhat[base + j] = h
                    y[base + j] = g[j] * h + b[j]
                }
            }
        }
        let n = count
        return Tensor.result(shape: shape, scalars: y, inputs: [self, gain, bias]) { dy in
            var dx = [Float](repeating: 0, count: n)
            var dGain = [Float](repeating: 0, count: width)
            var dBias = [Float](repeating: 0, count: width)
            for r in 0..<rows {
                let base = r * width
                var meanD: Float = 0, meanDX: Float = 0
                for j in 0..<width {
                    let d = dy[base + j] * g[j]
                    meanD += d
                    meanDX += d * xhat[base + j]
                    dGain[j] += dy[base + j] * xhat[base + j]
                    dBias[j] += dy[base + j]
                }
                meanD /= Float(width)
                meanDX /= Float(width)
                for j in 0..<width {
                    let d = dy[base + j] * g[j]
                    dx[base + j] = rstd[r] * (d - meanD - xhat[base + j] * meanDX)
                }
            }
            return [dx, dGain, dBias]
        }
    }
}
