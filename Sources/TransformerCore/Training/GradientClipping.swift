/// Gradient clipping by global norm (Pascanu et al. 2013), as PyTorch's `clip_grad_norm_`:
///
///     n = sqrt(sum over all parameters p of |grad p|^2)
///     if n > maxNorm: grad p <- grad p * maxNorm / (n + 1e-6) for every p
///
/// Returns n, the norm before clipping (infinite or NaN when a gradient is; then nothing is scaled, so the
/// caller can stop on divergence). Parameters without a gradient are skipped.
///
/// Each gradient is summed in chunks of ``clippingChunk`` floats (their Float sums added in order in
/// Double), so the norm does not depend on how many threads share the chunks of a large gradient.
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maximumNorm: Float) -> Float {
    var sumOfSquares: Double = 0
    for parameter in parameters {
        guard let gradient = parameter.gradientScalars else { continue }
        gradient.withUnsafeBufferPointer { g in
            guard let base = g.baseAddress else { return }
            let chunks = (g.count + clippingChunk - 1) / clippingChunk
            var partials = [Float](repeating: 0, count: chunks)
            partials.withUnsafeMutableBufferPointer { partials in
                let io = ClippingBuffers(g: UnsafeMutablePointer(mutating: base), count: g.count, partials: partials.baseAddress!)
                Kernels.forEachPairShare(pairs: chunks, threads: ComputeThreads.count(work: chunks, workPerThread: 1)) { range in
                    for chunk in range {
                        let start = chunk * clippingChunk
                        let piece = UnsafeBufferPointer(start: io.g + start, count: Swift.min(clippingChunk, io.count - start))
                        io.partials[chunk] = sumOfSquaresOf(piece)
                    }
                }
            }
            for partial in partials { sumOfSquares += Double(partial) }
        }
    }
    let norm = Float(sumOfSquares.squareRoot())
    guard norm.isFinite, norm > maximumNorm else { return norm }
    let factor = maximumNorm / (norm + 1e-6)
    for parameter in parameters where parameter.gradientScalars != nil {
        parameter.gradientScalars!.withUnsafeMutableBufferPointer { g in
            guard let base = g.baseAddress else { return }
            let chunks = (g.count + clippingChunk - 1) / clippingChunk
            let io = ClippingBuffers(g: base, count: g.count, partials: base)
            Kernels.forEachPairShare(pairs: chunks, threads: ComputeThreads.count(work: chunks, workPerThread: 1)) { range in
                let start = range.lowerBound * clippingChunk
                let end = Swift.min(io.count, range.upperBound * clippingChunk)
                for i in start..<end { io.g[i] *= factor }
            }
        }
    }
    return norm
}

/// Floats per chunk of a gradient in ``clipGradientNorm(_:maximumNorm:)``: chunks are summed separately
/// and, for base's large matrices, shared between threads (both passes are memory-bound).
let clippingChunk = 1 << 16

/// A gradient and its chunk sums, handed to the workers (each writes its own chunks).
private struct ClippingBuffers: @unchecked Sendable {
    let g: UnsafeMutablePointer<Float>, count: Int, partials: UnsafeMutablePointer<Float>
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
    var total = Kernels.horizontalSum(lanes)
    while i < g.count {
        total += base[i] * base[i]
        i += 1
    }
    return total
}
