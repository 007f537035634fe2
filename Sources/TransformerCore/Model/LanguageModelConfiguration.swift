/// Every hyperparameter of the decoder-only ``LanguageModel``, in one validated value.
public struct LanguageModelConfiguration: Equatable, Sendable, Codable, PrunableConfiguration {
    /// V, the vocabulary size (special tokens included).
    public var vocabularySize: Int
    public var block: BlockConfiguration
    /// N, the number of causal blocks.
    public var layerCount: Int
    /// The context: the most positions the model sees at once (training windows, generation).
    public var maximumLength: Int
    public var positionalEncoding: TransformerConfiguration.PositionalEncodingKind
    /// Share one [V, C] matrix between the embedding and the output projection (paper §3.4, GPT-2).
    public var tieEmbedding: Bool
    public var specialTokens: SpecialTokens
    /// The heads pruning removed (``AttentionKind/decoderSelf`` entries); nil: none (and absent from JSON).
    public var prunedHeads: PrunedHeads?

    public init(vocabularySize: Int, block: BlockConfiguration = BlockConfiguration(), layerCount: Int = 6,
                maximumLength: Int = 256, positionalEncoding: TransformerConfiguration.PositionalEncodingKind = .sinusoidal,
                tieEmbedding: Bool = false, specialTokens: SpecialTokens = .standard, prunedHeads: PrunedHeads? = nil) {
        self.vocabularySize = vocabularySize
        self.block = block
        self.layerCount = layerCount
        self.maximumLength = maximumLength
        self.positionalEncoding = positionalEncoding
        self.tieEmbedding = tieEmbedding
        self.specialTokens = specialTokens
        self.prunedHeads = prunedHeads.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Trainable parameters in closed form: embedding V C, learned positions, N blocks, final norm
    /// (pre-norm), projection V C (untied) + V, less the pruned heads' 4 C D + 3 D each.
    public var parameterCount: Int {
        let c = block.modelDimension
        return checkedSum([(-1, prunedHeads?.removedParameterCount(modelDimension: c, headDimension: block.headDimension) ?? 0),(vocabularySize, c), (positionalEncoding == .learned ? maximumLength : 0, c),
                           (layerCount, block.parameterCount(crossAttention: false)),
                           (block.normPlacement == .pre ? 2 : 0, c), (tieEmbedding ? 0 : vocabularySize, c), (vocabularySize, 1)])
    }

    public func validate() throws(ConfigurationError) {
        try ConfigurationError.validateStackModel(vocabularySize: vocabularySize, block: block, layerCount: layerCount,
                                                  maximumLength: maximumLength, positionalEncoding: positionalEncoding, specialTokens: specialTokens,
                                                  parameterCount: parameterCount)
        try prunedHeads?.validate(kinds: [.decoderSelf], layerCount: layerCount, headCount: block.headCount)
    }
}
