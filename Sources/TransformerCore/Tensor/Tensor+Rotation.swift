/// The rotation of rotary position embedding (RoPE, Su et al. 2021, "RoFormer", equation 34) as one
/// differentiable op; ``RotaryEmbedding`` computes the angles.
extension Tensor {
    /// Rotates every interleaved feature pair (2i, 2i+1) of every head of x `[B, T, H D]` (head h in columns
    /// h D..<(h+1) D, D even) by the angle φ[t, i] of its row t, given as the tables cos φ and sin φ `[T, D/2]`:
    ///
    ///     y[b, t, hD + 2i]     = x[b, t, hD + 2i] cos φ[t, i] - x[b, t, hD + 2i + 1] sin φ[t, i]
    ///     y[b, t, hD + 2i + 1] = x[b, t, hD + 2i] sin φ[t, i] + x[b, t, hD + 2i + 1] cos φ[t, i]
    ///
    /// Backward: each pair is multiplied by a 2 x 2 rotation R(φ), whose transpose is R(-φ), so
    ///
    ///     dx[2i]     =  dy[2i] cos φ + dy[2i+1] sin φ
    ///     dx[2i + 1] = -dy[2i] sin φ + dy[2i+1] cos φ
    ///
    /// Every head and batch entry of row t uses the same angles; the tables carry no gradient.
    func rotatingPairs(cosines: [Float], sines: [Float], headDimension: Int) -> Tensor {
        let (length, width) = (shape[1], shape[2])
        precondition(rank == 3 && headDimension > 0 && headDimension % 2 == 0 && width % headDimension == 0,
                     "rotatingPairs needs x [B, T, H D] with D even, got \(shape) and D \(headDimension)")
        let half = headDimension / 2
        precondition(cosines.count == length * half && sines.count == length * half,
                     "rotatingPairs needs cos and sin tables [T, D/2] = [\(length), \(half)], got \(cosines.count) and \(sines.count) values")
        let rows = shape[0] * length
        let y = Tensor.rotatePairs(scalars, rows: rows, length: length, width: width, half: half,
                                   cosines: cosines, sines: sines, direction: 1)                      // [B, T, H D]
        return Tensor.result(shape: shape, scalars: y, inputs: [self]) { dy in
            [Tensor.rotatePairs(dy, rows: rows, length: length, width: width, half: half,
                                cosines: cosines, sines: sines, direction: -1)]                       // R(-φ) dy
        }
    }

    /// The loop of ``rotatingPairs(cosines:sines:headDimension:)``: rotates by φ (`direction` 1) or by -φ
    /// (`direction` -1, the backward). Row r of `[rows, width]` is table row r % length.
    static func rotatePairs(_ x: [Float], rows: Int, length: Int, width: Int, half: Int, cosines: [Float],
                            sines: [Float], direction: Float) -> [Float] {
        Kernels.uninitializedArray(x.count) { y in
            x.withUnsafeBufferPointer { x in cosines.withUnsafeBufferPointer { c in sines.withUnsafeBufferPointer { s in
                for row in 0..<rows {
                    let table = (row % length) * half
                    var column = 0
                    while column < width {                      // one head of D = 2 * half features
                        for i in 0..<half {
                            let (a, b) = (row * width + column + 2 * i, row * width + column + 2 * i + 1)
                            let (cos, sin) = (c[table + i], direction * s[table + i])
                            y[a] = x[a] * cos - x[b] * sin
                            y[b] = x[a] * sin + x[b] * cos
                        }
                        column += 2 * half
                    }
                }
            } } }
        }
    }
}
