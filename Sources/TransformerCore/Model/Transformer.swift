/// The encoder-decoder Transformer of "Attention Is All You Need" (Vaswani et al. 2017).
///
/// Data flow (shapes with B batch, S source length, T target length, C = d_model, V target vocabulary):
///
///     source ids [B, S] -> sourceEmbedding -> positionalEncoding -> encoder -> memory [B, S, C]
///     target input ids [B, T] -> targetEmbedding -> positionalEncoding
///         -> decoder(memory) -> [B, T, C] -> projection -> logits [B, T, V]
///
/// With RoPE or ALiBi positions (``TransformerConfiguration/PositionalEncodingKind/rotary``,
/// ``TransformerConfiguration/PositionalEncodingKind/linearBiases``) `positionalEncoding` only scales the
/// embeddings by sqrt(d_model) and applies dropout; the encoder's and the decoder's self-attentions encode
/// the positions, the cross-attention none (see ``AttentionPositions``).
///
/// The configuration's ``SpecialTokens/padding`` id is padding: it is masked as a key in every attention (in the
/// decoder's self-attention only when ``TransformerConfiguration/maskTargetPadding``). The decoder's
/// self-attention is also causal. Every attention's weights are returned by ``forward(source:targetInput:)``
/// for plotting; nothing is stored on the model.
///
/// ```swift
/// let model = try Transformer(configuration: .init(modelDimension: 32, headCount: 4, layerCount: 2,
///                                                  feedForwardDimension: 64),
///                             generator: SeededGenerator(seed: 0))
/// let logits = model(source: [[3, 4, 5]], targetInput: [[1, 3, 4]])   // [1, 3, 10]
/// ```
public final class Transformer: ConfiguredModel {
    public static let family = ModelFamily.encoderDecoder

    public let configuration: TransformerConfiguration
    public let sourceEmbedding: Embedding        // [V_src, C] (the targetEmbedding itself when shared)
    public let targetEmbedding: Embedding        // [V, C]
    public let positionalEncoding: PositionalEncoding
    public let encoder: TransformerStack         // N blocks: self-attention, FFN
    public let decoder: TransformerStack         // N blocks: causal self-attention, cross-attention, FFN
    public let projection: Linear                // [V, C] weight (shared with targetEmbedding when tied), [V] bias

    /// Builds the model with weights drawn from `generator`; dropout masks are drawn from it later.
    /// Throws when the configuration is invalid.
    public init(configuration c: TransformerConfiguration, generator: SeededGenerator) throws(ConfigurationError) {
        try c.validate()
        configuration = c
        if c.shareSourceEmbedding {
            targetEmbedding = Embedding(vocabularySize: c.targetVocabularySize, dimension: c.modelDimension, generator: generator)
            sourceEmbedding = targetEmbedding
        } else {
            sourceEmbedding = Embedding(vocabularySize: c.sourceVocabularySize, dimension: c.modelDimension, generator: generator)
            targetEmbedding = Embedding(vocabularySize: c.targetVocabularySize, dimension: c.modelDimension, generator: generator)
        }
        positionalEncoding = PositionalEncoding(kind: c.positionalEncoding, maximumLength: c.maximumLength,
                                                dimension: c.modelDimension, dropout: c.dropout,
                                                scalesEmbedding: c.scaleEmbedding, generator: generator)
        let pruned = c.prunedHeads ?? PrunedHeads()
        encoder = try TransformerStack(configuration: c.block, layerCount: c.layerCount, causal: false,
                                       crossAttention: false, prunedHeads: pruned, selfAttentionKind: .encoderSelf,
                                       positions: c.positionalEncoding, generator: generator)
        decoder = try TransformerStack(configuration: c.block, layerCount: c.layerCount, causal: true,
                                       crossAttention: true, prunedHeads: pruned, selfAttentionKind: .decoderSelf,
                                       positions: c.positionalEncoding, generator: generator)
        if c.tieTargetEmbedding {
            let bound = 1 / Float(c.modelDimension).squareRoot()
            projection = Linear(weight: targetEmbedding.weight,
                                bias: Tensor.uniform([c.targetVocabularySize], in: -bound...bound,
                                                     generator: generator, requiresGradient: true))
        } else {
            projection = Linear(inputSize: c.modelDimension, outputSize: c.targetVocabularySize, generator: generator)
        }
    }

