import Foundation

/// Beam search as `transformers`' `generate` runs it with `num_beams = N > 1` and `do_sample = false`
/// (`GenerationMixin._beam_search`, the vectorized version of transformers 4.50+; checked against 5.23),
/// step for step and in the same Float32 arithmetic, so that the same ids come out.
///
/// Per source, N running beams (all but the first start at score -1e9, so the first step expands one beam)
/// and N finished slots (score -1e9, empty). One step at `cur_len` (tokens so far, decoder start included):
/// 1. scores = processors(log_softmax(logits)) (see ``HuggingFaceLogitsProcessor``); candidate (n, v) has
///    running_score_n + scores_n[v].
/// 2. The K = max(2, 1 + number of end tokens) N best candidates (ties: lower n V + v). A candidate "hits"
///    when v is an end token or cur_len + 1 = max_length.
/// 3. Running beams: the N best candidates after adding -1e9 to those that hit.
/// 4. Finished slots: a candidate among the first N of the K that hits gets
///    score = (running score + log p) / cur_len^length_penalty  (cur_len = generated tokens, end included),
///    pushed to -1e9 when the slots are all finished and `early_stopping` is true, or when improvement was
///    already ruled out; the N best of slots + candidates are kept.
/// 5. The cache rows follow the running beams' parents; cur_len + 1; improvement stays possible while the
///    best running score / L^length_penalty beats the worst finished score of some slot (an unfinished slot
///    counts -1e9), with L = cur_len - 1, or max_length - 1 for `early_stopping = "never"` and a positive
///    penalty.
/// 6. Stop when improvement is impossible for every source, or every slot is finished and `early_stopping`
///    is true, or every candidate hit.
/// The result per source is its slots, best first (`transformers` returns slot 0 and its score as
/// `sequences` / `sequences_scores`). Every -1e9 is added as a separate Float32 addition, as there.
enum HuggingFaceBeamSearch {
    /// A finished slot.
    struct Slot {
        var sequence: [Int]
        var score: Float
        var isFinished: Bool
    }

    static func generate(model: Transformer, sources: [[Int]], settings s: HuggingFaceGenerationSettings)
        throws(DecodingError) -> [[HuggingFaceHypothesis]] {
        let processor = HuggingFaceLogitsProcessor(settings: s)
        let (beams, maximumLength, penalty) = (s.beamCount, s.effectiveMaximumLength, s.lengthPenalty)
        let vocabulary = model.configuration.targetVocabularySize
        let keep = min(max(2, 1 + s.endTokens.count) * beams, beams * vocabulary)   // K
        let start = [s.decoderStartToken]
        var slots = sources.map { _ in [Slot](repeating: Slot(sequence: start, score: -1e9, isFinished: false), count: beams) }
        guard maximumLength > 1, !sources.isEmpty else { return slots.map(hypotheses) }

        // Rows of the decoder: N per source, source by source.
        let decoder = try IncrementalDecoder(model: model, sources: sources.flatMap { Array(repeating: $0, count: beams) })
        var running = sources.map { _ in [[Int]](repeating: start, count: beams) }
        var runningScores = sources.map { _ in [Float](repeating: -1e9, count: beams) }
        for b in sources.indices { runningScores[b][0] = 0 }
        var improvable = [Bool](repeating: true, count: sources.count)
        let allowed = [Bool](repeating: true, count: beams * vocabulary)
        var length = 1                                                                   // cur_len
        while true {
            let logits = decoder.step(running.flatMap { $0.map { $0.last! } }).scalars           // [B N, V]
            var scores = Tensor.softmaxRows(logits, width: vocabulary, logarithm: true)
            var parents: [Int] = []
            var everyCandidateHit = true
            for b in sources.indices {
                // 1. Processed log-probabilities plus running scores: [N V].
                var accumulated = [Float](repeating: 0, count: beams * vocabulary)
                for n in 0..<beams {
                    let offset = (b * beams + n) * vocabulary
                    processor.process(&scores, offset: offset, vocabulary: vocabulary, sequence: running[b][n])
                    for v in 0..<vocabulary { accumulated[n * vocabulary + v] = scores[offset + v] + runningScores[b][n] }
                }
                // 2. The K best candidates.
                let top = topTokens(accumulated, offset: 0, count: beams * vocabulary, allowed: allowed, k: keep)
                let values = top.map { accumulated[$0] }
                let sequences = top.map { running[b][$0 / vocabulary] + [$0 % vocabulary] }
                let hits = top.map { s.endTokens.contains($0 % vocabulary) || length + 1 >= maximumLength }
                everyCandidateHit = everyCandidateHit && hits.allSatisfy { $0 }
                // 3. The running beams of the next step.
                let runningValues = zip(values, hits).map { $1 ? $0 + -1e9 : $0 }
                let next = topTokens(runningValues, offset: 0, count: keep, allowed: [Bool](repeating: true, count: keep), k: beams)
                running[b] = next.map { sequences[$0] }
                runningScores[b] = next.map { runningValues[$0] }
                parents += next.map { b * beams + top[$0] / vocabulary }
                // 4. The finished slots.
                let divisor = Float(pow(Double(length), penalty))
                let full = s.earlyStopping == .whenFull && slots[b].allSatisfy(\.isFinished)
                var candidates: [Slot] = []
                for k in 0..<keep {
                    var score = values[k] / divisor
                    if full { score += -1e9 }
                    if !improvable[b] { score += -1e9 }
                    let justFinished = hits[k] && k < beams
                    if !justFinished { score += -1e9 }
                    candidates.append(Slot(sequence: sequences[k], score: score, isFinished: justFinished))
                }
                let merged = slots[b] + candidates
                let best = topTokens(merged.map(\.score), offset: 0, count: merged.count,
                                     allowed: [Bool](repeating: true, count: merged.count), k: beams)
                slots[b] = best.map { merged[$0] }
            }
            // 5. Follow the parents; the improvement bound at the new length.
            decoder.selectRows(parents)
            length += 1
            for b in sources.indices where improvable[b] {
                let bestLength = s.earlyStopping == .never && penalty > 0 ? maximumLength - 1 : length - 1
                let bestPossible = runningScores[b][0] / Float(pow(Double(bestLength), penalty))
                let worst = slots[b].map(\.score).min() ?? -1e9
                improvable[b] = slots[b].contains { bestPossible > ($0.isFinished ? worst : -1e9) }
            }
            // 6. Stop?
            let allFinished = slots.allSatisfy { $0.allSatisfy(\.isFinished) } && s.earlyStopping == .whenFull
            if !improvable.contains(true) || allFinished || everyCandidateHit { break }
        }
        return slots.map(hypotheses)
    }

    /// A source's slots as hypotheses, best first (the decoder start token dropped).
    static func hypotheses(_ slots: [Slot]) -> [HuggingFaceHypothesis] {
        slots.map { HuggingFaceHypothesis(tokens: Array($0.sequence.dropFirst()), score: $0.score) }
    }
}
