import Foundation

/// The logits processors `transformers`' `generate` builds from a ``HuggingFaceGenerationSettings``, in its
/// order, applied to one row of next-token scores `[V]` given the sequence so far (decoder start included,
/// length `cur_len`):
///
/// 1. `NoBadWordsLogitsProcessor`: score -inf for the last id of every `bad_words_ids` entry whose other ids
///    end the sequence (a one-id entry always; one-id entries that are end tokens are dropped first).
/// 2. `MinLengthLogitsProcessor`: every end token -inf while `cur_len < min_length`.
/// 3. `ForcedEOSTokenLogitsProcessor`: at `cur_len == max_length - 1` every score -inf but the forced end
///    tokens, which get 0.
/// 4. `LogitNormalization` (`renormalize_logits`): log-softmax of the result.
///
/// Greedy search applies them to the raw logits, beam search to their log-softmax (as `transformers` does).
struct HuggingFaceLogitsProcessor {
    let maximumLength: Int
    let minimumLength: Int
    let endTokens: [Int]
    let forcedEndTokens: [Int]?
    let renormalize: Bool
    /// Ids banned at every step.
    let bannedTokens: [Int]
    /// Multi-id bad words: (the ids that must end the sequence, the id then banned).
    let bannedContinuations: [(prefix: [Int], token: Int)]

    init(settings s: HuggingFaceGenerationSettings) {
        maximumLength = s.effectiveMaximumLength
        minimumLength = s.minimumLength
        endTokens = s.endTokens
        forcedEndTokens = s.forcedEndTokens
        renormalize = s.renormalizeLogits
        let badWords = s.badWordsIDs.filter { !($0.count == 1 && s.endTokens.contains($0[0])) }
        bannedTokens = badWords.filter { $0.count == 1 }.map { $0[0] }
        bannedContinuations = badWords.filter { $0.count > 1 }.map { (Array($0.dropLast()), $0.last!) }
    }

    /// Processes `scores[offset ..< offset + vocabulary]` in place for a row whose sequence is `sequence`.
    func process(_ scores: inout [Float], offset: Int, vocabulary: Int, sequence: [Int]) {
        for token in bannedTokens { scores[offset + token] = -.infinity }
        for (prefix, token) in bannedContinuations where sequence.count >= prefix.count
            && Array(sequence.suffix(prefix.count)) == prefix {
            scores[offset + token] = -.infinity
        }
        if sequence.count < minimumLength {
            for token in endTokens { scores[offset + token] = -.infinity }
        }
        if let forcedEndTokens, sequence.count == maximumLength - 1 {
            for v in 0..<vocabulary { scores[offset + v] = -.infinity }
            for token in forcedEndTokens { scores[offset + token] = 0 }
        }
        if renormalize { Self.logSoftmax(&scores, offset: offset, count: vocabulary) }
    }

    /// log softmax in place, in Float32 as PyTorch: x - max - log(sum exp(x - max)).
    static func logSoftmax(_ values: inout [Float], offset: Int, count: Int) {
        var maximum = -Float.infinity
        for i in offset..<(offset + count) { maximum = max(maximum, values[i]) }
        guard maximum.isFinite else { return }
        var sum: Float = 0
        for i in offset..<(offset + count) { sum += Foundation.exp(values[i] - maximum) }
        let logSum = Foundation.log(sum)
        for i in offset..<(offset + count) { values[i] = values[i] - maximum - logSum }
    }
}
