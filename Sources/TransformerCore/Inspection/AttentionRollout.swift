/// Attention rollout (Abnar & Zuidema 2020, "Quantifying Attention Flow in Transformers", §3): how much
/// each input position contributes to each position after several self-attention layers, counting the
/// residual connections as attention to oneself.
///
/// For layers l = 1 ... L, with A_{l,h} the `[n, n]` weights of head h in layer l:
///
///     Ā_l = (1/H) Σ_h A_{l,h}              mean over heads
///     Â_l = normalize_rows(Ā_l + I)         the residual stream as an identity path
///     R_L = Â_L · Â_{L-1} · ... · Â_1       rollout through L layers
///
/// R_L[i, j] is the share of position i's representation after layer L that flows from input position
/// j. Abnar & Zuidema write Â = 0.5 Ā + 0.5 I; since every row of Ā sums to 1, every row of Ā + I sums
/// to 2, and renormalising the rows divides by exactly 2: the same matrix. Renormalising keeps the
/// formula right for any row sums. Each Â_l is row-stochastic, so R_L is too (rows sum to 1).
///
/// Deviation worth knowing: in this package's default pre-norm layers the residual is exactly
/// x + Attention(LN(x)) (then x + FFN(LN(x))), so the identity path is literal; the feed-forward
/// sublayers and LayerNorms are ignored, as in the paper.
public enum AttentionRollout {
    /// Â = normalize_rows(Ā + I) for a row-major `[n, n]` matrix.
    public static func addingIdentity(_ matrix: [Float], size n: Int) -> [Float] {
        precondition(matrix.count == n * n, "addingIdentity needs \(n) x \(n) values, got \(matrix.count)")
        var result = matrix
        for i in 0..<n {
            result[i * n + i] += 1
            let sum = result[(i * n)..<((i + 1) * n)].reduce(0, +)
            if sum != 0 {
                for j in 0..<n { result[i * n + j] /= sum }
            }
        }
        return result
    }

    /// C = A · B for row-major `[n, n]` matrices (accumulated in Double; n is a sentence length, small).
    public static func multiply(_ a: [Float], _ b: [Float], size n: Int) -> [Float] {
        precondition(a.count == n * n && b.count == n * n, "multiply needs two \(n) x \(n) matrices")
        var c = [Float](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                var sum = 0.0
                for k in 0..<n { sum += Double(a[i * n + k]) * Double(b[k * n + j]) }
                c[i * n + j] = Float(sum)
            }
        }
        return c
    }

    /// R_L = Â_L · ... · Â_1 from the head-averaged matrices Ā_1 ... Ā_L (first layer first), each
    /// row-major `[n, n]`. Returns the identity for no layers.
    public static func rollout(meanOfHeads layers: [[Float]], size n: Int) -> [Float] {
        var result = [Float](repeating: 0, count: n * n)
        for i in 0..<n { result[i * n + i] = 1 }
        for layer in layers {
            result = multiply(addingIdentity(layer, size: n), result, size: n)
        }
        return result
    }

    /// The rollout of a stack of square self-attention maps: `layers[l]` holds layer l's maps (one per
    /// head, or a single mean). The result has the labels of the first map and content ``AttentionMap/Content/rollout``.
    public static func rollout(of layers: [[AttentionMap]]) -> AttentionMap {
        guard let first = layers.first?.first else { preconditionFailure("rollout needs at least one layer with one map") }
        precondition(first.queryCount == first.keyCount, "rollout needs square self-attention maps, got \(first.queryCount) x \(first.keyCount)")
        let n = first.queryCount
        let means = layers.map { maps in
            precondition(!maps.isEmpty && maps.allSatisfy { $0.queryCount == n && $0.keyCount == n },
                         "rollout needs \(n) x \(n) maps in every layer")
            return AttentionMap.mean(maps)
        }
        return AttentionMap(kind: first.kind, layer: first.layer + layers.count - 1, content: .rollout,
                            queryLabels: first.queryLabels, keyLabels: first.keyLabels,
                            values: rollout(meanOfHeads: means, size: n))
    }
}

extension AttentionMap {
    /// The elementwise mean of maps of one size, (1/H) Σ_h A_h, accumulated in Double.
    static func mean(_ maps: [AttentionMap]) -> [Float] {
        guard let first = maps.first else { return [] }
        var sums = [Double](repeating: 0, count: first.values.count)
        for map in maps {
            precondition(map.values.count == sums.count, "mean of maps of different sizes")
            for (index, value) in map.values.enumerated() { sums[index] += Double(value) }
        }
        return sums.map { Float($0 / Double(maps.count)) }
    }
}
