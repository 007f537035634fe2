/// Every hyperparameter of the encoder-decoder Transformer, in one validated value.
///
/// The defaults are the paper's base model (Vaswani et al. 2017, Table 3): d_model 512, h 8, N 6,
/// d_ff 2048, P_drop 0.1. Two deviations from the paper are the defaults here and are configurable:
/// pre-norm residuals (`normPlacement = .pre`, more stable to train; the paper is `.post`) and
/// untied target embedding / projection weights (the paper ties them: `tieTargetEmbedding = true`).
public struct TransformerConfiguration: Equatable, Sendable, Codable, PrunableConfiguration {
    /// Where LayerNorm sits in each residual connection (see ``BlockConfiguration/NormPlacement``).
    public typealias NormPlacement = BlockConfiguration.NormPlacement
    /// The feed-forward non-linearity.
    public typealias Activation = BlockConfiguration.Activation

    /// How positions are encoded.
    public enum PositionalEncodingKind: String, Sendable, Codable, CaseIterable {
        /// The fixed sine/cosine table of the paper, sin and cos interleaved (columns 2i, 2i+1).
        case sinusoidal
        /// A learned [maximumLength, d_model] embedding table.
        case learned
        /// The same frequencies laid out as sin in the first half of the columns and cos in the second
        /// (Marian's and fairseq's layout; Hugging Face's `MarianSinusoidalPositionalEmbedding`).
        case sinusoidalHalves = "sinusoidal-halves"
        /// Rotary position embedding (RoPE, Su et al. 2021): no table; every self-attention rotates its
        /// query and key feature pairs by position-dependent angles (see ``RotaryEmbedding``).
        case rotary = "rope"
        /// Attention with linear biases (ALiBi, Press et al. 2022): no table; every self-attention adds
        /// -m_h |i - j| to head h's scores (see ``LinearBiases``).
        case linearBiases = "alibi"

        /// Whether nothing about positions is trained (every kind but `.learned`).
        public var isFixed: Bool { self != .learned }

        /// Whether a `[maxLen, C]` table is added to the embeddings (sinusoidal, sinusoidal-halves, learned).
        /// RoPE and ALiBi add none: the embeddings are only scaled by sqrt(d_model) (when the model scales).
        public var addsTable: Bool { !entersAttention }

        /// Whether positions act inside the self-attentions (RoPE, ALiBi) rather than at the embeddings.
        public var entersAttention: Bool { self == .rotary || self == .linearBiases }

        /// Checks that a block can use this kind: RoPE rotates feature pairs, so it needs an even head
        /// dimension D = C / H; RoPE and ALiBi act on dot-product scores, so the self-attention must be
        /// dot-product. Throws a ``ConfigurationError`` of field `positionalEncoding`.
        public func validate(block: BlockConfiguration) throws(ConfigurationError) {
            guard entersAttention, block.headCount > 0, block.modelDimension % block.headCount == 0 else { return }
            if self == .rotary && block.headDimension % 2 != 0 {
                throw ConfigurationError(field: .positionalEncoding, expected: "an even head dimension",
                                         found: "\(block.headDimension) (d_model \(block.modelDimension) / \(block.headCount) heads)")
            }
            if block.selfAttention != .dotProduct {
                throw ConfigurationError(field: .positionalEncoding, expected: "dot-product self-attention",
                                         found: "\(block.selfAttention.rawValue) self-attention")
            }
        }
    }

