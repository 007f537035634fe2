/// Greedy decoding as `transformers`' `generate` runs it with `num_beams = 1` and `do_sample = false`
/// (`GenerationMixin._sample`):
///
///     scores = processors(sequence, logits_t)          raw logits [V], see HuggingFaceLogitsProcessor
///     y_t    = argmax scores                           (the first maximum on ties, as torch.argmax)
///
/// starting from the decoder start token; a row is finished when it emits an end token or reaches
/// `max_length` (decoder start included). Rows run together in one ``IncrementalDecoder``; a finished row
/// leaves the batch (`transformers` keeps feeding it padding, which changes no other row).
enum HuggingFaceGreedySearch {
    static func generate(model: Transformer, sources: [[Int]], settings: HuggingFaceGenerationSettings)
        throws(DecodingError) -> [HuggingFaceHypothesis] {
        let processor = HuggingFaceLogitsProcessor(settings: settings)
        let maximumLength = settings.effectiveMaximumLength
        var sequences = sources.map { _ in [settings.decoderStartToken] }
        guard maximumLength > 1, !sources.isEmpty else {
            return sequences.map { HuggingFaceHypothesis(tokens: Array($0.dropFirst()), score: nil) }
        }
        let decoder = try IncrementalDecoder(model: model, sources: sources)
        let vocabulary = model.configuration.targetVocabularySize
        var active = Array(sources.indices)                                   // row r decodes source active[r]
        while !active.isEmpty {
            var scores = decoder.step(active.map { sequences[$0].last! }).scalars   // [R, V]
            var surviving: [Int] = []
            for (row, index) in active.enumerated() {
                processor.process(&scores, offset: row * vocabulary, vocabulary: vocabulary, sequence: sequences[index])
                var best = 0
                for v in 1..<vocabulary where scores[row * vocabulary + v] > scores[row * vocabulary + best] { best = v }
                sequences[index].append(best)
                let done = settings.endTokens.contains(best) || sequences[index].count >= maximumLength
                if !done { surviving.append(row) }
            }
            if surviving.count < active.count && !surviving.isEmpty { decoder.selectRows(surviving) }
            active = surviving.map { active[$0] }
        }
        return sequences.map { HuggingFaceHypothesis(tokens: Array($0.dropFirst()), score: nil) }
    }
}
