/// `transformers`' `generate` for an encoder-decoder ``Transformer`` loaded from a Hugging Face directory
/// (see ``MarianModel``): greedy decoding for `num_beams = 1` (``HuggingFaceGreedySearch``), beam search
/// otherwise (``HuggingFaceBeamSearch``), with the logits processors its settings imply
/// (``HuggingFaceLogitsProcessor``). Same ids as `transformers` for the same weights and settings: the
/// parity tests check greedy and beam search token for token against `generate` on fixture models.
///
/// Sources are encoder inputs exactly as `transformers` gets them (a Marian tokenizer's ids end with
/// `</s>`); rows of different lengths are padded and masked. The existing ``GreedyDecoder`` and
/// ``BeamSearch`` keep their own (GNMT) semantics; this is the Hugging Face one, beside them.
///
/// ```swift
/// let marian = try MarianModel.load(directory: URL(fileURLWithPath: "opus-mt-en-de"))
/// var settings = marian.generationSettings           // generation_config.json: num_beams 4, max_length 512, ...
/// let best = try HuggingFaceGenerator.generate(model: marian.model, sources: [[38, 5, 0]], settings: settings)
/// settings.beamCount = 1                              // greedy
/// ```
public enum HuggingFaceGenerator {
    /// The best hypothesis per source, in order.
    public static func generate(model: Transformer, sources: [[Int]], settings: HuggingFaceGenerationSettings,
                                batchSize: Int = 16) throws(DecodingError) -> [HuggingFaceHypothesis] {
        try nBest(model: model, sources: sources, settings: settings, batchSize: batchSize).map { $0[0] }
    }

    /// Per source: the one greedy hypothesis, or beam search's `num_beams` slots best first (as
    /// `num_return_sequences = num_beams` would return them; unfinished slots score about -1e9).
    /// Sources are decoded `batchSize` at a time, in order (a source's result does not depend on its batch:
    /// `transformers` decodes the rows of a batch independently too).
    public static func nBest(model: Transformer, sources: [[Int]], settings: HuggingFaceGenerationSettings,
                             batchSize: Int = 16) throws(DecodingError) -> [[HuggingFaceHypothesis]] {
        let c = model.configuration
        try settings.validate(vocabularySize: c.targetVocabularySize, positions: c.maximumLength)
        // A model that masks target padding cannot be fed the padding id (see IncrementalDecoder).
        if c.maskTargetPadding && (settings.decoderStartToken == c.specialTokens.padding
                                   || !settings.badWordsIDs.contains([c.specialTokens.padding])) {
            throw .invalidArgument(name: "decoder_start_token_id / bad_words_ids",
                                   expected: "a start token other than the padding id \(c.specialTokens.padding) and [[\(c.specialTokens.padding)]] among the bad words (this model masks target padding)",
                                   found: "start \(settings.decoderStartToken), bad words \(settings.badWordsIDs)")
        }
        guard batchSize >= 1 else { throw .invalidArgument(name: "batchSize", expected: "at least 1", found: "\(batchSize)") }
        _ = try SourceBatch(sources, configuration: c)   // validate every source before decoding
        var results: [[HuggingFaceHypothesis]] = []
        for start in stride(from: 0, to: sources.count, by: batchSize) {
            let batch = Array(sources[start..<min(start + batchSize, sources.count)])
            if settings.beamCount == 1 {
                results += try HuggingFaceGreedySearch.generate(model: model, sources: batch, settings: settings).map { [$0] }
            } else {
                results += try HuggingFaceBeamSearch.generate(model: model, sources: batch, settings: settings)
            }
        }
        return results
    }
}
