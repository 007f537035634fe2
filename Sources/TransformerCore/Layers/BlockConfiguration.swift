/// The hyperparameters of one Transformer block, shared by every model family (encoder-decoder,
/// encoder classifier, decoder-only language model): what a block is made of, not what it is used for.
///
/// The defaults are the paper's base block (Vaswani et al. 2017, Table 3): d_model 512, h 8, d_ff 2048,
/// P_drop 0.1. Pre-norm residuals are the default here (the paper is post-norm; see ``NormPlacement``).
public struct BlockConfiguration: Equatable, Sendable, Codable {
    /// Where LayerNorm sits in each residual connection.
    public enum NormPlacement: String, Sendable, Codable, CaseIterable {
        /// x + dropout(sublayer(LayerNorm(x))), with a final LayerNorm after each stack.
        case pre
        /// LayerNorm(x + dropout(sublayer(x))), as in the paper.
        case post
    }

    /// The feed-forward non-linearity: max(0, x), exact GELU, or SiLU x * sigmoid(x) (Hugging Face's
    /// "swish", the activation of the MarianMT / opus-mt models).
    public enum Activation: String, Sendable, Codable, CaseIterable {
        case relu, gelu, silu
    }

    /// C = d_model.
    public var modelDimension: Int
    /// H = h, the number of attention heads; D = C / H.
    public var headCount: Int
    /// F = d_ff, the inner width of the feed-forward network.
    public var feedForwardDimension: Int
    /// P_drop, applied to attention weights, inside the FFN and on each residual branch.
    public var dropout: Float
    public var normPlacement: NormPlacement
    public var activation: Activation
    /// LayerNorm epsilon.
    public var layerNormEpsilon: Float
    /// How the self-attention scores queries against keys (default dot-product, the paper's).
    public var selfAttention: AttentionScoring
    /// How the cross-attention (in blocks that have one) scores queries against the memory.
    public var crossAttention: AttentionScoring

    public init(modelDimension: Int = 512, headCount: Int = 8, feedForwardDimension: Int = 2048,
                dropout: Float = 0.1, normPlacement: NormPlacement = .pre, activation: Activation = .relu,
                layerNormEpsilon: Float = 1e-5, selfAttention: AttentionScoring = .dotProduct,
                crossAttention: AttentionScoring = .dotProduct) {
        self.modelDimension = modelDimension
        self.headCount = headCount
        self.feedForwardDimension = feedForwardDimension
        self.dropout = dropout
        self.normPlacement = normPlacement
        self.activation = activation
        self.layerNormEpsilon = layerNormEpsilon
        self.selfAttention = selfAttention
        self.crossAttention = crossAttention
    }

    /// D = d_k = d_v = C / H.
    public var headDimension: Int { modelDimension / headCount }

    /// Trainable parameters of one block in closed form: per attention, dot-product MHA = 4 (C^2 + C)
    /// (W^Q, W^K, W^V, W^O and their biases) and additive = (C^2 + C) + C^2 + C + 2 (C^2 + C) (W_q, b_q;
    /// W_k; v; W_v, b_v; W^O, b^O: the same total); FFN = 2 C F + F + C, LayerNorm = 2 C per residual.
    /// Saturates at `Int.max`.
    public func parameterCount(crossAttention hasCrossAttention: Bool) -> Int {
        let c = modelDimension, f = feedForwardDimension
        func attention(_ scoring: AttentionScoring) -> Int {
            switch scoring {
            case .dotProduct: checkedSum([(4, checkedSum([(c, c), (c, 1)]))])
            case .additive: checkedSum([(3, checkedSum([(c, c), (c, 1)])), (c, c), (c, 1)])
            }
        }
        let feedForward = checkedSum([(2 * c, f), (f, 1), (c, 1)])
        return checkedSum([(attention(selfAttention), 1), (hasCrossAttention ? attention(crossAttention) : 0, 1),
                           (feedForward, 1), (hasCrossAttention ? 3 : 2, 2 * c)])
    }

    /// Checks the block's fields; throws the first problem found.
    public func validate() throws(ConfigurationError) {
        try ConfigurationError.checkSize(modelDimension, .modelDimension)
        try ConfigurationError.checkSize(headCount, .headCount)
        try ConfigurationError.checkSize(feedForwardDimension, .feedForwardDimension)
        guard modelDimension % headCount == 0 else {
            throw ConfigurationError(field: .headCount, expected: "a divisor of d_model \(modelDimension)",
                                     found: "\(headCount) (\(modelDimension) / \(headCount) is not a whole number)")
        }
        guard dropout.isFinite && dropout >= 0 && dropout < 1 else {
            throw ConfigurationError(field: .dropout, expected: "a probability in [0, 1)", found: "\(dropout)")
        }
        guard layerNormEpsilon.isFinite && layerNormEpsilon > 0 else {
            throw ConfigurationError(field: .layerNormEpsilon, expected: "a positive number", found: "\(layerNormEpsilon)")
        }
    }
}

extension BlockConfiguration {
    private enum CodingKeys: String, CodingKey {
        case modelDimension, headCount, feedForwardDimension, dropout, normPlacement, activation, layerNormEpsilon
        case selfAttention, crossAttention
    }

    /// Encodes every field, the attention kinds only when not dot-product: a configuration without
    /// additive attention encodes as before the kinds existed.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(modelDimension, forKey: .modelDimension)
        try c.encode(headCount, forKey: .headCount)
        try c.encode(feedForwardDimension, forKey: .feedForwardDimension)
        try c.encode(dropout, forKey: .dropout)
        try c.encode(normPlacement, forKey: .normPlacement)
        try c.encode(activation, forKey: .activation)
        try c.encode(layerNormEpsilon, forKey: .layerNormEpsilon)
        if selfAttention != .dotProduct { try c.encode(selfAttention, forKey: .selfAttention) }
        if crossAttention != .dotProduct { try c.encode(crossAttention, forKey: .crossAttention) }
    }

    /// Decodes every field; the attention kinds may be absent (every checkpoint written before they
    /// existed) and are then dot-product.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(modelDimension: try c.decode(Int.self, forKey: .modelDimension),
                  headCount: try c.decode(Int.self, forKey: .headCount),
                  feedForwardDimension: try c.decode(Int.self, forKey: .feedForwardDimension),
                  dropout: try c.decode(Float.self, forKey: .dropout),
                  normPlacement: try c.decode(NormPlacement.self, forKey: .normPlacement),
                  activation: try c.decode(Activation.self, forKey: .activation),
                  layerNormEpsilon: try c.decode(Float.self, forKey: .layerNormEpsilon),
                  selfAttention: try c.decodeIfPresent(AttentionScoring.self, forKey: .selfAttention) ?? .dotProduct,
                  crossAttention: try c.decodeIfPresent(AttentionScoring.self, forKey: .crossAttention) ?? .dotProduct)
    }
}

/// sum of a_i * b_i with overflow checks; `Int.max` when any product or sum overflows.
func checkedSum(_ terms: [(Int, Int)]) -> Int {
    var total = 0
    for (a, b) in terms {
        let (product, overflow1) = a.multipliedReportingOverflow(by: b)
        let (sum, overflow2) = total.addingReportingOverflow(product)
        if overflow1 || overflow2 { return .max }
        total = sum
    }
    return total
}