    public var children: [(name: String, layer: any Layer)] {
        [("sourceEmbedding", sourceEmbedding), ("targetEmbedding", targetEmbedding),
         ("positionalEncoding", positionalEncoding), ("encoder", encoder), ("decoder", decoder),
         ("projection", projection)]
    }

    /// The padding, start, end and unknown ids (from the configuration).
    public var specialTokens: SpecialTokens { configuration.specialTokens }


    /// Encodes source ids `[B, S]` into memory `[B, S, C]`; also returns the source mask `[B, 1, 1, S]`
    /// and each encoder layer's self-attention weights `[B, H, S, S]`.
    public func encode(_ source: [[Int]]) -> (memory: Tensor, sourceMask: Tensor, weights: [Tensor]) {
        let sourceMask = AttentionMask.keyPadding(source, paddingIndex: specialTokens.padding)
        let embedded = positionalEncoding(sourceEmbedding(source))                    // [B, S, C]
        let encoded = encoder(embedded, mask: sourceMask)                              // [B, S, C]
        return (encoded.output, sourceMask, encoded.selfWeights)
    }

    /// Decodes target input ids `[B, T]` against memory `[B, S, C]` into logits `[B, T, V]`, with each
    /// decoder layer's self-attention `[B, H, T, T]` and cross-attention `[B, H, T, S]` weights.
    ///
    /// With a `cache` (see ``IncrementalDecoder``) the same code runs incrementally: `targetInput` holds
    /// one new token per row at position t = `cache.length`, the blocks read earlier positions from the
    /// cache, and no weights are returned.
    public func decode(_ targetInput: [[Int]], memory: Tensor, sourceMask: Tensor, cache: KeyValueCache? = nil)
        -> (logits: Tensor, selfWeights: [Tensor], crossWeights: [Tensor]) {
        let targetMask = cache != nil ? nil                                                              // [B, 1, T, T]
            : configuration.maskTargetPadding ? AttentionMask.target(targetInput, paddingIndex: specialTokens.padding)
            : AttentionMask.causal(targetInput.first?.count ?? 0)
        let embedded = positionalEncoding(targetEmbedding(targetInput), offset: cache?.length ?? 0)   // [B, T, C]
        let decoded = decoder(embedded, mask: targetMask, memory: memory, memoryMask: sourceMask, cache: cache)
        return (projection(decoded.output), decoded.selfWeights, decoded.crossWeights)
    }

    /// The full forward pass with every attention map.
    public func forward(source: [[Int]], targetInput: [[Int]]) -> TransformerOutput {
        let encoded = encode(source)
        let decoded = decode(targetInput, memory: encoded.memory, sourceMask: encoded.sourceMask)
        return TransformerOutput(logits: decoded.logits,
                                 attention: AttentionWeights(encoderSelf: encoded.weights,
                                                             decoderSelf: decoded.selfWeights,
                                                             decoderCross: decoded.crossWeights))
    }

    /// Logits `[B, T, V]` for source ids `[B, S]` and target input ids `[B, T]` (teacher forcing).
    public func callAsFunction(source: [[Int]], targetInput: [[Int]]) -> Tensor {
        forward(source: source, targetInput: targetInput).logits
    }
}

/// What one forward pass computed: the logits and every attention map.
public struct TransformerOutput {
    /// `[B, T, V]`.
    public let logits: Tensor
    public let attention: AttentionWeights
}

/// Per-layer, per-head attention weights of one forward pass (each row sums to 1).
public struct AttentionWeights {
    /// One `[B, H, S, S]` tensor per encoder layer.
    public let encoderSelf: [Tensor]
    /// One `[B, H, T, T]` tensor per decoder layer (causal).
    public let decoderSelf: [Tensor]
    /// One `[B, H, T, S]` tensor per decoder layer.
    public let decoderCross: [Tensor]
}
