/// Runs a trained ``Transformer``'s decoder one target position at a time, caching what earlier positions
/// computed, for greedy decoding and beam search.
///
/// At construction the sources are encoded once; at the first step each decoder block's cross-attention
/// keys and values are projected from the memory, once:
///
///     memory = Encoder(PE(Embed(x)))           [B, S, C]
///     K_c^l = memory W_K^l,  V_c^l = memory W_V^l      [B, H, S, D] per layer l
///
/// Each ``step(_:)`` then feeds one new token per row at position t and runs the real decoder blocks with
/// their caches (``Transformer/decode(_:memory:sourceMask:cache:)``), computing for that position only
///
///     h = PE(Embed(y_t), offset: t)                                           [R, 1, C]
///     per layer: self-attention over cached K, V of positions 0...t (t's appended first; the causal mask is
///                implicit, later positions do not exist yet), cross-attention over K_c, V_c with the
///                source key-padding mask, feed-forward; each in the layer's own ResidualConnection
///     logits = projection(finalNorm(h))                                       [R, V]
///
/// which equals row t of ``Transformer/decode(_:memory:sourceMask:)`` on the whole prefix y_0...y_t (see
/// ``singleQueryAttention(queries:rowCount:headCount:headDimension:keys:values:keyCount:keyStride:keyOffset:mask:maskOffset:)``;
/// tests check it for pre- and post-norm, every positional encoding, and padded batches). With RoPE or
/// ALiBi (``AttentionPositions``) the self-attentions place the new token at position t themselves: RoPE
/// rotates its query and key by t (the cache holds rotated keys), ALiBi adds -m_h (t - j) to key j's score.
/// A step costs O(t) attention work per row and layer instead of O(t^2) for re-decoding the prefix.
///
/// Rows start as one per source; ``selectRows(_:)`` reorders, duplicates or drops them (beam search,
/// finished sequences), each row remembering which source it decodes. Every step runs under
/// ``Transformer/inferring(_:)``: no graph, dropout off, the model's training flag restored afterwards.
/// Precondition: a token fed is never the padding id (the cache keeps no target padding mask), unless the
/// model does not mask target padding (``TransformerConfiguration/maskTargetPadding`` false, as Hugging Face
/// models whose decoder starts with the padding id).
public final class IncrementalDecoder {
    public let model: Transformer
    /// The encoder output `[B, S, C]`.
    public let memory: Tensor
    /// The source key-padding mask `[B, 1, 1, S]`.
    public let sourceMask: Tensor
    /// Every decoder block's self- and cross-attention cache.
    public let cache: KeyValueCache
    /// For each row, the index of the source (0..<B) it decodes.
    public private(set) var sourceRows: [Int]

    /// Encodes `sources` (validated and padded, see ``DecodingError`` for what throws); the cross-attention
    /// keys and values are projected from the memory at the first step.
    public init(model: Transformer, sources: [[Int]]) throws(DecodingError) {
        let batch = try SourceBatch(sources, configuration: model.configuration)
        let (memory, sourceMask) = model.inferring {
            let (memory, sourceMask, _) = model.encode(batch.padded)   // [B, S, C], [B, 1, 1, S]
            return (memory, sourceMask)
        }
        self.model = model
        (self.memory, self.sourceMask) = (memory, sourceMask)
        cache = KeyValueCache(for: model.decoder, rowCount: sources.count,
                              capacity: min(model.configuration.maximumLength, 64))
        sourceRows = Array(sources.indices)
    }

    /// R, the number of rows being decoded.
    public var rowCount: Int { sourceRows.count }
    /// t, the position the next ``step(_:)`` decodes (the number of tokens fed so far).
    public var position: Int { cache.length }

    /// Feeds `tokens[r]` to row r at position ``position`` and returns the logits `[R, V]` for the next token:
    /// ``Transformer/decode(_:memory:sourceMask:cache:)`` with the cache, under ``Transformer/inferring(_:)``.
    /// Precondition: one token per row, `position < configuration.maximumLength`.
    public func step(_ tokens: [Int]) -> Tensor {
        precondition(tokens.count == rowCount, "step needs one token per row (\(rowCount)), got \(tokens.count)")
        precondition(!model.configuration.maskTargetPadding || !tokens.contains(model.specialTokens.padding),
                     "step cannot feed the padding token")
        return model.inferring {
            model.decode(tokens.map { [$0] }, memory: memory, sourceMask: sourceMask, cache: cache).logits
                .reshaped([rowCount, model.configuration.targetVocabularySize])                       // [R, V]
        }
    }

    /// log softmax of ``step(_:)``'s logits: log p(y_{t+1} | y_0..t, x) `[R, V]`, flattened row-major.
    public func stepLogProbabilities(_ tokens: [Int]) -> [Float] {
        let logits = step(tokens)
        return Tensor.softmaxRows(logits.scalars, width: model.configuration.targetVocabularySize, logarithm: true)
    }

    /// Keeps rows `rows` in that order (new row i continues old row `rows[i]`), in the cache and in the
    /// row-to-source map. An empty list leaves nothing to decode.
    public func selectRows(_ rows: [Int]) {
        cache.selectRows(rows)
        sourceRows = rows.map { sourceRows[$0] }
    }
}
