/// What every tokenizer does: text to ids and back, with the special ids a model trained on it uses.
/// ``Tokenizer`` (characters or whitespace words with a ``Vocabulary``) is the package's own; the subword
/// tokenizers (learned BPE, Hugging Face `tokenizer.json`, SentencePiece `.model`) conform too, and
/// ``AnyTokenizer`` carries any of them in a checkpoint.
///
/// Ids are `0 ..< vocabularySize`. `encodeIDs` never fails: text the vocabulary cannot spell becomes the
/// tokenizer's unknown id (or, for byte-fallback models, byte pieces).
public protocol TextTokenizer: Sendable {
    /// V: the number of ids, special tokens included.
    var vocabularySize: Int { get }
    /// The padding, start, end and unknown ids.
    var specialTokens: SpecialTokens { get }
    /// What the tokenizer is, for messages and reports: `character`, `word`, `bpe`, `sentencepiece unigram`, ...
    var name: String { get }
    /// The ids of `text` (no start or end added); unknown pieces become ``SpecialTokens/unknown``.
    func encodeIDs(_ text: String) -> [Int]
    /// One piece for each id of `encodeIDs(text)`, in order (same count): the vocabulary's spelling, or
    /// for an unknown id the text it stands for where the tokenizer knows it (as sentencepiece's
    /// `encode_as_pieces` does), so attention labels and unknown-token reports show the input.
    func encodePieces(_ text: String) -> [String]
    /// The vocabulary's spelling of `id` (special tokens included), nil outside `0 ..< vocabularySize`.
    func piece(for id: Int) -> String?
    /// The text of `ids`, special ids skipped.
    func decode(_ ids: [Int]) -> String
}

extension TextTokenizer {
    /// The pieces of `ids`, unknown ids spelled `<id N>`.
    public func pieces(for ids: [Int]) -> [String] { ids.map { piece(for: $0) ?? "<id \($0)>" } }

    /// The ids and pieces of `text` (see ``encodePieces(_:)``) and the pieces that encode as the unknown id.
    public func encodeReporting(_ text: String) -> (ids: [Int], pieces: [String], unknown: [String]) {
        let ids = encodeIDs(text), pieces = encodePieces(text)
        let unknown = zip(ids, pieces).filter { $0.0 == specialTokens.unknown }.map(\.1)
        return (ids, pieces, unknown)
    }
}

extension Tokenizer: TextTokenizer {
    public var vocabularySize: Int { vocabulary.count }
    public var specialTokens: SpecialTokens { vocabulary.specialTokens }
    public var name: String { kind.rawValue }
    public func encodeIDs(_ text: String) -> [Int] { encode(text).ids }
    public func encodePieces(_ text: String) -> [String] { tokens(text) }
    public func piece(for id: Int) -> String? { vocabulary.token(for: id) }
}