    /// V_src: source vocabulary size (including special tokens).
    public var sourceVocabularySize: Int
    /// V: target vocabulary size (including special tokens).
    public var targetVocabularySize: Int
    /// C = d_model.
    public var modelDimension: Int
    /// H = h, the number of attention heads; D = C / H.
    public var headCount: Int
    /// N, the number of layers in the encoder and in the decoder.
    public var layerCount: Int
    /// F = d_ff, the inner width of the feed-forward network.
    public var feedForwardDimension: Int
    /// P_drop, applied after positional encoding, to attention weights, inside the FFN and on each residual branch.
    public var dropout: Float
    /// The longest sequence (source or target) the positional encoding covers.
    public var maximumLength: Int
    public var normPlacement: NormPlacement
    public var activation: Activation
    public var positionalEncoding: PositionalEncodingKind
    /// Share one [V, C] matrix between the target embedding and the output projection (paper §3.4).
    public var tieTargetEmbedding: Bool
    /// LayerNorm epsilon.
    public var layerNormEpsilon: Float
    /// The padding, start, end and unknown ids of both vocabularies (absent in checkpoints before the
    /// model families: those used ``SpecialTokens/standard``).
    public var specialTokens: SpecialTokens
    /// Multiply token embeddings by sqrt(d_model) before adding positions (paper §3.4; Hugging Face's
    /// `scale_embedding`). Default true.
    public var scaleEmbedding: Bool
    /// Use one [V, C] matrix as source and target embedding (Hugging Face's
    /// `share_encoder_decoder_embeddings`); needs V_src = V. Default false.
    public var shareSourceEmbedding: Bool
    /// Mask target padding as a key in the decoder's self-attention (as training on padded batches needs).
    /// Hugging Face encoder-decoders start decoding with the padding id and mask only causally: false for
    /// them. Default true.
    public var maskTargetPadding: Bool
    /// How the encoder's and the decoder's self-attentions score (default dot-product; see ``AttentionScoring``).
    public var selfAttention: AttentionScoring
    /// How the decoder's cross-attention scores (default dot-product). Pretrained models are dot-product.
    public var crossAttention: AttentionScoring
    /// The heads pruning removed (``AttentionKind/encoderSelf``, ``AttentionKind/decoderSelf`` and
    /// ``AttentionKind/decoderCross`` entries); nil: none (and absent from JSON).
    public var prunedHeads: PrunedHeads?

