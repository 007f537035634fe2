/// Multi-head additive attention (Bahdanau, Cho and Bengio 2015, "Neural Machine Translation by Jointly
/// Learning to Align and Translate", appendix A.1.2), with the heads, masks, dropout and output of
/// ``MultiHeadAttention``. For each head h = 1..H, query position t and key position s:
///
///     e_h[t, s] = v_h^T tanh(W_q^h q_t + b_q^h + W_k^h k_s)            (the additive score)
///     a_h[t, s] = softmax_s(e_h[t, s] + M[t, s])                        (M: 0 or -inf, see AttentionMask)
///     head_h[t] = sum_s dropout(a_h)[t, s] (W_v^h v_s + b_v^h)
///     out[t]    = W^O Concat(head_1[t], ..., head_H[t]) + b^O
///
/// Sizes: queries d_q, keys d_k, values d_v, A = the per-head projection size (the width of the
/// scorer's tanh layer and of each value head), output d_out. Parameters (see ``parameterCount``):
///
///     W_q [H A, d_q] + b_q [H A]     W_k [H A, d_k]     v [H, A]     W_v [H A, d_v] + b_v [H A]
///     W^O [d_out, H A] + b^O [d_out]
///
/// Deviations from the paper, stated: Bahdanau et al. score one RNN decoder state against encoder states
/// with one head and no biases; here there are H heads as in Vaswani et al.'s multi-head attention, a
/// value projection (the paper attends to the annotations h_j directly) and an output projection, and
/// one bias inside the tanh on the query side. A key-side bias would be redundant (only b_q + b_k would
/// enter the tanh) and a bias on the score would cancel in the softmax, so neither exists.
///
/// Shapes: query input `[B, T, d_q]`, key input `[B, S, d_k]`, value input `[B, S, d_v]`, mask
/// broadcastable to `[B, H, T, S]` -> output `[B, T, d_out]` and weights `[B, H, T, S]` (before dropout).
///
/// Cost: the tanh layer is evaluated for every (t, s) pair, `[B, H, T, S, A]` values (dot-product
/// attention needs only the `[B, H, T, S]` scores), so it is slower and needs more memory for long
/// sequences. It is composed of existing differentiable ops (broadcast add, tanh, multiply, sum,
/// masked softmax, matmul), so its backward is theirs.
///
/// ```swift
/// let attention = try AdditiveAttention(modelDimension: 64, headCount: 4, dropout: 0.1, generator: g)
/// let (y, weights) = attention(x, memory, mask: sourceMask)   // [B, T, 64], [B, 4, T, S]
/// ```
public final class AdditiveAttention: Layer {
    public let headCount: Int
    /// A, the per-head projection size: the scorer's tanh width and each value head's width.
    public let headDimension: Int
    public let query: Linear     // W_q [H A, d_q], b_q [H A]
    public let key: Linear       // W_k [H A, d_k], no bias
    /// v: row h is v_h [A] (H stacked Linear(A -> 1) weights, no bias). Weight [H, A].
    public let scorer: Linear
    public let value: Linear     // W_v [H A, d_v], b_v [H A]
    public let output: Linear    // W^O [d_out, H A], b^O [d_out]
    /// ξ `[H]`, per-head gates before W^O (see ``AttentionLayer/headGate``); nil: all 1.
    public var headGate: Tensor? { willSet { Self.checkGate(newValue, headCount: headCount) } }
    let attentionDropout: Dropout

    /// The general layer: queries of `querySize` features, keys of `keySize`, values of `valueSize`,
    /// H = `headCount` heads each projecting to A = `headSize`, and `outputSize` output features.
    /// Throws when a size is not positive.
    public init(querySize: Int, keySize: Int, valueSize: Int, headCount: Int, headSize: Int, outputSize: Int,
                dropout: Float, generator: SeededGenerator) throws(ConfigurationError) {
        try ConfigurationError.checkSize(headCount, .headCount)
        for size in [querySize, keySize, valueSize, headSize, outputSize] {
            try ConfigurationError.checkSize(size, .modelDimension)
        }
        let inner = headCount * headSize
        self.headCount = headCount
        headDimension = headSize
        query = Linear(inputSize: querySize, outputSize: inner, generator: generator)
        key = Linear(inputSize: keySize, outputSize: inner, bias: false, generator: generator)
        scorer = Linear(inputSize: headSize, outputSize: headCount, bias: false, generator: generator)
        value = Linear(inputSize: valueSize, outputSize: inner, generator: generator)
        output = Linear(inputSize: inner, outputSize: outputSize, generator: generator)
        attentionDropout = Dropout(probability: dropout, generator: generator)
    }

