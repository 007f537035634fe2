/// Greedy decoding: at every step emit the single most probable next token,
///
///     y_t = argmax_v log p(v | y_<t, X),   v not padding and not <sos>,
///
/// starting from `<sos>` and stopping at `<eos>` (not included in the output) or after `maximumLength`
/// steps. Padding and `<sos>` are never emitted (the model never learns them as labels); the reported
/// log-probabilities are the model's own, not renormalized over the remaining tokens. Ties go to the
/// lowest id.
///
/// Sources are decoded in batches with an ``IncrementalDecoder``: sorted by length so that a batch holds
/// similar lengths (little padding), and finished rows are dropped from the batch, so a step costs work
/// only for sequences still being decoded. Results come back in the order of `sources`, and a source's
/// result does not depend on which batch it landed in.
///
/// ```swift
/// let outputs = try GreedyDecoder.decode(model: model, sources: [[5, 6, 7], [8, 9]], maximumLength: 50)
/// print(outputs[0].tokens, outputs[0].logProbability)
/// ```
public enum GreedyDecoder {
    /// Decodes every source; see the type's documentation.
    ///
    /// - Parameters:
    ///   - sources: the encoder inputs, one array per sentence, exactly as the model saw them in training:
    ///     with ``Batch`` that is the sentence's ids followed by `<eos>` (`ids + [2]`); no padding needed.
    ///     Any length up to the model's `maximumLength`; an empty array is allowed (see ``SourceBatch``).
    ///   - maximumLength: the most steps to run (tokens emitted, counting `<eos>`); clamped to the model's
    ///     `configuration.maximumLength`, the positions its positional encoding covers. 0 returns empty,
    ///     incomplete hypotheses.
    ///   - startToken: the id fed first; nil: the model's ``SpecialTokens/start`` (`<sos>`).
    ///   - endToken: the id that ends a sequence; nil: the model's ``SpecialTokens/end`` (`<eos>`).
    ///   - batchSize: how many sources share one batched decoder.
    /// - Returns: one ``Hypothesis`` per source, in order.
    /// - Throws: ``DecodingError`` for invalid ids, lengths or arguments, before any decoding.
    public static func decode(model: any SequenceToSequenceModel, sources: [[Int]], maximumLength: Int,
                              startToken: Int? = nil, endToken: Int? = nil, batchSize: Int = 64) throws(DecodingError) -> [Hypothesis] {
        let settings = try DecodingSettings(model: model, maximumLength: maximumLength,
                                            startToken: startToken, endToken: endToken)
        guard batchSize >= 1 else {
            throw .invalidArgument(name: "batchSize", expected: "at least 1", found: "\(batchSize)")
        }
        _ = try SourceBatch(sources, model: model)   // validate everything up front
        // Longest first, ties in input order, so each batch holds similar lengths.
        let order = sources.indices.sorted { (sources[$0].count, $1) > (sources[$1].count, $0) }
        var results = [Hypothesis](repeating: .empty, count: sources.count)
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let members = Array(order[start..<min(start + batchSize, order.count)])
            let decoded = try decodeBatch(model: model, sources: members.map { sources[$0] }, settings: settings)
            for (index, hypothesis) in zip(members, decoded) { results[index] = hypothesis }
        }
        return results
    }

    /// Decodes one source; see ``decode(model:sources:maximumLength:startToken:endToken:batchSize:)``.
    public static func decode(model: any SequenceToSequenceModel, source: [Int], maximumLength: Int,
                              startToken: Int? = nil, endToken: Int? = nil) throws(DecodingError) -> Hypothesis {
        try decode(model: model, sources: [source], maximumLength: maximumLength,
                   startToken: startToken, endToken: endToken)[0]
    }

    /// One batch: every row steps together; a row that emits `<eos>` leaves the batch.
    static func decodeBatch(model: any SequenceToSequenceModel, sources: [[Int]], settings: DecodingSettings) throws(DecodingError) -> [Hypothesis] {
        var hypotheses = [Hypothesis](repeating: .empty, count: sources.count)
        guard settings.maximumLength > 0, !sources.isEmpty else { return hypotheses }
        let decoder = try model.stepDecoder(sources: sources)
        let vocabulary = model.targetVocabularySize
        var active = Array(sources.indices)                          // row r decodes source active[r]
        var tokens = [Int](repeating: settings.startToken, count: sources.count)
        for _ in 0..<settings.maximumLength {
            let logProbabilities = decoder.stepLogProbabilities(tokens)   // [R, V]
            var surviving: [Int] = []                                      // rows that go on
            for (row, index) in active.enumerated() {
                let offset = row * vocabulary
                let token = bestToken(logProbabilities, offset: offset, count: vocabulary, allowed: settings.emittable)
                let isEnd = token == settings.endToken
                hypotheses[index] = hypotheses[index].extended(by: token, logProbability: logProbabilities[offset + token],
                                                               isEnd: isEnd)
                if !isEnd { surviving.append(row) }
            }
            if surviving.isEmpty { break }
            if surviving.count < active.count { decoder.selectRows(surviving) }
            active = surviving.map { active[$0] }
            tokens = active.map { hypotheses[$0].tokens.last! }
        }
        return hypotheses
    }
}
