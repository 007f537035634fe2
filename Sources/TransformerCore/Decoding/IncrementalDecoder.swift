/// Runs a trained ``Transformer``'s decoder one target position at a time, caching what earlier positions
/// computed, for greedy decoding and beam search.
///
/// At construction the sources are encoded once, and each decoder layer's cross-attention keys and values
/// are projected from the memory once:
///
///     memory = Encoder(PE(Embed(x)))           [B, S, C]
///     K_c^l = memory W_K^l,  V_c^l = memory W_V^l      [B, H, S, D] per layer l
///
/// Each ``step(_:)`` then feeds one new token per row at position t and computes, for that position only,
///
///     h = PE(Embed(y_t), offset: t)                                           [R, 1, C]
///     per layer: self-attention over cached K, V of positions 0...t (t's appended first; the causal mask is
///                implicit, later positions do not exist yet), cross-attention over K_c, V_c with the
///                source key-padding mask, feed-forward; each in the layer's own ResidualConnection
///     logits = projection(finalNorm(h))                                       [R, V]
///
/// which equals row t of ``Transformer/decode(_:memory:sourceMask:)`` on the whole prefix y_0...y_t (see
/// ``singleQueryAttention(queries:rowCount:headCount:headDimension:keys:values:keyCount:keyStride:keyOffset:mask:maskOffset:)``;
/// tests check it for pre- and post-norm, both positional encodings, and padded batches).
/// A step costs O(t) attention work per row and layer instead of O(t^2) for re-decoding the prefix.
///
/// Rows start as one per source; ``selectRows(_:)`` reorders, duplicates or drops them (beam search,
/// finished sequences), each row remembering which source it decodes. Every step runs under
/// ``Transformer/inferring(_:)``: no graph, dropout off, the model's training flag restored afterwards.
/// Precondition: a token fed is never ``Transformer/paddingIndex`` (the cache keeps no target padding mask).
public final class IncrementalDecoder {
    public let model: Transformer
    /// The encoder output `[B, S, C]`.
    public let memory: Tensor
    /// The source key-padding mask `[B, 1, 1, S]`.
    public let sourceMask: Tensor
    /// The self-attention cache.
    public private(set) var cache: KeyValueCache
    /// For each row, the index of the source (0..<B) it decodes.
    public private(set) var sourceRows: [Int]
    /// Per decoder layer, cross-attention keys and values `[B, H, S, D]`.
    private let crossKeys: [[Float]], crossValues: [[Float]]
    private let sourceLength: Int

    /// Encodes `sources` (validated and padded, see ``DecodingError`` for what throws) and precomputes the
    /// cross-attention keys and values.
    public init(model: Transformer, sources: [[Int]]) throws(DecodingError) {
        let batch = try SourceBatch(sources, configuration: model.configuration)
        let c = model.configuration
        let (memory, sourceMask, crossKeys, crossValues) = model.inferring {
            let (memory, sourceMask, _) = model.encode(batch.padded)   // [B, S, C], [B, 1, 1, S]
            let layers = model.decoder.layers
            return (memory, sourceMask,
                    layers.map { $0.crossAttention.key(memory).splittingHeads(c.headCount).scalars },
                    layers.map { $0.crossAttention.value(memory).splittingHeads(c.headCount).scalars })
        }
        self.model = model
        (self.memory, self.sourceMask, self.crossKeys, self.crossValues) = (memory, sourceMask, crossKeys, crossValues)
        sourceLength = memory.shape[1]
        cache = KeyValueCache(layerCount: c.layerCount, headCount: c.headCount, headDimension: c.headDimension,
                              rowCount: sources.count, capacity: min(c.maximumLength, 64))
        sourceRows = Array(sources.indices)
    }

    /// R, the number of rows being decoded.
    public var rowCount: Int { sourceRows.count }
    /// t, the position the next ``step(_:)`` decodes (the number of tokens fed so far).
    public var position: Int { cache.length }

    /// Feeds `tokens[r]` to row r at position ``position`` and returns the logits `[R, V]` for the next token.
    /// Precondition: one token per row, `position < configuration.maximumLength`.
    public func step(_ tokens: [Int]) -> Tensor {
        precondition(tokens.count == rowCount, "step needs one token per row (\(rowCount)), got \(tokens.count)")
        precondition(!tokens.contains(Transformer.paddingIndex), "step cannot feed the padding token")
        let c = model.configuration
        let (rows, t) = (rowCount, position)
        return model.inferring {
            var x = model.positionalEncoding(model.targetEmbedding(tokens.map { [$0] }), offset: t)   // [R, 1, C]
            for (l, layer) in model.decoder.layers.enumerated() {
                x = layer.selfAttentionResidual(x) { normed in
                    let attention = layer.selfAttention
                    cache.append(layer: l, keys: attention.key(normed).scalars, values: attention.value(normed).scalars)
                    let slotSize = cache.capacity * c.headDimension   // head (r, h)'s keys: contiguous
                    let heads = singleQueryAttention(                                        // [R, H, D]
                        queries: attention.query(normed).scalars, rowCount: rows, headCount: c.headCount,
                        headDimension: c.headDimension, keys: cache.keyStorage[l], values: cache.valueStorage[l],
                        keyCount: t + 1, keyStride: c.headDimension,
                        keyOffset: { r, h in (r * c.headCount + h) * slotSize },
                        mask: nil, maskOffset: { _ in 0 })
                    return attention.output(Tensor(shape: [rows, 1, c.modelDimension], scalars: heads))
                }
                x = layer.crossAttentionResidual(x) { normed in
                    let attention = layer.crossAttention
                    let (s, sources) = (sourceLength, sourceRows)
                    let heads = singleQueryAttention(                                        // [R, H, D]
                        queries: attention.query(normed).scalars, rowCount: rows, headCount: c.headCount,
                        headDimension: c.headDimension, keys: crossKeys[l], values: crossValues[l],
                        keyCount: s, keyStride: c.headDimension,
                        keyOffset: { r, h in (sources[r] * c.headCount + h) * s * c.headDimension },
                        mask: sourceMask.scalars, maskOffset: { r in sources[r] * s })
                    return attention.output(Tensor(shape: [rows, 1, c.modelDimension], scalars: heads))
                }
                x = layer.feedForwardResidual(x) { layer.feedForward($0) }
            }
            cache.commitPosition()
            let hidden = model.decoder.norm.map { $0(x) } ?? x                            // [R, 1, C]
            return model.projection(hidden).reshaped([rows, c.targetVocabularySize])        // [R, V]
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
