/// Gradient clipping by global norm (Pascanu et al. 2013), as PyTorch's `clip_grad_norm_`:
///
///     n = sqrt(sum over all parameters p of |grad p|^2)
///     if n > maxNorm: grad p <- grad p * maxNorm / (n + 1e-6) for every p
///
/// Returns n, the norm before clipping (infinite or NaN when a gradient is; then nothing is scaled, so the
/// caller can stop on divergence). Parameters without a gradient are skipped.
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maximumNorm: Float) -> Float {
    var sumOfSquares: Double = 0
    for parameter in parameters {
        guard let gradient = parameter.gradientScalars else { continue }
        gradient.withUnsafeBufferPointer { g in
            sumOfSquares += Double(sumOfSquaresOf(g))
        }
    }
    let norm = Float(sumOfSquares.squareRoot())
    guard norm.isFinite, norm > maximumNorm else { return norm }
    let factor = maximumNorm / (norm + 1e-6)
    for parameter in parameters where parameter.gradientScalars != nil {
        parameter.gradientScalars!.withUnsafeMutableBufferPointer { g in
            for i in 0..<g.count { g[i] *= factor }
        }
    }
    return norm
}

/// sum_i g_i^2 in Float, in 8 lanes (a single running sum is one chain of dependent adds that the compiler
/// may not reorder into vector lanes), the lanes added at the end, then the tail.
func sumOfSquaresOf(_ g: UnsafeBufferPointer<Float>) -> Float {
    guard let base = g.baseAddress else { return 0 }
    var lanes = SIMD8<Float>()
    var i = 0
    while i + 8 <= g.count {
        let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Float>.self)
        lanes += v * v
        i += 8
    }
    var total = lanes.sum()
    while i < g.count {
        total += base[i] * base[i]
        i += 1
    }
    return total
}
