/// A recurrent sequence-to-sequence model with attention (Bahdanau, Cho and Bengio 2015; the GRU with
/// attention of the Pig-Latin assignment the seeds draw on), GRU or LSTM cells, optionally a
/// bidirectional encoder and stacked layers.
///
/// Data flow (B batch, S source length, T target length, H hidden size = embedding size, A encoder
/// state width = 2 H bidirectional or H, V target vocabulary):
///
///     encoder:  x_s = dropout(Embed_src(source_s))                                 [B, H] per s
///               m_1..m_S, final states = RecurrentEncoder(x_1..x_S)                 [B, S, A]
///     init:     s^l_0 = final forward state of encoder layer l              (unidirectional)
///               s^l_0 = tanh(W^l_bridge [f^l_final ; b^l_final] + b^l)      (bidirectional; LSTM c^l_0 = 0)
///     decoder, for t = 1..T, with y_0 = <sos>:
///               e_t = dropout(Embed_tgt(y_{t-1}))                                   [B, H]
///               c_t, a_t = Attention(query s^L_{t-1}, keys = values = m, source mask)   [B, H], [B, h, S]
///               s^1_t = Cell^1([e_t ; c_t], s^1_{t-1});  s^l_t = Cell^l(dropout(s^{l-1}_t), s^l_{t-1})
///               logits_t = W_out dropout([s^L_t ; c_t]) + b_out                     [B, V]
///
/// The attention is the package's ``AdditiveAttention`` (`v^T tanh(W_q q + W_k k)`, Bahdanau's) or
/// ``MultiHeadAttention`` (scaled dot product, Luong's "general" score with a key projection), with h
/// heads (1 by default), queries of H features, keys and values of A, output H. Its query is the
/// previous top decoder state, and the context enters the next state ("input feeding"), as in Bahdanau
/// et al. Deviations from the paper, stated: the readout is one linear layer over [s_t ; c_t] (Bahdanau
/// et al. use a maxout layer that also sees e_t); the attention has value and output projections (the
/// package's layers); dropout as listed above.
///
/// Unlike the Transformer, the decoder is sequential even in training: T steps, each a cell and an
/// attention over the S encoder states. ``decodeStep(_:state:memory:mask:)`` is that step; the
/// teacher-forced ``forward(source:targetInput:)`` and the incremental ``RecurrentStepDecoder`` both run it.
///
/// ```swift
/// let model = try RecurrentEncoderDecoder(configuration: .init(architecture: .gru, sourceVocabularySize: 30,
///                                         targetVocabularySize: 30, hiddenSize: 32), generator: SeededGenerator(seed: 0))
/// let logits = model.logits(source: [[5, 6, 2]], targetInput: [[1, 6, 5]])   // [1, 3, 30]
/// ```
public final class RecurrentEncoderDecoder: SequenceToSequenceModel {
    public static let family = ModelFamily.encoderDecoder

    public let configuration: RecurrentConfiguration
    public let sourceEmbedding: Embedding      // [V_src, H]
    public let targetEmbedding: Embedding      // [V, H]
    public let encoder: RecurrentEncoder
    /// Bidirectional only: per layer W_bridge [H, 2 H], b [H].
    public let bridges: [Linear]
    /// Layer 1 reads [e_t ; c_t] (2 H), later layers H.
    public let decoderCells: [any RecurrentCell]
    public let attention: any AttentionLayer
    public let projection: Linear              // W_out [V, 2 H], b_out [V]
    let dropout: Dropout

