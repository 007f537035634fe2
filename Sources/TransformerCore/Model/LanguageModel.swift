/// A decoder-only Transformer language model (GPT-style): the paper's decoder without cross-attention.
///
///     ids [B, T] -> embedding -> positionalEncoding -> N causal blocks -> projection -> logits [B, T, V]
///
/// Position t predicts token t + 1 from tokens 0...t (causal mask; padding keys masked too). A GPT block
/// is an encoder block with a causal mask: the same ``TransformerBlock``. With RoPE or ALiBi positions the
/// blocks' self-attentions encode positions and no table is added (see ``AttentionPositions``).
///
/// With a ``KeyValueCache`` the same forward runs one new token per row (``Generator`` uses it), each block
/// reading the keys and values of earlier positions from its cache.
///
/// ```swift
/// let model = try LanguageModel(configuration: .init(vocabularySize: 30,
///     block: .init(modelDimension: 32, headCount: 4, feedForwardDimension: 64), layerCount: 2, maximumLength: 64),
///     generator: SeededGenerator(seed: 0))
/// let logits = model([[5, 6, 7, 8]])   // [1, 4, 30]
/// ```
public final class LanguageModel: ConfiguredModel {
    public static let family = ModelFamily.decoderLanguageModel

    public let configuration: LanguageModelConfiguration
    public let embedding: Embedding                  // [V, C]
    public let positionalEncoding: PositionalEncoding
    public let decoder: TransformerStack             // N blocks: causal self-attention, FFN
    public let projection: Linear                    // [V, C] weight (the embedding's when tied), [V] bias

    public init(configuration c: LanguageModelConfiguration, generator: SeededGenerator) throws(ConfigurationError) {
        try c.validate()
        configuration = c
        let width = c.block.modelDimension
        embedding = Embedding(vocabularySize: c.vocabularySize, dimension: width, generator: generator)
        positionalEncoding = PositionalEncoding(kind: c.positionalEncoding, maximumLength: c.maximumLength,
                                                dimension: width, dropout: c.block.dropout, generator: generator)
        decoder = try TransformerStack(configuration: c.block, layerCount: c.layerCount, causal: true,
                                       crossAttention: false, prunedHeads: c.prunedHeads ?? PrunedHeads(),
                                       selfAttentionKind: .decoderSelf, positions: c.positionalEncoding, generator: generator)
        if c.tieEmbedding {
            let bound = 1 / Float(width).squareRoot()
            projection = Linear(weight: embedding.weight,
                                bias: Tensor.uniform([c.vocabularySize], in: -bound...bound, generator: generator, requiresGradient: true))
        } else {
            projection = Linear(inputSize: width, outputSize: c.vocabularySize, generator: generator)
        }
    }

    public var children: [(name: String, layer: any Layer)] {
        [("embedding", embedding), ("positionalEncoding", positionalEncoding), ("decoder", decoder), ("projection", projection)]
    }
    public var specialTokens: SpecialTokens { configuration.specialTokens }


    /// Logits `[B, T, V]` and each block's causal self-attention weights `[B, H, T, T]`. With a `cache`,
    /// `ids` holds one new token per row at position `cache.length` and no weights are returned.
    public func forward(_ ids: [[Int]], cache: KeyValueCache? = nil) -> (logits: Tensor, weights: [Tensor]) {
        let mask = cache == nil ? AttentionMask.target(ids, paddingIndex: specialTokens.padding) : nil   // [B, 1, T, T]
        let x = positionalEncoding(embedding(ids), offset: cache?.length ?? 0)                         // [B, T, C]
        let decoded = decoder(x, mask: mask, cache: cache)                                              // [B, T, C]
        return (projection(decoded.output), decoded.selfWeights)                                        // [B, T, V]
    }

    /// Logits `[B, T, V]`.
    public func callAsFunction(_ ids: [[Int]]) -> Tensor { forward(ids).logits }
}
