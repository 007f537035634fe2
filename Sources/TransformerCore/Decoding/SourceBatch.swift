/// Validated, right-padded source ids ready for ``Transformer/encode(_:)``.
///
/// The ids are the encoder's input as in training, taken as given: nothing is appended (``Batch`` trains
/// on source ids + `<eos>`, so callers pass that). Edge cases, decided once here for every decoder:
/// - An empty source is encoded as a single padding position. Every attention to it is then fully
///   masked (the softmax gives all-zero weights, see ``Tensor/softmax()``), so the decoder runs as a
///   language model conditioned on nothing: exactly what the model computes for an empty row of a padded
///   training batch. No token is invented.
/// - Sources of different lengths are right-padded with the configuration's padding id; padding is masked.
/// - A token outside the source vocabulary, or a source longer than the positional encoding covers,
///   throws a ``DecodingError``.
struct SourceBatch {
    /// `[B, S]`, S >= 1.
    let padded: [[Int]]

    init(_ sources: [[Int]], configuration: TransformerConfiguration) throws(DecodingError) {
        try self.init(sources, maximumLength: configuration.maximumLength,
                      vocabularySize: configuration.sourceVocabularySize, padding: configuration.specialTokens.padding)
    }

    /// The same checks for any sequence-to-sequence model (its longest source and source vocabulary).
    init(_ sources: [[Int]], model: any SequenceToSequenceModel) throws(DecodingError) {
        try self.init(sources, maximumLength: model.maximumLength, vocabularySize: model.sourceVocabularySize,
                      padding: model.specialTokens.padding)
    }

    init(_ sources: [[Int]], maximumLength: Int, vocabularySize: Int, padding: Int) throws(DecodingError) {
        for (index, source) in sources.enumerated() {
            guard source.count <= maximumLength else {
                throw .sourceTooLong(source: index, length: source.count, maximum: maximumLength)
            }
            if let position = source.firstIndex(where: { $0 < 0 || $0 >= vocabularySize }) {
                throw .sourceTokenOutOfVocabulary(source: index, position: position, token: source[position],
                                                  vocabularySize: vocabularySize)
            }
        }
        let length = max(1, sources.map(\.count).max() ?? 1)
        padded = sources.map { $0 + Array(repeating: padding, count: length - $0.count) }
    }
}
