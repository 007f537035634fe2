/// An entry of `tokenizer.json`'s `added_tokens`: a string matched in the text before the model runs
/// (Rust `tokenizers/src/tokenizer/added_vocabulary.rs`).
///
/// Tokens with `normalized: false` (special tokens are) are matched in the raw text first; the pieces
/// between them are normalized, then tokens with `normalized: true` are matched in the normalized pieces,
/// by their normalized content. Matching is leftmost-longest over bytes, never overlapping. `single_word`
/// skips a match touching a word character (Rust-regex `\w`) on either side; `lstrip` / `rstrip` let the
/// match take the whitespace before / after it.
struct HFAddedToken: Equatable {
    var id: Int
    var content: String
    var singleWord = false
    var leftStrip = false
    var rightStrip = false
    var normalized: Bool
    var special: Bool

    var json: JSONValue {
        .object([("id", .int(id)), ("content", .string(content)), ("single_word", .bool(singleWord)),
                 ("lstrip", .bool(leftStrip)), ("rstrip", .bool(rightStrip)), ("normalized", .bool(normalized)),
                 ("special", .bool(special))])
    }

    init(id: Int, content: String, singleWord: Bool = false, leftStrip: Bool = false, rightStrip: Bool = false,
         normalized: Bool, special: Bool) {
        self.id = id
        self.content = content
        self.singleWord = singleWord
        self.leftStrip = leftStrip
        self.rightStrip = rightStrip
        self.normalized = normalized
        self.special = special
    }

    init(json: HFJSON) throws(HuggingFaceTokenizerError) {
        id = try json.int("id")
        content = try json.string("content")
        guard !content.isEmpty else { throw json.error("content: expected a non-empty token, found \"\"") }
        singleWord = try json.bool("single_word", default: false)
        leftStrip = try json.bool("lstrip", default: false)
        rightStrip = try json.bool("rstrip", default: false)
        special = try json.bool("special", default: false)
        normalized = try json.bool("normalized", default: !special)
    }
}

/// The added tokens of one group (raw or normalized) as patterns, and the matching of them.
struct HFAddedTokenMatcher {
    /// (pattern scalars, token) sorted by first scalar then longest first.
    private var byFirst: [UInt32: [(pattern: [Unicode.Scalar], token: HFAddedToken)]] = [:]

    var isEmpty: Bool { byFirst.isEmpty }

    init(_ entries: [(pattern: [Unicode.Scalar], token: HFAddedToken)]) {
        for e in entries where !e.pattern.isEmpty { byFirst[e.pattern[0].value, default: []].append(e) }
        for k in byFirst.keys { byFirst[k]!.sort { $0.pattern.count > $1.pattern.count } }   // stable: first listed wins a tie
    }

    /// Splits the pieces not yet claimed at the matches: matched pieces carry their token's id.
    func split(_ pieces: [HFPiece]) -> [HFPiece] {
        guard !isEmpty else { return pieces }
        return pieces.flatMap { $0.addedTokenID == nil ? split($0) : [$0] }
    }

    private func split(_ piece: HFPiece) -> [HFPiece] {
        let s = piece.scalars
        var result: [HFPiece] = []
        var startOffset = 0   // where the unclaimed text begins
        var i = 0
        func isWord(_ k: Int) -> Bool { k >= 0 && k < s.count && UnicodeClasses.isWord(s[k]) }
        while i < s.count {
            guard let candidates = byFirst[s[i].value],
                  let found = candidates.first(where: { i + $0.pattern.count <= s.count && s[i..<(i + $0.pattern.count)].elementsEqual($0.pattern) })
            else { i += 1; continue }
            var start = i, stop = i + found.pattern.count
            i = stop   // matching goes on after this match, used or not
            let token = found.token
            if token.singleWord && (isWord(start - 1) || isWord(stop)) { continue }
            if token.leftStrip {
                var k = start
                while k > 0 && UnicodeClasses.isWhitespace(s[k - 1]) { k -= 1 }
                start = max(k, startOffset)
            }
            if token.rightStrip {
                while stop < s.count && UnicodeClasses.isWhitespace(s[stop]) { stop += 1 }
                i = max(i, stop)
            }
            if startOffset < start { result.append(piece.slice(startOffset..<start)) }
            var matched = piece.slice(start..<stop)
            matched.addedTokenID = token.id
            result.append(matched)
            startOffset = stop
        }
        if startOffset < s.count || result.isEmpty { result.append(piece.slice(startOffset..<s.count)) }
        return result
    }
}
