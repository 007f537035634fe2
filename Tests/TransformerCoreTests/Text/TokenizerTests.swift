import Foundation
import Testing
@testable import TransformerCore

@Suite struct TokenizerTests {
    /// A lowercasing tokenizer lowercases before cutting, and says so in its JSON only when it does (so the
    /// tokenizers of older checkpoints encode to the same bytes and decode as not lowercasing).
    @Test func lowercasingIsStoredOnlyWhenOn() throws {
        let lower = try Tokenizer.build(kind: .punctuation, texts: ["The cat."], lowercase: true)
        #expect(lower.encode("THE Cat.").unknownCount == 0 && lower.tokens("The CAT") == ["the", "cat"])
        let plain = try Tokenizer.build(kind: .punctuation, texts: ["The cat."])
        let json = String(decoding: try JSONEncoder().encode(plain), as: UTF8.self)
        #expect(!json.contains("lowercase"))
        #expect(try JSONDecoder().decode(Tokenizer.self, from: try JSONEncoder().encode(lower)) == lower)
        #expect(try JSONDecoder().decode(Tokenizer.self, from: Data(json.utf8)) == plain)
    }

    /// The punctuation kind is Hugging Face's Whitespace pre-tokenizer, \w+|[^\w\s]+: word runs and
    /// punctuation runs, whitespace dropped; letters with combining marks stay one word.
    @Test func punctuationKindSplitsWordAndPunctuationRuns() {
        #expect(TokenizerKind.punctuation.tokens("Don't stop...now!") == ["Don", "'", "t", "stop", "...", "now", "!"])
        #expect(TokenizerKind.punctuation.tokens("  naïve e\u{301}t\u{e9} (2024)_x ") == ["naïve", "e\u{301}t\u{e9}", "(", "2024", ")", "_x"])
        #expect(TokenizerKind.punctuation.tokenCount("a, b") == 3 && TokenizerKind.punctuation.tokens("") == [])
    }

    @Test func characterTokensAreGraphemes() {
        #expect(TokenizerKind.character.tokens("naïve") == ["n", "a", "ï", "v", "e"])
        #expect(TokenizerKind.character.tokens("na\u{0069}\u{0308}ve").count == 5)   // i + combining diaeresis
        #expect(TokenizerKind.character.tokens("👍🏽🇫🇷 👨‍👩‍👧") == ["👍🏽", "🇫🇷", " ", "👨‍👩‍👧"])
        #expect(TokenizerKind.character.tokenCount("👍🏽🇫🇷 👨‍👩‍👧") == 4)
    }

    @Test func wordTokensSplitOnWhitespaceRuns() {
        #expect(TokenizerKind.word.tokens("  the \t cat\u{00A0}sat\n") == ["the", "cat", "sat"])
        #expect(TokenizerKind.word.tokens(" \t ") == [])
        #expect(TokenizerKind.word.tokenCount("a  b c") == 3)
    }

    @Test(arguments: ["naïve café", "👍🏽 ok 🇫🇷", "日本語のテキスト", "tab\tinside"])
    func characterRoundTrip(text: String) throws {
        let tokenizer = try Tokenizer.build(kind: .character, texts: [text])
        let (ids, unknown) = tokenizer.encode(text)
        #expect(unknown == 0)
        #expect(ids.count == text.count)
        #expect(ids.allSatisfy { $0 >= Vocabulary.specialCount })
        #expect(tokenizer.decode(ids) == text)
    }

    @Test func wordRoundTripNormalisesSpacing() throws {
        let tokenizer = try Tokenizer.build(kind: .word, texts: ["the naïve  cat 👍🏽", "the dog"])
        let (ids, unknown) = tokenizer.encode("the  naïve\tdog 👍🏽")
        #expect(unknown == 0)
        #expect(tokenizer.decode(ids) == "the naïve dog 👍🏽")
        #expect(tokenizer.vocabulary.tokens[4] == "the")   // most frequent first
    }

    @Test func unknownTokensBecomeUnkAndAreCounted() throws {
        let tokenizer = try Tokenizer.build(kind: .character, texts: ["abc"])
        let (ids, unknown) = tokenizer.encode("abxcy<unk>")
        #expect(unknown == 7)   // x, y and the 5 characters of the literal "<unk>"
        #expect(ids.filter { $0 == Vocabulary.unknown }.count == 7)
        #expect(tokenizer.decode(Array(ids.prefix(4))) == "ab<unk>c")
        let words = try Tokenizer.build(kind: .word, texts: ["a b"])
        let encoded = words.encode("a <pad> zebra b")
        #expect(encoded.ids == [words.vocabulary.id(for: "a"), 3, 3, words.vocabulary.id(for: "b")])
        #expect(encoded.unknownCount == 2)
        #expect(words.decode(encoded.ids) == "a <unk> <unk> b")
    }

    @Test func decodeSkipsControlTokensEverywhereAndNeverTraps() throws {
        let tokenizer = try Tokenizer.build(kind: .word, texts: ["hello world"])
        let hello = tokenizer.vocabulary.id(for: "hello"), world = tokenizer.vocabulary.id(for: "world")
        #expect(tokenizer.decode([1, hello, 2, world, 0, 0]) == "hello world")   // does not stop at <eos>
        #expect(tokenizer.decode([hello, 99, -5]) == "hello <unk> <unk>")
        #expect(tokenizer.decode([]) == "")
    }

    @Test func minimumFrequencyAppliesToTokens() throws {
        let tokenizer = try Tokenizer.build(kind: .word, texts: ["a a b", "a c c"], minimumFrequency: 2)
        #expect(tokenizer.vocabulary.tokens.dropFirst(4) == ["a", "c"])
        #expect(tokenizer.encode("a b c").unknownCount == 1)
    }

    @Test func vocabularyDoesNotDependOnTextOrder() throws {
        let texts = ["the cat", "a dog", "the end", "zebra", "cat"]
        let forward = try Tokenizer.build(kind: .word, texts: texts)
        let backward = try Tokenizer.build(kind: .word, texts: texts.reversed())
        #expect(forward == backward)
    }

    @Test func sharedVocabularyCoversBothSidesAndBothKinds() throws {
        let (source, target) = try Tokenizer.buildShared(sourceKind: .character, sourceTexts: ["ab"],
                                                         targetKind: .word, targetTexts: ["ab cd", "b"])
        #expect(source.kind == .character && target.kind == .word)
        #expect(source.vocabulary == target.vocabulary)
        // Counts add up across sides: "b" 1 + 1, "a" 1, "ab" 1, "cd" 1.
        #expect(source.vocabulary.tokens.dropFirst(4) == ["b", "a", "ab", "cd"])
        #expect(source.encode("ab").ids == [5, 4])
        #expect(target.encode("ab b").ids == [6, 4])
        #expect(target.decode(source.encode("ba").ids) == "b a")
    }

    @Test func codableRoundTrip() throws {
        let tokenizer = try Tokenizer.build(kind: .character, texts: ["naïve 👍🏽", "eamtay"])
        let data = try JSONEncoder().encode(tokenizer)
        let json = String(decoding: data, as: UTF8.self)
        #expect(json.contains(#""kind":"character""#))
        let decoded = try JSONDecoder().decode(Tokenizer.self, from: data)
        #expect(decoded == tokenizer)
        #expect(decoded.encode("naïve").ids == tokenizer.encode("naïve").ids)
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(Tokenizer.self, from: Data(json.replacingOccurrences(of: "character", with: "byte").utf8))
        }
    }
}
