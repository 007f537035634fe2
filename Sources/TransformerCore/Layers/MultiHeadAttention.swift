/// Multi-head attention (paper §3.2.2):
///
///     MultiHead(Q, K, V) = Concat(head_1, ..., head_h) W^O,  head_i = Attention(Q W_i^Q, K W_i^K, V W_i^V)
///
/// The h per-head projections are one `[H D, C]` Linear each (with biases), whose output is split into
/// heads of D features; unpruned, D = C / H and H D = C. A pruned attention (``PrunedHeads``) keeps
/// H' < C / D heads, so its inner width H' D is less than C. Shapes: query input `[B, T, C]`, key/value
/// input `[B, S, C]`, mask broadcastable to `[B, H, T, S]` -> output `[B, T, C]` and per-head weights
/// `[B, H, T, S]`.
///
/// ``headGate``, when set, multiplies each head's output by its gate g_h before W^O
/// (Concat(g_1 head_1, ..., g_h head_h) W^O; Michel et al. 2019's ξ_h): 0 masks a head, and the gradient
/// of the loss with respect to the gates is the head-importance proxy.
///
/// ``positions``, when set (the self-attentions of a model with RoPE or ALiBi positions), encodes the
/// positions inside the attention: RoPE rotates the projected queries and keys, ALiBi adds its biases to
/// the mask (see ``AttentionPositions``).
public final class MultiHeadAttention: Layer {
    public let headCount: Int
    /// D, the width of each head.
    public let headDimension: Int
    public let query: Linear    // W^Q [H D, C] (general layer: [H D, d_q]); unpruned, H D = C
    public let key: Linear      // W^K [H D, C] ([H D, d_k])
    public let value: Linear    // W^V [H D, C] ([H D, d_v])
    public let output: Linear   // W^O [C, H D] ([d_out, H D])
    let attentionDropout: Dropout
    /// g `[H]`, one gate per head; nil means every gate is 1 (and costs nothing). Not a parameter: it is
    /// neither trained nor saved. A gate tensor that requires a gradient receives dL/dg in backward.
    public var headGate: Tensor? { willSet { Self.checkGate(newValue, headCount: headCount) } }
    /// RoPE or ALiBi applied by this attention to its queries' and keys' positions; nil: none (positions, if
    /// any, came with the embeddings). Not a parameter.
    public let positions: AttentionPositions?

    /// Throws when `modelDimension` is not divisible by `headCount`, or `positions` does not fit the heads.
    public convenience init(modelDimension: Int, headCount: Int, dropout: Float, positions: AttentionPositions? = nil,
                            generator: SeededGenerator) throws(ConfigurationError) {
        guard headCount > 0, modelDimension % headCount == 0 else {
            throw ConfigurationError(field: .headCount, expected: "a divisor of d_model \(modelDimension)",
                                     found: "\(headCount)")
        }
        try self.init(querySize: modelDimension, keySize: modelDimension, valueSize: modelDimension,
                      headCount: headCount, headDimension: modelDimension / headCount, outputSize: modelDimension,
                      dropout: dropout, positions: positions, generator: generator)
    }

    /// The general layer: queries of `querySize` features, keys of `keySize`, values of `valueSize`, H =
    /// `headCount` heads of D = `headDimension` (W^Q [H D, d_q], W^K [H D, d_k], W^V [H D, d_v], with
    /// biases) and W^O [`outputSize`, H D]. Throws when a size is not positive, or when `positions` does not
    /// fit H heads of D (RoPE's D, ALiBi's H slopes). A pruned attention of a block is one of these with H'
    /// heads of the unpruned D = C / H.
    public init(querySize: Int, keySize: Int, valueSize: Int, headCount: Int, headDimension: Int, outputSize: Int,
                dropout: Float, positions: AttentionPositions? = nil, generator: SeededGenerator) throws(ConfigurationError) {
        try ConfigurationError.checkSize(headCount, .headCount)
        for size in [querySize, keySize, valueSize, headDimension, outputSize] {
            try ConfigurationError.checkSize(size, .modelDimension)
        }
        if let positions, !positions.fits(headCount: headCount, headDimension: headDimension) {
            throw ConfigurationError(field: .positionalEncoding, expected: "positions for \(headCount) heads of \(headDimension)",
                                     found: "\(positions)")
        }
        self.positions = positions
        let inner = headCount * headDimension
        self.headCount = headCount
        self.headDimension = headDimension
        query = Linear(inputSize: querySize, outputSize: inner, generator: generator)
        key = Linear(inputSize: keySize, outputSize: inner, generator: generator)
        value = Linear(inputSize: valueSize, outputSize: inner, generator: generator)
        output = Linear(inputSize: inner, outputSize: outputSize, generator: generator)
        attentionDropout = Dropout(probability: dropout, generator: generator)
    }

    public var children: [(name: String, layer: any Layer)] {
        [("query", query), ("key", key), ("value", value), ("output", output), ("attentionDropout", attentionDropout)]
    }

