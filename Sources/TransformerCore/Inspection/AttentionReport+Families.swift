/// Attention reports of the encoder classifier and the decoder-only language model: one forward pass in
/// inference mode, its self-attention maps labelled with the tokens, so `plot-attention`, the viewer page
/// and the rollout work for every family.
extension AttentionReport {
    /// Every map of the classifier's encoder self-attention for `text`: queries and keys are `[CLS]` (with
    /// cls pooling) then the text's tokens. ``encoderRollout()`` is the rollout through the encoder; its
    /// `[CLS]` row says how much of the pooled vector flows from each token. `output` is the predicted label.
    public static func classifier(_ model: EncoderClassifier, tokenizer: some TextTokenizer, labels: [String],
                                  text: String) -> AttentionReport {
        let encoded = tokenizer.encodeReporting(text)
        let tokens = Array(encoded.pieces.prefix(model.maximumTokens)), ids = Array(encoded.ids.prefix(model.maximumTokens))
        let (logits, weights) = model.inferring { model.forward([ids]) }
        let scores = logits.scalars
        var best = 0
        for k in scores.indices where scores[k] > scores[best] { best = k }
        let keys = (model.classToken == nil ? [] : ["[CLS]"]) + tokens
        return AttentionReport(input: text, sourceTokens: tokens, output: labels[best], outputTokens: [labels[best]],
                               isComplete: true, unknownTokens: unknownPieces(ids, tokens, tokenizer),
                               layerCount: weights.count, headCount: weights.first?.shape[1] ?? 0,
                               maps: split(weights, .encoderSelf, queries: keys, keys: keys), axisNoun: "token")
    }

    /// Every map of the language model's causal self-attention over `prompt` (queries and keys: its tokens;
    /// row t is what position t, predicting token t + 1, attends to).
    public static func languageModel(_ model: LanguageModel, tokenizer: some TextTokenizer, prompt: String) -> AttentionReport {
        let encoded = tokenizer.encodeReporting(prompt), context = model.configuration.maximumLength
        let tokens = Array(encoded.pieces.suffix(context)), ids = Array(encoded.ids.suffix(context))
        let weights = model.inferring { model.forward([ids]).weights }
        return AttentionReport(input: prompt, sourceTokens: tokens, output: "", outputTokens: [], isComplete: true,
                               unknownTokens: unknownPieces(ids, tokens, tokenizer),
                               layerCount: weights.count, headCount: weights.first?.shape[1] ?? 0,
                               maps: split(weights, .decoderSelf, queries: tokens, keys: tokens), axisNoun: "prompt token")
    }

    /// The pieces whose id is the tokenizer's unknown id.
    private static func unknownPieces(_ ids: [Int], _ pieces: [String], _ tokenizer: some TextTokenizer) -> [String] {
        zip(ids, pieces).filter { $0.0 == tokenizer.specialTokens.unknown }.map(\.1)
    }
}