    /// Builds the model with weights drawn from `generator`; dropout masks are drawn from it later.
    /// Throws when the configuration is invalid.
    public init(configuration c: RecurrentConfiguration, generator: SeededGenerator) throws(ConfigurationError) {
        try c.validate()
        configuration = c
        let h = c.hiddenSize, a = c.encoderOutputSize
        sourceEmbedding = Embedding(vocabularySize: c.sourceVocabularySize, dimension: h, generator: generator)
        targetEmbedding = Embedding(vocabularySize: c.targetVocabularySize, dimension: h, generator: generator)
        encoder = RecurrentEncoder(architecture: c.architecture, inputSize: h, hiddenSize: h, layerCount: c.layerCount,
                                   bidirectional: c.bidirectional, generator: generator)
        bridges = c.bidirectional ? (0..<c.layerCount).map { _ in Linear(inputSize: 2 * h, outputSize: h, generator: generator) } : []
        decoderCells = (0..<c.layerCount).map {
            c.architecture.makeCell(inputSize: $0 == 0 ? 2 * h : h, hiddenSize: h, generator: generator)
        }
        let headSize = h / c.headCount
        switch c.attention {
        case .additive:
            attention = try AdditiveAttention(querySize: h, keySize: a, valueSize: a, headCount: c.headCount,
                                              headSize: headSize, outputSize: h, dropout: 0, generator: generator)
        case .dotProduct:
            attention = try MultiHeadAttention(querySize: h, keySize: a, valueSize: a, headCount: c.headCount,
                                               headDimension: headSize, outputSize: h, dropout: 0, generator: generator)
        }
        projection = Linear(inputSize: 2 * h, outputSize: c.targetVocabularySize, generator: generator)
        dropout = Dropout(probability: c.dropout, generator: generator)
    }

    public var children: [(name: String, layer: any Layer)] {
        [("sourceEmbedding", sourceEmbedding), ("targetEmbedding", targetEmbedding), ("encoder", encoder)]
            + indexedChildren("bridges", bridges) + indexedChildren("decoder", decoderCells)
            + [("attention", attention), ("projection", projection), ("dropout", dropout)]
    }

    public var specialTokens: SpecialTokens { configuration.specialTokens }
    public var configurationJSON: String { sortedJSON(configuration) }
    public var sourceVocabularySize: Int { configuration.sourceVocabularySize }
    public var targetVocabularySize: Int { configuration.targetVocabularySize }
    public var maximumLength: Int { configuration.maximumLength }
    public var architectureName: String { configuration.architecture.rawValue }

    /// The decoder's attention over the encoder states, as the one cross-attention of layer 0.
    public var attentionSites: [AttentionSite] {
        [AttentionSite(kind: .decoderCross, layer: 0, attention: attention, keptHeads: Array(0..<configuration.headCount))]
    }

    /// A recurrent model's heads are never pruned.
    public var prunedHeads: PrunedHeads { PrunedHeads() }

    /// The same model with fresh weights; throws for any pruned head (pruning is for Transformers).
    public func rebuilt(prunedHeads: PrunedHeads) throws(ConfigurationError) -> Self {
        guard prunedHeads.isEmpty else {
            throw ConfigurationError(field: .prunedHeads, expected: "no pruned heads (a recurrent model's attention cannot be pruned)",
                                     found: "\(prunedHeads)")
        }
        return try Self(configuration: configuration, generator: SeededGenerator(seed: 0))
    }

    /// What the encoder hands the decoder.
    public struct Memory {
        /// m, the encoder states `[B, S, A]`.
        public let states: Tensor
        /// The source key-padding mask `[B, 1, 1, S]`.
        public let mask: Tensor
        /// s_0, the decoder's initial state, one per layer.
        public let initialState: [RecurrentState]
    }

    /// Encodes right-padded source ids `[B, S]` (S >= 1).
    public func encode(_ source: [[Int]]) -> Memory {
        let (b, length, h) = (source.count, source.first?.count ?? 0, configuration.hiddenSize)
        let inputs = (0..<length).map { s in dropout(sourceEmbedding(source.map { [$0[s]] }).reshaped([b, h])) }   // S x [B, H]
        let keep = RecurrentEncoder.keepMasks(source, padding: specialTokens.padding)                             // S x [B, 1]
        let (outputs, final) = encoder(inputs, keep: keep)                                                         // S x [B, A]
        let states = Tensor.concatenate(outputs.map { $0.reshaped([b, 1, encoder.outputSize]) }, alongAxis: 1)     // [B, S, A]
        let initial: [RecurrentState] = configuration.bidirectional
            ? bridges.indices.map { l in
                let joined = Tensor.concatenate([final.forward[l].hidden, final.backward[l].hidden], alongAxis: 1)  // [B, 2H]
                return RecurrentState(hidden: bridges[l](joined).tanh(),
                                      cell: configuration.architecture == .lstm ? Tensor.zeros([b, h]) : nil)
            }
            : final.forward
        return Memory(states: states, mask: AttentionMask.keyPadding(source, paddingIndex: specialTokens.padding),
                      initialState: initial)
    }

