/// An encoder with a classification head: the encoder-only Transformer (BERT-style) that the seed's IMDB
/// review classifier builds. Shapes with K classes:
///
///     ids [B, S] -> embedding -> ([CLS] prepended: [B, 1 + S, C]) -> positionalEncoding
///         -> encoder (self-attention, key padding masked) -> pool -> [B, C] -> head -> logits [B, K]
///
/// Pooling (``ClassifierConfiguration/Pooling``): the encoder output at the learned `[CLS]` position, or
/// the mean over the real tokens. Deviation stated: the `[CLS]` vector is a parameter put before the
/// embedded tokens (as ViT's class token), not a vocabulary entry, so tokenizers need no extra id. With
/// RoPE or ALiBi positions `[CLS]` is position 0 of every self-attention (ALiBi's bias is symmetric here,
/// -m_h |i - j|, see ``LinearBiases``).
///
/// ```swift
/// let model = try EncoderClassifier(configuration: .init(vocabularySize: 20, classCount: 2,
///     block: .init(modelDimension: 32, headCount: 4, feedForwardDimension: 64), layerCount: 2),
///     generator: SeededGenerator(seed: 0))
/// let logits = model([[4, 5, 6], [7, 8, 0]])   // [2, 2]
/// ```
public final class EncoderClassifier: ConfiguredModel {
    public static let family = ModelFamily.encoderClassifier

    public let configuration: ClassifierConfiguration
    public let embedding: Embedding                  // [V, C]
    /// The learned `[CLS]` vector `[1, 1, C]` (cls pooling only).
    public let classToken: Tensor?
    public let positionalEncoding: PositionalEncoding
    public let encoder: TransformerStack             // N blocks: self-attention, FFN
    public let head: Linear                          // [K, C] weight, [K] bias

    public init(configuration c: ClassifierConfiguration, generator: SeededGenerator) throws(ConfigurationError) {
        try c.validate()
        configuration = c
        let width = c.block.modelDimension
        embedding = Embedding(vocabularySize: c.vocabularySize, dimension: width, generator: generator)
        classToken = c.pooling == .classToken
            ? Tensor.normal([1, 1, width], standardDeviation: 0.02, generator: generator, requiresGradient: true) : nil
        positionalEncoding = PositionalEncoding(kind: c.positionalEncoding, maximumLength: c.maximumLength,
                                                dimension: width, dropout: c.block.dropout, generator: generator)
        encoder = try TransformerStack(configuration: c.block, layerCount: c.layerCount, causal: false,
                                       crossAttention: false, prunedHeads: c.prunedHeads ?? PrunedHeads(),
                                       selfAttentionKind: .encoderSelf, positions: c.positionalEncoding, generator: generator)
        head = Linear(inputSize: width, outputSize: c.classCount, generator: generator)
    }

    public var ownParameters: [NamedParameter] { classToken.map { [("classToken", $0)] } ?? [] }
    public var children: [(name: String, layer: any Layer)] {
        [("embedding", embedding), ("positionalEncoding", positionalEncoding), ("encoder", encoder), ("head", head)]
    }
    public var specialTokens: SpecialTokens { configuration.specialTokens }


    /// The longest text, in tokens, the model takes (one position goes to `[CLS]`).
    public var maximumTokens: Int { configuration.maximumLength - (classToken == nil ? 0 : 1) }

    /// Logits `[B, K]` and each block's self-attention weights `[B, H, S', S']` for right-padded ids
    /// `[B, S]` (S' = 1 + S with `[CLS]` first, else S).
    public func forward(_ ids: [[Int]]) -> (logits: Tensor, weights: [Tensor]) {
        let (batch, length) = (ids.count, ids.first?.count ?? 0)
        let padding = specialTokens.padding
        var x = embedding(ids)                                                               // [B, S, C]
        var keep = ids.map { row in row.map { $0 == padding ? 0 : 1 } }                      // real tokens
        if let classToken {
            let broadcast = classToken + Tensor.zeros([batch, 1, configuration.block.modelDimension])   // [B, 1, C]
            x = Tensor.concatenate([broadcast, x], alongAxis: 1)                             // [B, 1 + S, C]
            keep = keep.map { [1] + $0 }
        }
        let mask = AttentionMask.keyPadding(keep, paddingIndex: 0)                           // [B, 1, 1, S']
        let encoded = encoder(positionalEncoding(x), mask: mask)                             // [B, S', C]
        let width = length + (classToken == nil ? 0 : 1)
        let poolWeights: [Float] = keep.flatMap { row -> [Float] in
            if classToken != nil { return [1] + [Float](repeating: 0, count: width - 1) }   // the [CLS] position
            let n = Float(max(1, row.reduce(0, +)))
            return row.map { Float($0) / n }                                                 // mean of real tokens
        }
        let pooled = encoded.output.weightedPositionSum(poolWeights)                          // [B, C]
        return (head(pooled), encoded.selfWeights)                                           // [B, K]
    }

    /// Logits `[B, K]`.
    public func callAsFunction(_ ids: [[Int]]) -> Tensor { forward(ids).logits }
}
