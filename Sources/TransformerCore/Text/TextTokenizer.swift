/// What every tokenizer does: text to ids and back, with the special ids a model trained on it uses.
/// ``Tokenizer`` (characters or whitespace words with a ``Vocabulary``) is the package's; subword
/// tokenizers conform too.
public protocol TextTokenizer: Sendable {
    /// V: the number of ids, special tokens included.
    var vocabularySize: Int { get }
    /// The padding, start, end and unknown ids.
    var specialTokens: SpecialTokens { get }
    /// The ids of `text` (no start or end added); unknown pieces become ``SpecialTokens/unknown``.
    func encodeIDs(_ text: String) -> [Int]
    /// The text of `ids`, special ids skipped.
    func decode(_ ids: [Int]) -> String
}

extension Tokenizer: TextTokenizer {
    public var vocabularySize: Int { vocabulary.count }
    public var specialTokens: SpecialTokens { vocabulary.specialTokens }
    public func encodeIDs(_ text: String) -> [Int] { encode(text).ids }
}
