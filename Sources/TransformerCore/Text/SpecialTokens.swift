/// The ids a model and its data give special meaning, as one value stored in each model's configuration
/// (and so in its checkpoint) and passed to batching, masks, the loss and the decoders.
///
/// | role | meaning | character / word vocabularies |
/// |---|---|---|
/// | `padding` | fills batches; masked as a key in every attention and ignored by the loss | 0, `<pad>` |
/// | `start` | the decoder's first input (`<sos>`) | 1 |
/// | `end` | ends a sequence (`<eos>`): the encoder's last source token, the decoder's last target | 2 |
/// | `unknown` | any token the vocabulary lacks (`<unk>`) | 3 |
///
/// ``standard`` is the layout of ``Vocabulary``; other tokenizers (subword, pretrained) bring their own.
public struct SpecialTokens: Codable, Equatable, Sendable {
    public var padding: Int
    public var start: Int
    public var end: Int
    public var unknown: Int

    public init(padding: Int, start: Int, end: Int, unknown: Int) {
        self.padding = padding
        self.start = start
        self.end = end
        self.unknown = unknown
    }

    /// `<pad>` 0, `<sos>` 1, `<eos>` 2, `<unk>` 3: the ids of ``Vocabulary``'s special tokens.
    public static let standard = SpecialTokens(padding: Vocabulary.padding, start: Vocabulary.start,
                                               end: Vocabulary.end, unknown: Vocabulary.unknown)

    /// Throws unless every id is a possible id (0 or more). Whether an id is inside a vocabulary is checked
    /// where it is used (a model may have a vocabulary smaller than the ids it never feeds, e.g. the
    /// `model` command's `--tgt-vocab 2`; the decoders check `start` and `end`).
    func validate() throws(ConfigurationError) {
        for (name, id) in [("padding", padding), ("start", start), ("end", end), ("unknown", unknown)] where id < 0 {
            throw ConfigurationError(field: .specialTokens, expected: "a \(name) id of 0 or more", found: "\(id)")
        }
    }
}
