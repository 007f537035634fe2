/// What translation needs of a model, whatever its architecture: teacher-forced logits with the
/// attention maps, and step-by-step decoding. ``TranslationTask``, ``validate(model:examples:tokenizers:batchSize:maximumDecodeLength:sampleCount:)``,
/// ``GreedyDecoder``, ``BeamSearch`` and ``Translator`` take any model of this kind: the
/// ``Transformer`` and the recurrent ``RecurrentEncoderDecoder`` (GRU or LSTM with attention).
///
/// Both are the `encoder-decoder` ``ModelFamily``; the configuration JSON's `architecture` key says which
/// (absent: a Transformer, as in every checkpoint written before the recurrent models).
public protocol SequenceToSequenceModel: TransformerModel {
    /// The padding, start, end and unknown ids.
    var specialTokens: SpecialTokens { get }
    /// V_src, the source vocabulary size.
    var sourceVocabularySize: Int { get }
    /// V, the target vocabulary size (the width of the logits).
    var targetVocabularySize: Int { get }
    /// The longest source the model encodes (ids with `<eos>`), and the most decoding steps.
    var maximumLength: Int { get }
    /// "transformer", "gru", "lstm": the configuration's architecture, for messages and summaries.
    var architectureName: String { get }
    /// Logits `[B, T, V]` for source ids `[B, S]` and target input ids `[B, T]` (teacher forcing), with
    /// every attention map of the pass (a recurrent model has only cross-attention, one layer).
    func forward(source: [[Int]], targetInput: [[Int]]) -> TransformerOutput
    /// The logits of ``forward(source:targetInput:)`` alone, `[B, T, V]` (what training needs; a model may
    /// skip collecting its attention maps).
    func logits(source: [[Int]], targetInput: [[Int]]) -> Tensor
    /// A decoder that encodes `sources` once and then runs one target position at a time (rows start as
    /// one per source). Throws for sources the model cannot encode (see ``DecodingError``).
    func stepDecoder(sources: [[Int]]) throws(DecodingError) -> any StepDecoder
}

extension SequenceToSequenceModel {
    /// The logits of ``forward(source:targetInput:)``.
    public func logits(source: [[Int]], targetInput: [[Int]]) -> Tensor {
        forward(source: source, targetInput: targetInput).logits
    }
}

/// Incremental decoding, one target position per ``stepLogProbabilities(_:)``, for the greedy decoder and
/// beam search: ``IncrementalDecoder`` (the Transformer's, with key/value caches) and
/// ``RecurrentStepDecoder`` (the recurrent state).
public protocol StepDecoder: AnyObject {
    /// R, the rows being decoded.
    var rowCount: Int { get }
    /// Feeds `tokens[r]` to row r and returns log p(next token) `[R, V]`, flattened row-major.
    func stepLogProbabilities(_ tokens: [Int]) -> [Float]
    /// Keeps rows `rows` in that order (new row i continues old row `rows[i]`).
    func selectRows(_ rows: [Int])
}

extension IncrementalDecoder: StepDecoder {}

extension Transformer: SequenceToSequenceModel {
    public var sourceVocabularySize: Int { configuration.sourceVocabularySize }
    public var targetVocabularySize: Int { configuration.targetVocabularySize }
    public var maximumLength: Int { configuration.maximumLength }
    public var architectureName: String { "transformer" }

    public func stepDecoder(sources: [[Int]]) throws(DecodingError) -> any StepDecoder {
        try IncrementalDecoder(model: self, sources: sources)
    }
}
