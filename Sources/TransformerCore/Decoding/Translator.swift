/// Text in, text out: a trained model with the tokenizers it was trained with, and a search method.
///
/// The conventions of training (``Batch``) are applied here once, for validation, `translate` and
/// `evaluate` alike: the source is the tokenizer's ids followed by `<eos>`, decoding starts from `<sos>`
/// and stops at `<eos>`. Tokens the source vocabulary does not know become `<unk>` and are reported in
/// ``Translation/unknownTokens``, never an error.
///
/// ```swift
/// let loaded = try Checkpoint.load(from: url)
/// let record = try TrainingRecord(metadata: loaded.metadata, file: url.path)
/// let translator = Translator(model: loaded.model, tokenizers: record.tokenizers)
/// let result = try translator.translate(["team"], search: .greedy, maximumLength: 50)[0]
/// print(result.output, result.logProbability)   // "eamtay" -0.01
/// ```
public struct Translator {
    /// How output sequences are searched for.
    public enum Search: Equatable, Sendable {
        /// The most probable token at each step (``GreedyDecoder``).
        case greedy
        /// Beam search with `width` hypotheses and GNMT length penalty `alpha` (``BeamSearch``); `refill`
        /// keeps `width` hypotheses alive as some end (``BeamSearch/FinishedSlots/refill``).
        case beam(width: Int, alpha: Float, refill: Bool = false)
    }

    /// One translated text.
    public struct Translation: Equatable, Sendable {
        /// The text as given.
        public let input: String
        /// The output tokens joined as the target tokenizer joins them.
        public let output: String
        /// The output tokens, as text (`<unk>` for the unknown-token id).
        public let tokens: [String]
        /// The output ids, without `<sos>` / `<eos>`.
        public let ids: [Int]
        /// log P(output | input), natural log, including the final `<eos>` when it was emitted.
        public let logProbability: Float
        /// False when decoding stopped at the maximum length before `<eos>`.
        public let isComplete: Bool
        /// The input's tokens that the source vocabulary does not hold (each mapped to `<unk>`), in order.
        public let unknownTokens: [String]

        public init(input: String, output: String, tokens: [String], ids: [Int], logProbability: Float,
                    isComplete: Bool, unknownTokens: [String]) {
            self.input = input
            self.output = output
            self.tokens = tokens
            self.ids = ids
            self.logProbability = logProbability
            self.isComplete = isComplete
            self.unknownTokens = unknownTokens
        }
    }

    /// A ``Transformer`` or a ``RecurrentEncoderDecoder``.
    public let model: any SequenceToSequenceModel
    public let tokenizers: TokenizerPair

    public init(model: any SequenceToSequenceModel, tokenizers: TokenizerPair) {
        self.model = model
        self.tokenizers = tokenizers
    }

    /// The longest source text, in tokens, the model can encode: its `maximumLength` minus the `<eos>`.
    public var maximumSourceTokens: Int { model.maximumLength - 1 }

    /// The source ids of `text` followed by `<eos>`, and the tokens that became `<unk>`.
    public func sourceIDs(_ text: String) -> (ids: [Int], unknownTokens: [String]) {
        let encoded = tokenizers.source.encodeReporting(text)
        return (encoded.ids + [model.specialTokens.end], encoded.unknown)
    }

    /// Translates every text, in order. `maximumLength` is the most decoding steps (counting `<eos>`),
    /// clamped to the model's `maximumLength`.
    /// - Throws: ``DecodingError`` when a text has more than ``maximumSourceTokens`` tokens, or for a bad
    ///   beam width or `maximumLength`; nothing is decoded then.
    public func translate(_ texts: [String], search: Search, maximumLength: Int,
                          batchSize: Int = 64) throws(DecodingError) -> [Translation] {
        let encoded = texts.map(sourceIDs)
        let sources = encoded.map(\.ids)
        let hypotheses: [Hypothesis]
        switch search {
        case .greedy:
            hypotheses = try GreedyDecoder.decode(model: model, sources: sources, maximumLength: maximumLength,
                                                  startToken: model.specialTokens.start, endToken: model.specialTokens.end,
                                                  batchSize: batchSize)
        case let .beam(width, alpha, refill):
            // One batched decoder per chunk of sources: memory stays bounded by batchSize x width rows.
            var results: [Hypothesis] = []
            for start in stride(from: 0, to: sources.count, by: max(1, batchSize)) {
                let chunk = Array(sources[start..<min(start + max(1, batchSize), sources.count)])
                results += try BeamSearch.decode(model: model, sources: chunk, beamWidth: width, lengthPenalty: alpha,
                                                 maximumLength: maximumLength, startToken: model.specialTokens.start,
                                                 endToken: model.specialTokens.end,
                                                 finishedSlots: refill ? .refill : .narrow)
            }
            hypotheses = results
        }
        let target = tokenizers.target
        return zip(zip(texts, encoded), hypotheses).map { pair, hypothesis in
            let tokens = target.pieces(for: hypothesis.tokens)
            return Translation(input: pair.0, output: target.decode(hypothesis.tokens), tokens: tokens, ids: hypothesis.tokens,
                               logProbability: hypothesis.logProbability, isComplete: hypothesis.isComplete,
                               unknownTokens: pair.1.unknownTokens)
        }
    }
}
