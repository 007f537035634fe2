/// Beam search with GNMT length normalization (Wu et al. 2016), over an ``IncrementalDecoder``.
///
/// For each source, up to N = `beamWidth` alive hypotheses (all of the same length) are extended together.
/// One step:
/// 1. Every alive hypothesis y gets log p(v | y, X) for every emittable token v (not padding, not `<sos>`);
///    candidate (y, v) has log P(y) + log p(v | y, X).
/// 2. The N best candidates by log-probability are kept (alive hypotheses share a length, so this is also
///    the best N by score). Ties: earlier beam, then lower token id. With ``FinishedSlots/refill`` the
///    candidates are taken in that order until N are alive (an `<eos>` candidate counts only when it is
///    among the best N), so the beam keeps its width as hypotheses end.
/// 3. Kept candidates ending in `<eos>` are finished: moved to the finished list with their score
///    score = log P / lp, lp = ``LengthPenalty``. The others stay alive; the cache rows are reordered by
///    their parents (``IncrementalDecoder/selectRows(_:)``).
/// 4. The search for that source stops when nothing is alive, when `maximumLength` steps are done (alive
///    hypotheses are then finished as incomplete), or when the best finished score is at least the best
///    score any alive hypothesis could still reach: log P(y) <= 0 only falls as tokens are added, so that
///    bound is log P(best alive) / max lp over the lengths still possible (``LengthPenalty``). Once it
///    holds, no continuation could win, so stopping loses nothing.
///
/// With N = 1 (and ``FinishedSlots/narrow``) this is exactly ``GreedyDecoder`` (same tokens, same
/// log-probabilities). With N at least
/// the number of candidates a step can have, nothing is pruned and the result is the exact optimum over
/// all outputs of at most `maximumLength` steps. Several sources are searched side by side in one batched
/// decoder, each with its own beam.
///
/// ```swift
/// let best = try BeamSearch.decode(model: model, source: [5, 6, 7], beamWidth: 4, lengthPenalty: 0.6,
///                                  maximumLength: 50)
/// ```
public enum BeamSearch {
    /// What becomes of a beam slot whose hypothesis ends with `<eos>`.
    public enum FinishedSlots: String, Sendable, CaseIterable {
        /// The slot is used up: of the N best candidates, the finished ones leave the beam and the rest stay
        /// alive, so the beam narrows as hypotheses end (GNMT's and OpenNMT's beam; the default). With
        /// N = 1 exactly greedy decoding.
        case narrow
        /// The slot goes to the next best candidate that does not end, so N hypotheses stay alive until
        /// the search stops (fairseq's and Hugging Face `transformers`' beam). More search for longer
        /// outputs: a narrowing beam favours the short hypotheses that end early.
        case refill
    }

    /// The best hypothesis (highest score) for one source. See
    /// ``nBest(model:sources:beamWidth:lengthPenalty:maximumLength:count:startToken:endToken:)``.
    public static func decode(model: any SequenceToSequenceModel, source: [Int], beamWidth: Int = 4, lengthPenalty: Float = 0.6,
                              maximumLength: Int, startToken: Int? = nil, endToken: Int? = nil,
                              finishedSlots: FinishedSlots = .narrow) throws(DecodingError) -> Hypothesis {
        try nBest(model: model, sources: [source], beamWidth: beamWidth, lengthPenalty: lengthPenalty,
                  maximumLength: maximumLength, count: 1, startToken: startToken, endToken: endToken,
                  finishedSlots: finishedSlots)[0][0]
    }

    /// The best hypothesis for each source, in order.
    public static func decode(model: any SequenceToSequenceModel, sources: [[Int]], beamWidth: Int = 4, lengthPenalty: Float = 0.6,
                              maximumLength: Int, startToken: Int? = nil, endToken: Int? = nil,
                              finishedSlots: FinishedSlots = .narrow) throws(DecodingError) -> [Hypothesis] {
        try nBest(model: model, sources: sources, beamWidth: beamWidth, lengthPenalty: lengthPenalty,
                  maximumLength: maximumLength, count: 1, startToken: startToken, endToken: endToken,
                  finishedSlots: finishedSlots).map { $0[0] }
    }

    /// Up to `count` finished hypotheses per source, best score first (ties: found first).
    ///
    /// - Parameters:
    ///   - sources: the encoder inputs exactly as in training (with ``Batch``: ids + `<eos>`), see
    ///     ``GreedyDecoder/decode(model:sources:maximumLength:startToken:endToken:batchSize:)``.
    ///   - beamWidth: N >= 1, the alive hypotheses kept per source.
    ///   - lengthPenalty: alpha of the ``LengthPenalty`` (0: no normalization).
    ///   - maximumLength: the most decoding steps (counting `<eos>`), clamped to the model's
    ///     `configuration.maximumLength`; 0 gives one empty, incomplete hypothesis.
    ///   - count: how many hypotheses to return per source (at least 1 comes back).
    ///   - finishedSlots: whether the beam narrows as hypotheses end (the default) or is refilled.
    /// - Throws: ``DecodingError`` for invalid ids, lengths or arguments, before any decoding.
    public static func nBest(model: any SequenceToSequenceModel, sources: [[Int]], beamWidth: Int = 4, lengthPenalty: Float = 0.6,
                             maximumLength: Int, count: Int, startToken: Int? = nil,
                             endToken: Int? = nil, finishedSlots: FinishedSlots = .narrow) throws(DecodingError) -> [[Hypothesis]] {
        let settings = try DecodingSettings(model: model, maximumLength: maximumLength,
                                            startToken: startToken, endToken: endToken)
        guard beamWidth >= 1 else { throw .invalidArgument(name: "beamWidth", expected: "at least 1", found: "\(beamWidth)") }
        guard count >= 1 else { throw .invalidArgument(name: "count", expected: "at least 1", found: "\(count)") }
        guard lengthPenalty.isFinite else {
            throw .invalidArgument(name: "lengthPenalty", expected: "a finite alpha", found: "\(lengthPenalty)")
        }
        let penalty = LengthPenalty(alpha: lengthPenalty)
        guard settings.maximumLength > 0 else {
            _ = try SourceBatch(sources, model: model)
            return sources.map { _ in [.empty] }
        }
        let decoder = try model.stepDecoder(sources: sources)
        var beams = sources.indices.map { _ in BeamState(penalty: penalty) }
        let vocabulary = model.targetVocabularySize
        for step in 0..<settings.maximumLength {
            // Rows of the decoder: the alive hypotheses of each unfinished source, source by source.
            let tokens = beams.flatMap { $0.isDone ? [] : $0.alive.map { $0.tokens.last ?? settings.startToken } }
            let logProbabilities = decoder.stepLogProbabilities(tokens)   // [R, V]
            var parents: [Int] = []
            var firstRow = 0
            for index in beams.indices where !beams[index].isDone {
                let rows = firstRow..<(firstRow + beams[index].alive.count)
                firstRow = rows.upperBound
                beams[index].advance(logProbabilities: logProbabilities, rows: rows, vocabulary: vocabulary,
                                     settings: settings, beamWidth: beamWidth, step: step, finishedSlots: finishedSlots)
                parents += beams[index].parents
            }
            if beams.allSatisfy(\.isDone) { break }
            decoder.selectRows(parents)
        }
        return beams.map { beam in Array(beam.rankedFinished.prefix(count)) }
    }
}
