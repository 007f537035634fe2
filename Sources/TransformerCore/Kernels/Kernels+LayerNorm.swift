import CKernels

/// Layer normalization's row loops on raw buffers (``Tensor/layerNormalized(gain:bias:epsilon:)`` has the
/// equations), dispatched on the kernel backend.
extension Kernels {
    /// For each of `rows` rows of `width` floats: y = gain * ((x - mean) * rstd) + bias with the row's
    /// mean and rstd = 1 / sqrt(variance + epsilon) (biased variance), written to `means[r]` / `rstds[r]`
    /// when given. `ck_layernorm_forward_avx512` / `_avx2` (16 / 8 lanes) with those backends, else
    /// ``layerNormRow`` (inference) or ``layerNormRowStatistics`` (training), the C rows' oracle.
    static func layerNormForward(rows: Int, width: Int, x: UnsafePointer<Float>, gain: UnsafePointer<Float>,
                                 bias: UnsafePointer<Float>, epsilon: Float, y: UnsafeMutablePointer<Float>,
                                 means: UnsafeMutablePointer<Float>?, rstds: UnsafeMutablePointer<Float>?,
                                 backend: KernelBackend) {
        switch backend {
        case .avx512:
            ck_layernorm_forward_avx512(rows, width, x, gain, bias, epsilon, y, means, rstds)
        case .avx2:
            ck_layernorm_forward_avx2(rows, width, x, gain, bias, epsilon, y, means, rstds)
        case .portable:
            for r in 0..<rows {
                let (row, out) = (x + r * width, y + r * width)
                if let means, let rstds {
                    (means[r], rstds[r]) = layerNormRowStatistics(row, width: width, gain: gain, bias: bias,
                                                                  epsilon: epsilon, into: out)
                } else {
                    _ = layerNormRow(row, width: width, epsilon: epsilon, gain: gain, bias: bias, xhat: nil, into: out)
                }
            }
        }
    }

    /// The backward of ``layerNormForward`` with xhat = (x - mean) * rstd recomputed from x, a row at a
    /// time: dx = rstd * (d - mean(d) - xhat * mean(d * xhat)), d = dy * gain; adds sum_rows dy * xhat into
    /// `dGain` and sum_rows dy into `dBias`. C with the avx512 / avx2 backends, else ``layerNormBackwardRow``.
    static func layerNormBackward(rows: Int, width: Int, dy: UnsafePointer<Float>, x: UnsafePointer<Float>,
                                  means: UnsafePointer<Float>, rstds: UnsafePointer<Float>, gain: UnsafePointer<Float>,
                                  dx: UnsafeMutablePointer<Float>, dGain: UnsafeMutablePointer<Float>,
                                  dBias: UnsafeMutablePointer<Float>, backend: KernelBackend) {
        switch backend {
        case .avx512:
            ck_layernorm_backward_avx512(rows, width, dy, x, means, rstds, gain, dx, dGain, dBias)
        case .avx2:
            ck_layernorm_backward_avx2(rows, width, dy, x, means, rstds, gain, dx, dGain, dBias)
        case .portable:
            withUnsafeTemporaryAllocation(of: Float.self, capacity: width) { xhat in   // one row of xhat
                for r in 0..<rows {
                    let row = x + r * width
                    let (mean, inv) = (means[r], rstds[r])
                    for j in 0..<width { xhat[j] = (row[j] - mean) * inv }
                    layerNormBackwardRow(dy + r * width, xhat: xhat.baseAddress!, rstd: inv, gain: gain, width: width,
                                         dGain: dGain, dBias: dBias, into: dx + r * width)
                }
            }
        }
    }

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
