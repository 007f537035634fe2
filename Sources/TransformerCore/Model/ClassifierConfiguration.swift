/// Every hyperparameter of the ``EncoderClassifier``, in one validated value: the shared
/// ``BlockConfiguration``, the number of encoder blocks, the vocabulary, the classes and the pooling.
public struct ClassifierConfiguration: Equatable, Sendable, Codable, PrunableConfiguration {
    /// How the encoder's outputs become one vector per text.
    public enum Pooling: String, Sendable, Codable, CaseIterable {
        /// A learned `[CLS]` vector is put before the tokens; its encoder output is the text's vector
        /// (BERT, Devlin et al. 2019; ViT).
        case classToken = "cls"
        /// The mean of the encoder outputs over the real (non-padding) tokens.
        case mean
    }

    /// V, the vocabulary size (special tokens included).
    public var vocabularySize: Int
    /// K, the number of classes.
    public var classCount: Int
    public var block: BlockConfiguration
    /// N, the number of encoder blocks.
    public var layerCount: Int
    /// Positions the positional encoding covers: the longest text in tokens, plus one for `[CLS]`.
    public var maximumLength: Int
    public var positionalEncoding: TransformerConfiguration.PositionalEncodingKind
    public var pooling: Pooling
    public var specialTokens: SpecialTokens
    /// The heads pruning removed (``AttentionKind/encoderSelf`` entries); nil: none (and absent from JSON).
    public var prunedHeads: PrunedHeads?

    public init(vocabularySize: Int, classCount: Int, block: BlockConfiguration = BlockConfiguration(), layerCount: Int = 6,
                maximumLength: Int = 512, positionalEncoding: TransformerConfiguration.PositionalEncodingKind = .sinusoidal,
                pooling: Pooling = .classToken, specialTokens: SpecialTokens = .standard, prunedHeads: PrunedHeads? = nil) {
        self.vocabularySize = vocabularySize
        self.classCount = classCount
        self.block = block
        self.layerCount = layerCount
        self.maximumLength = maximumLength
        self.positionalEncoding = positionalEncoding
        self.pooling = pooling
        self.specialTokens = specialTokens
        self.prunedHeads = prunedHeads.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Trainable parameters in closed form: embedding V C, [CLS] C (cls pooling), learned positions,
    /// N blocks, the final norm (pre-norm), head K C + K, less the pruned heads' 4 C D + 3 D each.
    public var parameterCount: Int {
        let c = block.modelDimension
        return checkedSum([(-1, prunedHeads?.removedParameterCount(modelDimension: c, headDimension: block.headDimension) ?? 0),(vocabularySize, c), (pooling == .classToken ? 1 : 0, c),
                           (positionalEncoding == .learned ? maximumLength : 0, c),
                           (layerCount, block.parameterCount(crossAttention: false)),
                           (block.normPlacement == .pre ? 2 : 0, c), (classCount, c), (classCount, 1)])
    }

    public func validate() throws(ConfigurationError) {
        guard classCount >= 2 && classCount <= TransformerConfiguration.maximumSize else {
            throw ConfigurationError(field: .classCount, expected: "at least 2 classes", found: "\(classCount)")
        }
        try ConfigurationError.validateStackModel(vocabularySize: vocabularySize, block: block, layerCount: layerCount,
                                                  maximumLength: maximumLength, positionalEncoding: positionalEncoding, specialTokens: specialTokens,
                                                  parameterCount: parameterCount)
        try prunedHeads?.validate(kinds: [.encoderSelf], layerCount: layerCount, headCount: block.headCount)
    }
}