    /// The Transformer block's layer: every size C = d_model, and A = D = C / H, so the scorer's tanh
    /// layer is C wide in all (D per head) and the parameters number 4 C^2 + 4 C, as many as
    /// ``MultiHeadAttention``'s 4 (C^2 + C) (no key bias, but v's C weights).
    /// Throws when `modelDimension` is not divisible by `headCount`.
    public convenience init(modelDimension: Int, headCount: Int, dropout: Float,
                            generator: SeededGenerator) throws(ConfigurationError) {
        guard headCount > 0, modelDimension % headCount == 0 else {
            throw ConfigurationError(field: .headCount, expected: "a divisor of d_model \(modelDimension)",
                                     found: "\(headCount)")
        }
        try self.init(querySize: modelDimension, keySize: modelDimension, valueSize: modelDimension,
                      headCount: headCount, headSize: modelDimension / headCount, outputSize: modelDimension,
                      dropout: dropout, generator: generator)
    }

    public var children: [(name: String, layer: any Layer)] {
        [("query", query), ("key", key), ("scorer", scorer), ("value", value), ("output", output),
         ("attentionDropout", attentionDropout)]
    }

    /// Attends from `queryInput` to `keyValueInput` (keys and values from the same tensor; the same as
    /// `queryInput` for self-attention), as ``MultiHeadAttention`` does.
    public func callAsFunction(_ queryInput: Tensor, _ keyValueInput: Tensor,
                               mask: Tensor?) -> (output: Tensor, weights: Tensor) {
        self(queryInput, key: keyValueInput, value: keyValueInput, mask: mask)
    }

    /// Attends from `queryInput` `[B, T, d_q]` to keys `[B, S, d_k]` with values `[B, S, d_v]`.
    public func callAsFunction(_ queryInput: Tensor, key keys: Tensor, value values: Tensor,
                               mask: Tensor?) -> (output: Tensor, weights: Tensor) {
        precondition(queryInput.rank == 3 && keys.rank == 3 && values.rank == 3
                     && keys.shape[0] == queryInput.shape[0] && values.shape[0] == queryInput.shape[0]
                     && keys.shape[1] == values.shape[1],
                     "additive attention needs query [B, T, d_q], key [B, S, d_k], value [B, S, d_v]; got \(queryInput.shape), \(keys.shape), \(values.shape)")
        // 1. Project queries and keys into each head's tanh layer: [B, H, T, A] and [B, H, S, A].
        let q = query(queryInput).splittingHeads(headCount), k = key(keys).splittingHeads(headCount)
        // 2. Score every (t, s) pair: e [B, H, T, S].
        let scores = additiveAttentionScores(query: q, key: k, scorer: scorer.weight)
        // 3. a = softmax(e + M) over s: [B, H, T, S] (the fused op of dot-product attention, scale 1).
        let weights = scores.scaledMaskedSoftmax(scale: 1, mask: mask)
        // 4. Weighted values per head, [B, H, T, A], concatenated to [B, T, H A], then W^O: [B, T, d_out].
        let heads = attentionDropout(weights).matmul(value(values).splittingHeads(headCount))
        return (output(gated(heads.mergingHeads())), weights)
    }

    /// Trainable parameters in closed form: H A (d_q + 1) + H A d_k + H A + H A (d_v + 1) + d_out (H A + 1)
    /// (W_q, b_q; W_k; v; W_v, b_v; W^O, b^O). The sequence lengths T and S do not enter.
    public static func parameterCount(querySize: Int, keySize: Int, valueSize: Int, headCount: Int,
                                      headSize: Int, outputSize: Int) -> Int {
        let inner = headCount * headSize
        return checkedSum([(inner, querySize + 1), (inner, keySize), (inner, 1), (inner, valueSize + 1),
                           (outputSize, inner + 1)])
    }
}

