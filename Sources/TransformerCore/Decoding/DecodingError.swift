/// An input that decoding cannot accept: what was expected, what was found, and what to do.
///
/// Decoders validate everything a caller (or a data file) can get wrong before touching the model, so
/// a bad source line or flag becomes one readable message instead of a precondition failure deep in an
/// embedding lookup.
public enum DecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Source `source` holds `token` at `position`, outside the source vocabulary `0..<vocabularySize`.
    case sourceTokenOutOfVocabulary(source: Int, position: Int, token: Int, vocabularySize: Int)
    /// Source `source` has `length` tokens; the positional encoding covers only `maximum`.
    case sourceTooLong(source: Int, length: Int, maximum: Int)
    /// A special token (`<sos>`, `<eos>`) given to the decoder is outside the target vocabulary.
    case specialTokenOutOfVocabulary(name: String, token: Int, vocabularySize: Int)
    /// A numeric argument outside its range (`beamWidth`, `maximumLength`, `batchSize`, `count`).
    case invalidArgument(name: String, expected: String, found: String)
    /// Every target token is padding or `<sos>`, so there is nothing a decoder may emit.
    case nothingToEmit(vocabularySize: Int)

    public var description: String {
        switch self {
        case let .sourceTokenOutOfVocabulary(source, position, token, vocabularySize):
            "source \(source), position \(position): token id \(token) is outside the source vocabulary 0..<\(vocabularySize); tokenize with the vocabulary the model was trained with"
        case let .sourceTooLong(source, length, maximum):
            "source \(source): \(length) tokens, but the model encodes at most \(maximum); shorten or split the input"
        case let .specialTokenOutOfVocabulary(name, token, vocabularySize):
            "\(name) token id \(token) is outside the target vocabulary 0..<\(vocabularySize); pass the id your vocabulary uses"
        case let .invalidArgument(name, expected, found):
            "\(name): expected \(expected), got \(found)"
        case let .nothingToEmit(vocabularySize):
            "the target vocabulary of \(vocabularySize) tokens has nothing but padding and <sos>; nothing can be decoded"
        }
    }
}
