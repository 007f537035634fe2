/// How a text is cut into tokens.
public enum TokenizerKind: String, Codable, Sendable, CaseIterable {
    /// Each Unicode grapheme cluster (Swift `Character`) is a token: `"naïve"` -> `n a ï v e`,
    /// a flag emoji is one token, and spaces inside the text are tokens too.
    case character
    /// Runs of whitespace (`Character.isWhitespace`) separate tokens; the whitespace itself is dropped.
    case word
    /// Runs of word characters (letters, digits, marks, `_`) and runs of other non-space characters, as
    /// Hugging Face's `Whitespace` pre-tokenizer (`\w+|[^\w\s]+`): `"don't stop."` -> `don ' t stop .`.
    /// Joined back with single spaces.
    case punctuation

    /// The tokens of `text`, with no vocabulary involved (so lengths can be checked before one exists).
    public func tokens(_ text: String) -> [String] {
        switch self {
        case .character: return text.map { String($0) }
        case .word: return text.split(whereSeparator: \.isWhitespace).map { String($0) }
        case .punctuation: return Self.wordAndPunctuationRuns(text)
        }
    }

    /// The number of tokens of `text` (same as `tokens(text).count`, without building the strings).
    public func tokenCount(_ text: String) -> Int {
        switch self {
        case .character: return text.count
        case .word: return text.split(whereSeparator: \.isWhitespace).count
        case .punctuation: return Self.wordAndPunctuationRuns(text).count
        }
    }

    /// `\w+|[^\w\s]+` over Characters: a word character is a letter, a number, a combining mark or `_`.
    static func wordAndPunctuationRuns(_ text: String) -> [String] {
        func isWord(_ c: Character) -> Bool {
            c == "_" || c.isLetter || c.isNumber || c.unicodeScalars.allSatisfy {
                [.nonspacingMark, .spacingMark, .enclosingMark].contains($0.properties.generalCategory)
            }
        }
        var runs: [String] = [], current = "", currentIsWord = false
        for c in text {
            if c.isWhitespace {
                if !current.isEmpty { runs.append(current); current = "" }
                continue
            }
            let word = isWord(c)
            if !current.isEmpty && word != currentIsWord { runs.append(current); current = "" }
            current.append(c)
            currentIsWord = word
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// What joins tokens back into text: nothing for characters, one space for words.
    public var separator: String { self == .character ? "" : " " }
}

/// A tokenizer: a way of cutting text (``TokenizerKind``) and a ``Vocabulary`` mapping tokens to ids.
///
/// ```swift
/// let tokenizer = try Tokenizer.build(kind: .character, texts: ["team", "eamtay"])
/// let (ids, unknown) = tokenizer.encode("tea")   // ids without <sos>/<eos>; unknown == 0
/// tokenizer.decode(ids)                          // "tea"
/// ```
///
/// Codable as `{"kind": "character", "vocabulary": {"tokens": [...]}}` (plus `"lowercase": true` when it
/// lowercases); it travels inside checkpoints.
public struct Tokenizer: Codable, Equatable, Sendable {
    public let kind: TokenizerKind
    public let vocabulary: Vocabulary
    /// Whether texts are lowercased (`String.lowercased()`, Unicode default case mapping) before they are cut.
    public let lowercase: Bool

    public init(kind: TokenizerKind, vocabulary: Vocabulary, lowercase: Bool = false) {
        self.kind = kind
        self.vocabulary = vocabulary
        self.lowercase = lowercase
    }

    private enum CodingKeys: String, CodingKey { case kind, vocabulary, lowercase }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try c.decode(TokenizerKind.self, forKey: .kind), vocabulary: try c.decode(Vocabulary.self, forKey: .vocabulary),
                  lowercase: try c.decodeIfPresent(Bool.self, forKey: .lowercase) ?? false)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(vocabulary, forKey: .vocabulary)
        if lowercase { try c.encode(true, forKey: .lowercase) }   // absent otherwise: older checkpoints' bytes
    }

    /// The tokens of `text` (see ``TokenizerKind/tokens(_:)``), lowercased first when ``lowercase``.
    public func tokens(_ text: String) -> [String] { kind.tokens(lowercase ? text.lowercased() : text) }

    /// The ids of `text`'s tokens, without `<sos>` / `<eos>`. Tokens not in the vocabulary become
    /// `<unk>` (id 3) and are counted in `unknownCount`; encoding never fails.
    public func encode(_ text: String) -> (ids: [Int], unknownCount: Int) {
        var unknownCount = 0
        let ids = tokens(text).map { token in
            let id = vocabulary.id(for: token)
            if id == Vocabulary.unknown { unknownCount += 1 }
            return id
        }
        return (ids, unknownCount)
    }

    /// The text of `ids`: `<pad>`, `<sos>` and `<eos>` are skipped wherever they are (decoding does not
    /// stop at `<eos>`; cut the ids first if you want that), `<unk>` and any id outside the vocabulary
    /// decode as the text `<unk>`. Word tokens are joined with one space, characters with nothing.
    public func decode(_ ids: [Int]) -> String {
        ids.filter { !Vocabulary.isControl($0) }
            .map { vocabulary.token(for: $0) ?? Vocabulary.specialTokens[Vocabulary.unknown] }
            .joined(separator: kind.separator)
    }

    /// A tokenizer whose vocabulary holds the tokens of `texts` seen at least `minimumFrequency` times.
    /// Throws when the vocabulary would exceed ``Vocabulary/maximumSize``.
    public static func build<S: Sequence>(kind: TokenizerKind, texts: S, minimumFrequency: Int = 1,
                                          lowercase: Bool = false) throws(DataError) -> Tokenizer
    where S.Element == String {
        let counts = Vocabulary.counts(of: texts.lazy.map { kind.tokens(lowercase ? $0.lowercased() : $0) })
        return Tokenizer(kind: kind, vocabulary: try Vocabulary(counts: counts, minimumFrequency: minimumFrequency),
                         lowercase: lowercase)
    }

    /// Source and target tokenizers sharing one vocabulary (`--shared-vocab`), counted over both sides:
    /// each side is cut with its own kind, the counts are added, and both tokenizers get the same
    /// vocabulary (so a token has the same id on both sides, as weight tying across languages needs).
    public static func buildShared<S: Sequence, T: Sequence>(
        sourceKind: TokenizerKind, sourceTexts: S, targetKind: TokenizerKind, targetTexts: T,
        minimumFrequency: Int = 1
    ) throws(DataError) -> (source: Tokenizer, target: Tokenizer) where S.Element == String, T.Element == String {
        var counts = Vocabulary.counts(of: sourceTexts.lazy.map { sourceKind.tokens($0) })
        counts.merge(Vocabulary.counts(of: targetTexts.lazy.map { targetKind.tokens($0) }), uniquingKeysWith: +)
        let vocabulary = try Vocabulary(counts: counts, minimumFrequency: minimumFrequency)
        return (Tokenizer(kind: sourceKind, vocabulary: vocabulary), Tokenizer(kind: targetKind, vocabulary: vocabulary))
    }
}
