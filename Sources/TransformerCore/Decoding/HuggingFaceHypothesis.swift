/// One sequence produced by ``HuggingFaceGenerator``: the generated ids (the decoder start token left out,
/// the end token included when the sequence ended with one) and, for beam search, `transformers`'
/// `sequences_scores` value: sum log p / (generated length)^length_penalty.
public struct HuggingFaceHypothesis: Equatable, Sendable {
    public var tokens: [Int]
    /// The beam score; nil for greedy decoding.
    public var score: Float?

    public init(tokens: [Int], score: Float?) {
        self.tokens = tokens
        self.score = score
    }
}
