/// The arguments of Hugging Face `transformers`' `generate` that its greedy and beam search read, with
/// the same meanings and defaults (`GenerationConfig`), for ``HuggingFaceGenerator``.
///
/// Lengths count as `transformers` counts them for an encoder-decoder: a generated sequence starts with
/// the decoder start token, and `maximumLength` (`max_length`) bounds its length including that token, so
/// at most `maximumLength - 1` tokens are generated. `maximumNewTokens` (`max_new_tokens`), when set,
/// takes precedence: `maximumLength = maximumNewTokens + 1`.
public struct HuggingFaceGenerationSettings: Equatable, Sendable {
    /// `early_stopping`: when beam search ends (see ``HuggingFaceGenerator``).
    public enum EarlyStopping: Equatable, Sendable {
        /// `true`: stop as soon as `num_beams` hypotheses are finished.
        case whenFull
        /// `false` (the default): stop when the best running beam, scored at its current length, cannot beat
        /// the worst finished hypothesis.
        case heuristic
        /// `"never"`: as `heuristic`, but a positive length penalty scores the running beam at `max_length`
        /// (the canonical beam search bound).
        case never
    }

    /// `num_beams`: 1 is greedy decoding.
    public var beamCount: Int = 1
    /// `max_length` (default 20), counting the decoder start token.
    public var maximumLength: Int = 20
    /// `max_new_tokens`: overrides `maximumLength` when set.
    public var maximumNewTokens: Int?
    /// `min_length` (default 0), counting the decoder start token: `<eos>` is banned while the sequence is shorter.
    public var minimumLength: Int = 0
    /// `length_penalty` (default 1): a finished hypothesis scores sum log p / (generated length)^lengthPenalty.
    /// A Double, as Python's float: the power is computed in Double before the Float32 division, as there.
    public var lengthPenalty: Double = 1
    public var earlyStopping: EarlyStopping = .heuristic
    /// `decoder_start_token_id`.
    public var decoderStartToken: Int
    /// `eos_token_id` (one or several ids).
    public var endTokens: [Int]
    /// `pad_token_id`: what finished greedy rows are filled with (not part of the returned tokens).
    public var paddingToken: Int?
    /// `forced_eos_token_id`: the only tokens allowed at the last position (`maximumLength - 1`).
    public var forcedEndTokens: [Int]?
    /// `bad_words_ids`: token sequences never generated (a single-token entry that is an end token is ignored,
    /// as `transformers` does).
    public var badWordsIDs: [[Int]] = []
    /// `renormalize_logits`: log-softmax again after the logits processors.
    public var renormalizeLogits: Bool = false

    public init(decoderStartToken: Int, endTokens: [Int], paddingToken: Int? = nil) {
        self.decoderStartToken = decoderStartToken
        self.endTokens = endTokens
        self.paddingToken = paddingToken
    }

    /// The largest `num_beams` accepted (a beam step holds num_beams x V scores per source).
    public static let maximumBeamCount = 256

    /// `max_length` in force: `maximumNewTokens + 1` when that is set.
    public var effectiveMaximumLength: Int { maximumNewTokens.map { $0 + 1 } ?? maximumLength }

    /// Throws unless the settings can run on a model with `vocabularySize` target tokens and `positions`
    /// decoder positions.
    func validate(vocabularySize: Int, positions: Int) throws(DecodingError) {
        guard (1...Self.maximumBeamCount).contains(beamCount) else {
            throw .invalidArgument(name: "num_beams", expected: "1 to \(Self.maximumBeamCount)", found: "\(beamCount)")
        }
        if let maximumNewTokens, maximumNewTokens < 0 {
            throw .invalidArgument(name: "max_new_tokens", expected: "at least 0", found: "\(maximumNewTokens)")
        }
        let length = effectiveMaximumLength
        guard length >= 1 else { throw .invalidArgument(name: "max_length", expected: "at least 1", found: "\(length)") }
        guard length - 1 <= positions else {
            throw .invalidArgument(name: "max_length", expected: "at most \(positions + 1) (the model has \(positions) positions)",
                                   found: "\(length)")
        }
        guard lengthPenalty.isFinite else {
            throw .invalidArgument(name: "length_penalty", expected: "a finite number", found: "\(lengthPenalty)")
        }
        let ids = [("decoder_start_token_id", decoderStartToken)] + endTokens.map { ("eos_token_id", $0) }
            + (forcedEndTokens ?? []).map { ("forced_eos_token_id", $0) } + badWordsIDs.flatMap { $0.map { ("bad_words_ids", $0) } }
        for (name, id) in ids where !(0..<vocabularySize).contains(id) {
            throw .specialTokenOutOfVocabulary(name: name, token: id, vocabularySize: vocabularySize)
        }
        guard !endTokens.isEmpty else { throw .invalidArgument(name: "eos_token_id", expected: "at least one id", found: "none") }
        guard badWordsIDs.allSatisfy({ !$0.isEmpty }) else {
            throw .invalidArgument(name: "bad_words_ids", expected: "non-empty lists of ids", found: "an empty list")
        }
    }
}
