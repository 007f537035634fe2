/// Attention reports of the encoder classifier and the decoder-only language model: one forward pass in
/// inference mode, its self-attention maps labelled with the tokens, so `plot-attention`, the viewer page
/// and the rollout work for every family.
extension AttentionReport {
    /// Every map of the classifier's encoder self-attention for `text`: queries and keys are `[CLS]` (with
    /// cls pooling) then the text's tokens. ``encoderRollout()`` is the rollout through the encoder; its
    /// `[CLS]` row says how much of the pooled vector flows from each token. `output` is the predicted label.
    public static func classifier(_ model: EncoderClassifier, tokenizer: Tokenizer, labels: [String],
                                  text: String) -> AttentionReport {
        let tokens = Array(tokenizer.tokens(text).prefix(model.maximumTokens))
        let ids = tokens.map { tokenizer.vocabulary.id(for: $0) }
        let (logits, weights) = model.inferring { model.forward([ids]) }
        let scores = logits.scalars
        var best = 0
        for k in scores.indices where scores[k] > scores[best] { best = k }
        let keys = (model.classToken == nil ? [] : ["[CLS]"]) + tokens
        return AttentionReport(input: text, sourceTokens: tokens, output: labels[best], outputTokens: [labels[best]],
                               isComplete: true, unknownTokens: tokens.filter { !tokenizer.vocabulary.contains($0) },
                               layerCount: weights.count, headCount: weights.first?.shape[1] ?? 0,
                               maps: split(weights, .encoderSelf, queries: keys, keys: keys), axisNoun: "token")
    }

    /// Every map of the language model's causal self-attention over `prompt` (queries and keys: its tokens;
    /// row t is what position t, predicting token t + 1, attends to).
    public static func languageModel(_ model: LanguageModel, tokenizer: Tokenizer, prompt: String) -> AttentionReport {
        let tokens = Array(tokenizer.tokens(prompt).suffix(model.configuration.maximumLength))
        let ids = tokens.map { tokenizer.vocabulary.id(for: $0) }
        let weights = model.inferring { model.forward([ids]).weights }
        return AttentionReport(input: prompt, sourceTokens: tokens, output: "", outputTokens: [], isComplete: true,
                               unknownTokens: tokens.filter { !tokenizer.vocabulary.contains($0) },
                               layerCount: weights.count, headCount: weights.first?.shape[1] ?? 0,
                               maps: split(weights, .decoderSelf, queries: tokens, keys: tokens), axisNoun: "prompt token")
    }
}
