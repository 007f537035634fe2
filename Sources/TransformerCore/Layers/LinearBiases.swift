import Foundation

/// Attention with linear biases (ALiBi; Press, Smith and Lewis 2022, "Train Short, Test Long: Attention
/// with Linear Biases Enables Input Length Extrapolation", §3). Nothing is added to the embeddings; each
/// self-attention head h adds a penalty proportional to the distance between query i and key j to its
/// scaled scores:
///
///     softmax(q_i K^T / sqrt(D) + M_i - m_h |i - j|)
///
/// with a fixed slope m_h per head (not trained). For H a power of 2 the slopes are the geometric sequence
///
///     m_h = 2^(-8 (h + 1) / H),   h = 0..<H       (H = 8: 1/2, 1/4, ..., 1/256)
///
/// and otherwise, as the paper's code does, the slopes of the largest power of two n < H followed by every
/// other slope of 2n (the odd powers), the first H - n of them.
///
/// Deviation stated: the paper is a causal language model and adds -m_h (i - j) for j <= i. Here the bias
/// is -m_h |i - j| everywhere: in a causal attention the keys j > i are masked (-inf), so this equals the
/// paper's bias on every key that gets weight; in a non-causal encoder self-attention (the encoder of the
/// encoder-decoder, the classifier) it is the symmetric choice, keys on either side penalized by distance.
/// The paper adds the bias to the scaled scores, as here (the mask of ``AttentionMask`` is added after the
/// 1/sqrt(D) scale).
///
/// Shapes: the bias is `[1, H, T, S]`; added to a mask `[B or 1, 1, T or 1, S]` it gives `[B or 1, H, T, S]`,
/// which the fused attention kernels take as an ordinary additive mask (no gradient).
public struct LinearBiases: Sendable, Equatable {
    /// m_h, one per head of the attention (the kept heads' slopes, in order, when heads were pruned).
    public let slopes: [Float]

    public init(slopes: [Float]) {
        precondition(!slopes.isEmpty, "ALiBi needs one slope per head, got none")
        self.slopes = slopes
    }

    /// The paper's slopes for H = `headCount` heads.
    public init(headCount: Int) {
        self.init(slopes: Self.slopes(headCount: headCount))
    }

    /// H, the number of heads.
    public var headCount: Int { slopes.count }

    /// The paper's slopes (`get_slopes` of the reference code): 2^(-8 (h+1) / H) when H is a power of 2,
    /// else those of n = 2^floor(log2 H) followed by slopes(2n)[0, 2, 4, ...] up to H values in all.
    public static func slopes(headCount: Int) -> [Float] {
        precondition(headCount > 0, "ALiBi needs at least one head, got \(headCount)")
        func powerOfTwo(_ n: Int) -> [Double] { (0..<n).map { pow(2, -8 * Double($0 + 1) / Double(n)) } }
        var n = 1
        while 2 * n <= headCount { n *= 2 }
        let values = n == headCount ? powerOfTwo(n)
            : powerOfTwo(n) + stride(from: 0, to: 2 * n, by: 2).map { powerOfTwo(2 * n)[$0] }.prefix(headCount - n)
        return values.map { Float($0) }
    }

    /// b[0, h, t, s] = -m_h |(queryOffset + t) - s| for T = `queryCount` queries at positions
    /// queryOffset..<queryOffset + T and S = `keyCount` keys at 0..<S: `[1, H, T, S]`.
    public func bias(queryCount: Int, keyCount: Int, queryOffset: Int = 0) -> Tensor {
        var values = [Float](repeating: 0, count: headCount * queryCount * keyCount)
        for (h, slope) in slopes.enumerated() {
            for t in 0..<queryCount {
                let row = (h * queryCount + t) * keyCount
                for s in 0..<keyCount { values[row + s] = -slope * Float(abs(queryOffset + t - s)) }
            }
        }
        return Tensor(shape: [1, headCount, queryCount, keyCount], scalars: values)
    }

    /// mask + bias: `[B or 1, H, T, S]` (the bias alone when there is no mask). -inf entries stay -inf.
    public func adding(to mask: Tensor?, queryCount: Int, keyCount: Int) -> Tensor {
        let bias = bias(queryCount: queryCount, keyCount: keyCount)
        guard let mask else { return bias }
        return Tensor.withoutGradients { mask + bias }
    }
}