/// The additive scores of every head, query and key:
///
///     e[b, h, t, s] = sum_a v[h, a] tanh(q[b, h, t, a] + k[b, h, s, a])
///
/// q `[B, H, T, A]` (projected queries, bias included), k `[B, H, S, A]` (projected keys), v `[H, A]`
/// -> e `[B, H, T, S]`. Composed of broadcast add (`[B, H, T, 1, A] + [B, H, 1, S, A]`), tanh,
/// broadcast multiply and a sum over A, each differentiable, so the backward is theirs:
/// de/dq[t, a] = sum_s v[a] (1 - tanh^2), de/dk[s, a] = sum_t v[a] (1 - tanh^2), de/dv[a] = sum tanh.
public func additiveAttentionScores(query q: Tensor, key k: Tensor, scorer v: Tensor) -> Tensor {
    precondition(q.rank == 4 && k.rank == 4 && q.shape[0] == k.shape[0] && q.shape[1] == k.shape[1]
                 && q.shape[3] == k.shape[3] && v.shape == [q.shape[1], q.shape[3]],
                 "additive scores need q [B, H, T, A], k [B, H, S, A], v [H, A]; got \(q.shape), \(k.shape), \(v.shape)")
    let (b, h, t, a, s) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3], k.shape[2])
    let hidden = (q.reshaped([b, h, t, 1, a]) + k.reshaped([b, h, 1, s, a])).tanh()   // [B, H, T, S, A]
    return (hidden * v.reshaped([1, h, 1, 1, a])).sum(alongAxis: 4)                  // [B, H, T, S]
}

extension AdditiveAttention: AttentionLayer {
    public var scoring: AttentionScoring { .additive }

    /// The same attention for one new query position per row, with the projected keys W_k k_s and values
    /// of earlier positions read from `cache` (inference only: no graph, no dropout). Shapes: query input
    /// `[R, 1, C]` -> `[R, 1, d_out]`. The cache holds per head the A-wide projected keys (what the
    /// tanh layer adds to each query's projection) and values, exactly as for dot-product attention:
    ///
    /// - Self-attention cache: the new position's projected key and value (from `keyValueInput`, the same
    ///   `[R, 1, C]` tensor) are appended first; the causal mask is implicit and `mask` is ignored.
    /// - Cross-attention cache: on first use the memory `keyValueInput` `[B, S, C]` is projected once; every
    ///   call attends to row r's memory row with `mask` (the key-padding mask `[B, 1, 1, S]`).
    ///
    /// Equals the row of the full computation to Float32 rounding (see ``singleQueryAdditiveAttention``).
    public func callAsFunction(_ queryInput: Tensor, _ keyValueInput: Tensor, mask: Tensor?,
                               cache: AttentionCache) -> Tensor {
        let (rows, h, a) = (queryInput.shape[0], headCount, headDimension)
        precondition(queryInput.rank == 3 && queryInput.shape[1] == 1 && rows == cache.rowCount
                     && cache.headCount == h && cache.headDimension == a,
                     "cached attention takes one position per row [\(cache.rowCount), 1, d_q] and a cache of \(h) heads of \(a), got \(queryInput.shape) and \(cache.headCount) x \(cache.headDimension)")
        let maskScalars: [Float]?
        switch cache.role {
        case .selfAttention:
            cache.append(keys: key(keyValueInput).scalars, values: value(keyValueInput).scalars)   // [R, H, A] each
            maskScalars = nil
        case .crossAttention:
            if !cache.isFilled { cache.fill(keys: key(keyValueInput), values: value(keyValueInput)) }
            maskScalars = mask?.scalars                                                              // [B, S]
        }
        let (keyCount, capacity, memoryRows) = (cache.length, cache.capacity, cache.memoryRows)
        let heads = singleQueryAdditiveAttention(                                                    // [R, H, A]
            queries: query(queryInput).scalars, scorer: scorer.weight.scalars, rowCount: rows, headCount: h,
            headDimension: a, keys: cache.keyStorage, values: cache.valueStorage, keyCount: keyCount, keyStride: a,
            keyOffset: { r, head in (memoryRows[r] * h + head) * capacity * a },
            mask: maskScalars, maskOffset: { r in memoryRows[r] * keyCount })
        return output(gated(Tensor(shape: [rows, 1, h * a], scalars: heads)))                               // [R, 1, d_out]
    }
}