    public init(sourceVocabularySize: Int = 10, targetVocabularySize: Int = 10, modelDimension: Int = 512,
                headCount: Int = 8, layerCount: Int = 6, feedForwardDimension: Int = 2048, dropout: Float = 0.1,
                maximumLength: Int = 512, normPlacement: NormPlacement = .pre, activation: Activation = .relu,
                positionalEncoding: PositionalEncodingKind = .sinusoidal, tieTargetEmbedding: Bool = false,
                layerNormEpsilon: Float = 1e-5, specialTokens: SpecialTokens = .standard,
                scaleEmbedding: Bool = true, shareSourceEmbedding: Bool = false, maskTargetPadding: Bool = true,
                selfAttention: AttentionScoring = .dotProduct, crossAttention: AttentionScoring = .dotProduct,
                prunedHeads: PrunedHeads? = nil) {
        self.sourceVocabularySize = sourceVocabularySize
        self.targetVocabularySize = targetVocabularySize
        self.modelDimension = modelDimension
        self.headCount = headCount
        self.layerCount = layerCount
        self.feedForwardDimension = feedForwardDimension
        self.dropout = dropout
        self.maximumLength = maximumLength
        self.normPlacement = normPlacement
        self.activation = activation
        self.positionalEncoding = positionalEncoding
        self.tieTargetEmbedding = tieTargetEmbedding
        self.layerNormEpsilon = layerNormEpsilon
        self.specialTokens = specialTokens
        self.scaleEmbedding = scaleEmbedding
        self.shareSourceEmbedding = shareSourceEmbedding
        self.maskTargetPadding = maskTargetPadding
        self.selfAttention = selfAttention
        self.crossAttention = crossAttention
        self.prunedHeads = prunedHeads.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// D = d_k = d_v = C / H.
    public var headDimension: Int { modelDimension / headCount }

    /// The hyperparameters of each encoder and decoder block.
    public var block: BlockConfiguration {
        BlockConfiguration(modelDimension: modelDimension, headCount: headCount, feedForwardDimension: feedForwardDimension,
                           dropout: dropout, normPlacement: normPlacement, activation: activation,
                           layerNormEpsilon: layerNormEpsilon, selfAttention: selfAttention, crossAttention: crossAttention)
    }

    /// Largest accepted value for any size, so a typo cannot ask for terabytes.
    public static let maximumSize = 1 << 20

    /// Largest model accepted: 2^30 Float32 values (4 GiB), checked before anything is allocated.
    public static let maximumStoredScalars = 1 << 30

    /// The number of trainable parameters this configuration builds, in closed form:
    /// N (encoder layer + decoder layer) + final norms + embeddings + projection, where
    /// MHA = 4 (C^2 + C) (additive attention has as many, see ``BlockConfiguration/parameterCount(crossAttention:)``),
    /// FFN = 2 C F + F + C, LayerNorm = 2 C; less 4 C D + 3 D per pruned head.
    /// Computed with overflow checks; saturates at `Int.max` for absurd sizes.
    public var parameterCount: Int {
        let c = modelDimension, norm = 2 * c
        let encoderLayer = block.parameterCount(crossAttention: false)
        let decoderLayer = block.parameterCount(crossAttention: true)
        return checkedSum([(-1, prunedHeads?.removedParameterCount(modelDimension: c, headDimension: headDimension) ?? 0),(layerCount, checkedSum([(encoderLayer, 1), (decoderLayer, 1)])),
                        (normPlacement == .pre ? 2 : 0, norm),
                        ((shareSourceEmbedding ? 0 : sourceVocabularySize) + targetVocabularySize, c),
                        (positionalEncoding == .learned ? maximumLength : 0, c),
                        (tieTargetEmbedding ? 0 : targetVocabularySize, c), (targetVocabularySize, 1)])
    }

    /// Parameters plus the fixed sinusoid table: the Float32 values a model of this configuration holds.
    var storedScalarCount: Int {
        let table = positionalEncoding.isFixed && positionalEncoding.addsTable ? maximumLength.multipliedReportingOverflow(by: modelDimension) : (0, false)
        let (total, overflow) = parameterCount.addingReportingOverflow(table.0)
        return overflow || table.1 ? .max : total
    }

    /// Checks every field; throws the first problem found.
    public func validate() throws(ConfigurationError) {
        let positive = ConfigurationError.checkSize
        try positive(sourceVocabularySize, .sourceVocabularySize)
        try positive(targetVocabularySize, .targetVocabularySize)
        try positive(modelDimension, .modelDimension)
        try positive(headCount, .headCount)
        try positive(layerCount, .layerCount)
        try positive(feedForwardDimension, .feedForwardDimension)
        try positive(maximumLength, .maximumLength)
        guard modelDimension % headCount == 0 else {
            throw ConfigurationError(field: .headCount, expected: "a divisor of d_model \(modelDimension)",
                                     found: "\(headCount) (\(modelDimension) / \(headCount) is not a whole number)")
        }
        guard dropout.isFinite && dropout >= 0 && dropout < 1 else {
            throw ConfigurationError(field: .dropout, expected: "a probability in [0, 1)", found: "\(dropout)")
        }
        try positionalEncoding.validate(block: block)
        guard storedScalarCount <= Self.maximumStoredScalars else {
            throw ConfigurationError(field: .modelSize,
                                     expected: "at most \(Self.maximumStoredScalars) Float32 values (parameters plus the position table; lower d_model, layers, d_ff, vocabularies or max length)",
                                     found: "\(storedScalarCount)")
        }
        guard layerNormEpsilon.isFinite && layerNormEpsilon > 0 else {
            throw ConfigurationError(field: .layerNormEpsilon, expected: "a positive number", found: "\(layerNormEpsilon)")
        }
        try specialTokens.validate()
        guard !shareSourceEmbedding || sourceVocabularySize == targetVocabularySize else {
            throw ConfigurationError(field: .sourceVocabularySize,
                                     expected: "the target vocabulary size \(targetVocabularySize) (the source embedding is shared)",
                                     found: "\(sourceVocabularySize)")
        }
        try prunedHeads?.validate(kinds: [.encoderSelf, .decoderSelf, .decoderCross], layerCount: layerCount,
                                  headCount: headCount)
    }
}

extension TransformerConfiguration {
    private enum CodingKeys: String, CodingKey {
        case sourceVocabularySize, targetVocabularySize, modelDimension, headCount, layerCount, feedForwardDimension
        case dropout, maximumLength, normPlacement, activation, positionalEncoding, tieTargetEmbedding
        case layerNormEpsilon, specialTokens, scaleEmbedding, shareSourceEmbedding, maskTargetPadding
        case selfAttention, crossAttention, prunedHeads
    }

