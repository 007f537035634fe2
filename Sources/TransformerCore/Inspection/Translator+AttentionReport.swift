extension Translator {
    /// Translates `text` greedily and returns every attention map of that translation.
    ///
    /// Two passes, both in inference mode (dropout off, no graph; the model's training flag is restored):
    /// 1. ``translate(_:search:maximumLength:batchSize:)`` with ``Search/greedy`` gives the output tokens
    ///    (KV-cached, as `translate` does);
    /// 2. one teacher-forced ``Transformer/forward(source:targetInput:)`` on the source ids + `<eos>` and
    ///    the decoder input `<sos>` + output ids (without the last output when decoding did not end with
    ///    `<eos>`) gives the weights.
    ///
    /// Position t of the teacher-forced pass computes exactly what decoding step t computed: the same
    /// prefix under the causal mask (the incremental decoder is tested equal to full recomputation), so
    /// these are the weights the decoder used to choose each output token.
    ///
    /// - Parameter maximumLength: the most decoding steps (counting `<eos>`), at least 1; clamped to the
    ///   model's `maximumLength`.
    /// - Throws: ``DecodingError`` when the text has more than ``maximumSourceTokens`` tokens or
    ///   `maximumLength` is below 1.
    public func attentionReport(for text: String, maximumLength: Int) throws(DecodingError) -> AttentionReport {
        guard maximumLength >= 1 else {
            throw .invalidArgument(name: "maximumLength", expected: "at least 1", found: "\(maximumLength)")
        }
        let translation = try translate([text], search: .greedy, maximumLength: maximumLength)[0]
        let source = sourceIDs(text).ids                                               // [S] with <eos>
        let decoderInput = Array(([model.specialTokens.start] + translation.ids)
            .prefix(translation.ids.count + (translation.isComplete ? 1 : 0)))        // [T]
        let output = model.inferring { model.forward(source: [source], targetInput: [decoderInput]) }
        return AttentionReport(input: text, sourceTokens: tokenizers.source.encodePieces(text),
                               output: translation.output, outputTokens: translation.tokens,
                               isComplete: translation.isComplete, unknownTokens: translation.unknownTokens,
                               attention: output.attention)
    }
}
