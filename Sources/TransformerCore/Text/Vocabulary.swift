/// A two-way map between tokens and integer ids, with four special tokens at fixed ids.
///
/// | id | token | meaning |
/// |---|---|---|
/// | 0 | `<pad>` | padding; ``SpecialTokens/standard`` names these ids for the model, so it is masked and ignored by the loss |
/// | 1 | `<sos>` | start of sequence, the decoder's first input |
/// | 2 | `<eos>` | end of sequence, the decoder's last target |
/// | 3 | `<unk>` | any token not in the vocabulary |
///
/// Regular tokens follow from id 4, ordered by **descending frequency, then by token string** (Swift's
/// `String` `<`, which compares Unicode canonical forms), so the same counts always give the same ids,
/// whatever order the text came in. Tokens seen fewer than `minimumFrequency` times are left out and
/// encode as `<unk>`.
///
/// The spellings `<pad>`, `<sos>`, `<eos>`, `<unk>` appearing *in the text* are not special: they are
/// never given an id of their own and encode as `<unk>`, so a sentence cannot inject padding.
///
/// Codable as `{"tokens": ["<pad>", "<sos>", "<eos>", "<unk>", "the", ...]}`: token `i` has id `i`.
/// Decoding refuses more than ``maximumSize`` tokens (before reading them all), missing or misplaced
/// specials, and duplicates, with a ``DataError``.
public struct Vocabulary: Equatable, Sendable {
    /// `<pad>` = 0.
    public static let padding = 0
    /// `<sos>` = 1.
    public static let start = 1
    /// `<eos>` = 2.
    public static let end = 2
    /// `<unk>` = 3.
    public static let unknown = 3
    /// The special tokens' spellings, indexed by id.
    public static let specialTokens = ["<pad>", "<sos>", "<eos>", "<unk>"]
    /// The number of special tokens; regular tokens start at this id.
    public static let specialCount = 4
    /// The largest vocabulary accepted (special tokens included): 1,000,000.
    public static let maximumSize = 1_000_000

    /// Every token, indexed by id; the first ``specialCount`` are ``specialTokens``.
    public let tokens: [String]
    /// Regular tokens only (specials are not looked up, see the type's documentation).
    private let ids: [String: Int]

    /// A vocabulary of the special tokens followed by `regularTokens` in the given order.
    /// Throws when a token is duplicated, spells a special token, or there are too many.
    public init(regularTokens: [String]) throws(DataError) {
        let count = regularTokens.count + Self.specialCount
        guard count <= Self.maximumSize else {
            throw DataError(.vocabularyTooLarge(count: count, limit: Self.maximumSize))
        }
        var ids: [String: Int] = [:]
        ids.reserveCapacity(regularTokens.count)
        for (offset, token) in regularTokens.enumerated() {
            guard !Self.specialTokens.contains(token) else {
                throw DataError(.invalidVocabulary("token \(offset + Self.specialCount) spells the special token \(token)"))
            }
            guard ids.updateValue(offset + Self.specialCount, forKey: token) == nil else {
                throw DataError(.invalidVocabulary("expected distinct tokens, found \(Self.quoted(token)) twice"))
            }
        }
        self.tokens = Self.specialTokens + regularTokens
        self.ids = ids
    }

    /// The vocabulary of `counts` (token -> occurrences): tokens seen at least `minimumFrequency` times
    /// (values below 1 keep every token), by descending count then token string. Special-token
    /// spellings are dropped. Throws ``DataError/Reason/vocabularyTooLarge(count:limit:)`` when more
    /// than ``maximumSize`` tokens remain.
    public init(counts: [String: Int], minimumFrequency: Int = 1) throws(DataError) {
        let kept = counts.filter { $0.value >= minimumFrequency && !Self.specialTokens.contains($0.key) }
        let ordered = kept.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        try self.init(regularTokens: ordered.map(\.key))
    }

    /// Counts every token of `sequences` (the input of ``init(counts:minimumFrequency:)``).
    public static func counts<S: Sequence>(of sequences: S) -> [String: Int] where S.Element == [String] {
        var counts: [String: Int] = [:]
        for sequence in sequences {
            for token in sequence { counts[token, default: 0] += 1 }
        }
        return counts
    }

    /// The ids of this vocabulary's special tokens, as a model configuration stores them.
    public var specialTokens: SpecialTokens { .standard }

    /// V: the number of ids, special tokens included (the model's vocabulary size).
    public var count: Int { tokens.count }

    /// The id of `token`, or ``unknown`` when it is not in the vocabulary (or spells a special token).
    public func id(for token: String) -> Int { ids[token] ?? Self.unknown }

    /// Whether `token` has an id of its own (special-token spellings do not).
    public func contains(_ token: String) -> Bool { ids[token] != nil }

    /// The token of `id`, or nil when `id` is outside `0..<count`.
    public func token(for id: Int) -> String? { tokens.indices.contains(id) ? tokens[id] : nil }

    /// Whether `id` is `<pad>`, `<sos>` or `<eos>` (the ids decoding skips); `<unk>` is not.
    public static func isControl(_ id: Int) -> Bool { id == padding || id == start || id == end }

    static func quoted(_ token: String) -> String {
        "\"" + token.unicodeScalars.map { $0.escaped(asASCII: false) }.joined() + "\""
    }
}

extension Vocabulary: Codable {
    private enum CodingKeys: String, CodingKey { case tokens }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var list = try container.nestedUnkeyedContainer(forKey: .tokens)
        if let count = list.count, count > Self.maximumSize {
            throw DataError(.vocabularyTooLarge(count: count, limit: Self.maximumSize))
        }
        var tokens: [String] = []
        while !list.isAtEnd {
            guard tokens.count < Self.maximumSize else {
                throw DataError(.vocabularyTooLarge(count: tokens.count + 1, limit: Self.maximumSize))
            }
            tokens.append(try list.decode(String.self))
        }
        guard tokens.count >= Self.specialCount,
              Array(tokens.prefix(Self.specialCount)) == Self.specialTokens else {
            let found = tokens.prefix(Self.specialCount).map(Self.quoted).joined(separator: ", ")
            throw DataError(.invalidVocabulary("expected the first tokens to be <pad>, <sos>, <eos>, <unk>, found [\(found)]"))
        }
        try self.init(regularTokens: Array(tokens.dropFirst(Self.specialCount)))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tokens, forKey: .tokens)
    }
}