    /// One decoder step for R rows: feeds y_{t-1} = `tokens` `[R]` with the previous state (one per
    /// layer) against encoder states `memory` `[R, S, A]` and `mask` `[R, 1, 1, S]`; returns the logits
    /// `[R, V]`, the new state and the attention weights `[R, h, 1, S]`.
    public func decodeStep(_ tokens: [Int], state: [RecurrentState], memory: Tensor,
                           mask: Tensor) -> (logits: Tensor, state: [RecurrentState], weights: Tensor) {
        let (r, h) = (tokens.count, configuration.hiddenSize)
        let embedded = dropout(targetEmbedding(tokens.map { [$0] }).reshaped([r, h]))                  // e_t [R, H]
        let query = state[state.count - 1].hidden.reshaped([r, 1, h])                                  // s^L_{t-1} [R, 1, H]
        let (attended, weights) = attention(query, memory, mask: mask)                                 // [R, 1, H], [R, h, 1, S]
        let context = attended.reshaped([r, h])                                                        // c_t [R, H]
        var input = Tensor.concatenate([embedded, context], alongAxis: 1)                              // [R, 2H]
        var next: [RecurrentState] = []
        for (layer, cell) in decoderCells.enumerated() {
            let s = cell(layer == 0 ? input : dropout(input), state[layer])                           // s^l_t [R, H]
            next.append(s)
            input = s.hidden
        }
        let features = Tensor.concatenate([input, context], alongAxis: 1)                             // [s^L_t ; c_t] [R, 2H]
        return (projection(dropout(features)), next, weights)
    }

    /// Teacher forcing: every step fed the true previous token. `keepWeights` false skips joining the
    /// attention weights (training needs only the logits).
    func run(source: [[Int]], targetInput: [[Int]], keepWeights: Bool) -> (logits: Tensor, weights: Tensor?) {
        let (b, length, v) = (targetInput.count, targetInput.first?.count ?? 0, targetVocabularySize)
        precondition(source.count == b, "source has \(source.count) rows, target input \(b)")
        let memory = encode(source)
        guard length > 0 else { return (Tensor.zeros([b, 0, v]), nil) }
        var state = memory.initialState
        var logits: [Tensor] = [], weights: [Tensor] = []
        for t in 0..<length {
            let step = decodeStep(targetInput.map { $0[t] }, state: state, memory: memory.states, mask: memory.mask)
            logits.append(step.logits.reshaped([b, 1, v]))                                             // [B, 1, V]
            if keepWeights { weights.append(step.weights) }                                            // [B, h, 1, S]
            state = step.state
        }
        return (Tensor.concatenate(logits, alongAxis: 1),                                             // [B, T, V]
                keepWeights ? Tensor.concatenate(weights, alongAxis: 2) : nil)                         // [B, h, T, S]
    }

    /// Logits `[B, T, V]` and the decoder's attention `[B, h, T, S]` as the one cross-attention layer
    /// (no self-attention).
    public func forward(source: [[Int]], targetInput: [[Int]]) -> TransformerOutput {
        let (logits, weights) = run(source: source, targetInput: targetInput, keepWeights: true)
        return TransformerOutput(logits: logits, attention: AttentionWeights(encoderSelf: [], decoderSelf: [],
                                                                             decoderCross: weights.map { [$0] } ?? []))
    }

    public func logits(source: [[Int]], targetInput: [[Int]]) -> Tensor {
        run(source: source, targetInput: targetInput, keepWeights: false).logits
    }

    public func stepDecoder(sources: [[Int]]) throws(DecodingError) -> any StepDecoder {
        try RecurrentStepDecoder(model: self, sources: sources)
    }
}
