/// How an attention sublayer scores a query against a key: the one choice a block makes per attention.
///
///     dot-product (Vaswani et al. 2017, §3.2.1):  score_h(q_t, k_s) = (W_q^h q_t) . (W_k^h k_s) / sqrt(D)
///     additive    (Bahdanau et al. 2015):         score_h(q_t, k_s) = v_h^T tanh(W_q^h q_t + W_k^h k_s)
///
/// Both are followed by the same masked softmax, attention dropout, values and output projection, and
/// return the same `[B, H, T, S]` weights, so every caller (blocks, caches, attention maps) treats them
/// alike through ``AttentionLayer``. The raw values are the command-line words.
public enum AttentionScoring: String, Sendable, Codable, CaseIterable {
    /// Scaled dot-product attention, ``MultiHeadAttention`` (the default, and every pretrained model's).
    case dotProduct = "dot-product"
    /// Additive (Bahdanau) attention, ``AdditiveAttention``.
    case additive
}

/// A multi-head attention layer as a ``TransformerBlock`` uses it, whatever its scoring: the full call
/// (training, evaluation, attention maps) and the cached single-query call (incremental decoding).
///
/// Shapes: query input `[B, T, C]`, key/value input `[B, S, C]`, mask broadcastable to `[B, H, T, S]`
/// -> output `[B, T, C]` and weights `[B, H, T, S]`; cached: query input `[R, 1, C]` -> `[R, 1, C]`.
public protocol AttentionLayer: Layer {
    /// H.
    var headCount: Int { get }
    /// The per-head width of the keys and values an ``AttentionCache`` stores for this layer.
    var headDimension: Int { get }
    /// How this layer scores queries against keys.
    var scoring: AttentionScoring { get }
    /// ξ `[H]`, one gate per head multiplying the head's output before W^O (Michel et al. 2019); nil means
    /// every gate is 1. Not a parameter: neither trained nor saved. See ``MultiHeadAttention/headGate``.
    var headGate: Tensor? { get set }
    /// Attends from `queryInput` to `keyValueInput` (the same tensor for self-attention).
    func callAsFunction(_ queryInput: Tensor, _ keyValueInput: Tensor, mask: Tensor?) -> (output: Tensor, weights: Tensor)
    /// One new query position per row, keys and values of earlier positions (or the memory) from `cache`.
    func callAsFunction(_ queryInput: Tensor, _ keyValueInput: Tensor, mask: Tensor?, cache: AttentionCache) -> Tensor
}

extension MultiHeadAttention: AttentionLayer {
    public var scoring: AttentionScoring { .dotProduct }
}

/// Builds a block's attention of kind `scoring` with all sizes C = d_model and D = C / H (see each
/// layer's convenience initializer), with RoPE or ALiBi `positions` when given. Throws when H does not
/// divide C, or when positions are asked of an additive attention (RoPE and ALiBi act on dot products).
func makeAttention(_ scoring: AttentionScoring, modelDimension: Int, headCount: Int, dropout: Float,
                   positions: AttentionPositions? = nil, generator: SeededGenerator) throws(ConfigurationError) -> any AttentionLayer {
    switch scoring {
    case .dotProduct:
        return try MultiHeadAttention(modelDimension: modelDimension, headCount: headCount, dropout: dropout,
                                      positions: positions, generator: generator)
    case .additive:
        guard positions == nil else {
            throw ConfigurationError(field: .positionalEncoding, expected: "dot-product self-attention",
                                     found: "additive self-attention")
        }
        return try AdditiveAttention(modelDimension: modelDimension, headCount: headCount, dropout: dropout, generator: generator)
    }
}

extension AttentionLayer {
    /// ξ_h head_h for every head: `[..., H D]` viewed as `[..., H, D]` times ξ `[H, 1]`; the input itself
    /// when there is no gate.
    func gated(_ heads: Tensor) -> Tensor {
        guard let headGate else { return heads }
        let shape = heads.shape
        let split = heads.reshaped(Array(shape.dropLast()) + [headCount, headDimension])
        return (split * headGate.reshaped([headCount, 1])).reshaped(shape)
    }

    /// The precondition of every `headGate` setter: one value per head.
    static func checkGate(_ gate: Tensor?, headCount: Int) {
        precondition(gate == nil || gate!.shape == [headCount],
                     "a head gate has one value per head [\(headCount)], got \(gate!.shape)")
    }
}