    /// Attends from `queryInput` to `keyValueInput` (the same tensor for self-attention).
    public func callAsFunction(_ queryInput: Tensor, _ keyValueInput: Tensor,
                               mask: Tensor?) -> (output: Tensor, weights: Tensor) {
        self(queryInput, key: keyValueInput, value: keyValueInput, mask: mask)
    }

    /// Attends from `queryInput` `[B, T, d_q]` to keys `[B, S, d_k]` with values `[B, S, d_v]` (the
    /// general layer's inputs may differ in width).
    public func callAsFunction(_ queryInput: Tensor, key keyInput: Tensor, value valueInput: Tensor,
                               mask: Tensor?) -> (output: Tensor, weights: Tensor) {
        // 1. Project: [B, T, H D] and [B, S, H D]; head h is columns h*D..<(h+1)*D of each.
        var q = query(queryInput), k = key(keyInput), mask = mask
        let v = value(valueInput)
        // 1b. Positions inside the attention, when this layer has them (query t and key s at positions t, s):
        //     RoPE rotates q and k in place of shape; ALiBi adds -m_h |t - s| to the mask -> [B or 1, H, T, S].
        switch positions {
        case .rotary(let rotary)?: (q, k) = (rotary(q), rotary(k))
        case .linearBiases(let biases)?: mask = biases.adding(to: mask, queryCount: q.shape[1], keyCount: k.shape[1])
        case nil: break
        }
        // 2. Attend in every head at once, reading the heads in place and writing them concatenated:
        //    [B, T, H D], weights [B, H, T, S] (see Tensor.multiHeadAttention).
        let (heads, weights) = q.multiHeadAttention(key: k, value: v, headCount: headCount, mask: mask,
                                                    dropout: attentionDropout)
        // 3. Gate the heads when asked, then mix them: [B, T, H D] -> W^O -> [B, T, C].
        return (output(gated(heads)), weights)
    }

    /// The same attention for one new query position per row, with the keys and values of earlier
    /// positions read from `cache` (inference only: no graph, no dropout). Shapes: query input `[R, 1, C]`.
    ///
    /// - Self-attention cache: the new position's keys and values, projected from `keyValueInput` (the same
    ///   `[R, 1, C]` tensor), are appended first; the query then attends to positions 0...t, so the causal
    ///   mask is implicit and `mask` is ignored.
    /// - Cross-attention cache: on first use the memory `keyValueInput` `[B, S, C]` is projected once; every
    ///   call attends to row r's memory row with `mask` (the memory's key-padding mask `[B, 1, 1, S]`).
    /// - ``positions`` (self-attention only): the new query and key are at position t = the cache's length
    ///   before the append; RoPE rotates both by t before the key is stored (the cache holds rotated keys),
    ///   ALiBi's mask is -m_h (t - j) for the cached keys j = 0...t, one row per head.
    ///
    /// Equals the row of the full computation to Float32 rounding (see ``singleQueryAttention``).
    public func callAsFunction(_ queryInput: Tensor, _ keyValueInput: Tensor, mask: Tensor?,
                               cache: AttentionCache) -> Tensor {
        let (rows, h, d) = (queryInput.shape[0], headCount, headDimension)
        precondition(queryInput.rank == 3 && queryInput.shape[1] == 1 && rows == cache.rowCount,
                     "cached attention takes one position per row [\(cache.rowCount), 1, C], got \(queryInput.shape)")
        var queries = query(queryInput)                                                              // [R, 1, H D]
        let maskScalars: [Float]?, perHeadMask: Bool
        switch cache.role {
        case .selfAttention:
            let t = cache.length                                                                     // the new position
            var keys = key(keyValueInput)                                                            // [R, 1, H D]
            if case .rotary(let rotary)? = positions { (queries, keys) = (rotary(queries, offset: t), rotary(keys, offset: t)) }
            cache.append(keys: keys.scalars, values: value(keyValueInput).scalars)                   // [R, H, D] each
            if case .linearBiases(let biases)? = positions {
                maskScalars = biases.bias(queryCount: 1, keyCount: t + 1, queryOffset: t).scalars   // [H, t + 1]
            } else {
                maskScalars = nil
            }
            perHeadMask = true
        case .crossAttention:
            if !cache.isFilled { cache.fill(keys: key(keyValueInput), values: value(keyValueInput)) }
            maskScalars = mask?.scalars                                                              // [B, S]
            perHeadMask = false
        }
        let (keyCount, capacity, memoryRows) = (cache.length, cache.capacity, cache.memoryRows)
        let heads = singleQueryAttention(                                                            // [R, H, D]
            queries: queries.scalars, rowCount: rows, headCount: h, headDimension: d,
            keys: cache.keyStorage, values: cache.valueStorage, keyCount: keyCount, keyStride: d,
            keyOffset: { r, head in (memoryRows[r] * h + head) * capacity * d },
            mask: maskScalars, maskOffset: { r, head in perHeadMask ? head * keyCount : memoryRows[r] * keyCount })
        return output(gated(Tensor(shape: [rows, 1, h * d], scalars: heads)))                       // [R, 1, C]
    }
}