    /// Encodes every field, except the three options added for pretrained models (`scaleEmbedding`,
    /// `shareSourceEmbedding`, `maskTargetPadding`) and the attention kinds when they have their defaults,
    /// and `prunedHeads` when nil: configurations that do not use them encode byte for byte as before those
    /// options existed.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sourceVocabularySize, forKey: .sourceVocabularySize)
        try c.encode(targetVocabularySize, forKey: .targetVocabularySize)
        try c.encode(modelDimension, forKey: .modelDimension)
        try c.encode(headCount, forKey: .headCount)
        try c.encode(layerCount, forKey: .layerCount)
        try c.encode(feedForwardDimension, forKey: .feedForwardDimension)
        try c.encode(dropout, forKey: .dropout)
        try c.encode(maximumLength, forKey: .maximumLength)
        try c.encode(normPlacement, forKey: .normPlacement)
        try c.encode(activation, forKey: .activation)
        try c.encode(positionalEncoding, forKey: .positionalEncoding)
        try c.encode(tieTargetEmbedding, forKey: .tieTargetEmbedding)
        try c.encode(layerNormEpsilon, forKey: .layerNormEpsilon)
        try c.encode(specialTokens, forKey: .specialTokens)
        if !scaleEmbedding { try c.encode(scaleEmbedding, forKey: .scaleEmbedding) }
        if shareSourceEmbedding { try c.encode(shareSourceEmbedding, forKey: .shareSourceEmbedding) }
        if !maskTargetPadding { try c.encode(maskTargetPadding, forKey: .maskTargetPadding) }
        if selfAttention != .dotProduct { try c.encode(selfAttention, forKey: .selfAttention) }
        if crossAttention != .dotProduct { try c.encode(crossAttention, forKey: .crossAttention) }
        try c.encodeIfPresent(prunedHeads, forKey: .prunedHeads)
    }

    /// Decodes every field; `specialTokens` may be absent (checkpoints written before it existed), and so may
    /// the pretrained-model options and the attention kinds (they then take their defaults: every
    /// checkpoint written before additive attention loads as dot-product).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(sourceVocabularySize: try c.decode(Int.self, forKey: .sourceVocabularySize),
                  targetVocabularySize: try c.decode(Int.self, forKey: .targetVocabularySize),
                  modelDimension: try c.decode(Int.self, forKey: .modelDimension),
                  headCount: try c.decode(Int.self, forKey: .headCount),
                  layerCount: try c.decode(Int.self, forKey: .layerCount),
                  feedForwardDimension: try c.decode(Int.self, forKey: .feedForwardDimension),
                  dropout: try c.decode(Float.self, forKey: .dropout),
                  maximumLength: try c.decode(Int.self, forKey: .maximumLength),
                  normPlacement: try c.decode(NormPlacement.self, forKey: .normPlacement),
                  activation: try c.decode(Activation.self, forKey: .activation),
                  positionalEncoding: try c.decode(PositionalEncodingKind.self, forKey: .positionalEncoding),
                  tieTargetEmbedding: try c.decode(Bool.self, forKey: .tieTargetEmbedding),
                  layerNormEpsilon: try c.decode(Float.self, forKey: .layerNormEpsilon),
                  specialTokens: try c.decodeIfPresent(SpecialTokens.self, forKey: .specialTokens) ?? .standard,
                  scaleEmbedding: try c.decodeIfPresent(Bool.self, forKey: .scaleEmbedding) ?? true,
                  shareSourceEmbedding: try c.decodeIfPresent(Bool.self, forKey: .shareSourceEmbedding) ?? false,
                  maskTargetPadding: try c.decodeIfPresent(Bool.self, forKey: .maskTargetPadding) ?? true,
                  selfAttention: try c.decodeIfPresent(AttentionScoring.self, forKey: .selfAttention) ?? .dotProduct,
                  crossAttention: try c.decodeIfPresent(AttentionScoring.self, forKey: .crossAttention) ?? .dotProduct,
                  prunedHeads: try c.decodeIfPresent(PrunedHeads.self, forKey: .prunedHeads))
    }
}

