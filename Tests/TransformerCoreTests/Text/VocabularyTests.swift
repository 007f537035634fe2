import Foundation
import Testing
@testable import TransformerCore

@Suite struct VocabularyTests {
    @Test func specialTokensHaveFixedIdsMatchingTheModel() throws {
        #expect(Vocabulary.padding == SpecialTokens.standard.padding)
        #expect([Vocabulary.padding, Vocabulary.start, Vocabulary.end, Vocabulary.unknown] as [Int] == [0, 1, 2, 3])
        let vocabulary = try Vocabulary(regularTokens: ["a"])
        #expect(vocabulary.tokens == ["<pad>", "<sos>", "<eos>", "<unk>", "a"])
        #expect(vocabulary.count == 5)
        #expect(vocabulary.id(for: "a") == 4)
    }

    @Test func orderIsDescendingFrequencyThenToken() throws {
        let vocabulary = try Vocabulary(counts: ["b": 2, "a": 2, "c": 5, "d": 1])
        #expect(vocabulary.tokens.dropFirst(4) == ["c", "a", "b", "d"])
    }

    @Test func minimumFrequencyLeavesRareTokensOut() throws {
        let counts = ["common": 3, "twice": 2, "once": 1]
        let vocabulary = try Vocabulary(counts: counts, minimumFrequency: 2)
        #expect(vocabulary.tokens.dropFirst(4) == ["common", "twice"])
        #expect(vocabulary.id(for: "once") == Vocabulary.unknown)
        #expect(try Vocabulary(counts: counts, minimumFrequency: 0).count == 7)   // below 1 keeps everything
    }

    @Test func specialSpellingsInTextAreNotSpecial() throws {
        let vocabulary = try Vocabulary(counts: ["<pad>": 9, "<eos>": 9, "x": 1])
        #expect(vocabulary.count == 5)
        #expect(vocabulary.id(for: "<pad>") == Vocabulary.unknown)
        #expect(!vocabulary.contains("<eos>"))
        #expect(throws: DataError(.invalidVocabulary("token 4 spells the special token <sos>"))) {
            try Vocabulary(regularTokens: ["<sos>"])
        }
    }

    @Test func tokenLookupOutsideTheRangeIsNil() throws {
        let vocabulary = try Vocabulary(regularTokens: ["a"])
        #expect(vocabulary.token(for: 4) == "a")
        #expect(vocabulary.token(for: 5) == nil)
        #expect(vocabulary.token(for: -1) == nil)
    }

    @Test func jsonRoundTripAndFormat() throws {
        let vocabulary = try Vocabulary(regularTokens: ["é", "👍🏽", "a b"])
        let data = try JSONEncoder().encode(vocabulary)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix(#"{"tokens":["<pad>","<sos>","<eos>","<unk>","#))
        #expect(try JSONDecoder().decode(Vocabulary.self, from: data) == vocabulary)
    }

    @Test func decodingRefusesMalformedVocabularies() throws {
        func decode(_ json: String) throws -> Vocabulary {
            try JSONDecoder().decode(Vocabulary.self, from: Data(json.utf8))
        }
        #expect(throws: DataError(.invalidVocabulary(#"expected distinct tokens, found "a" twice"#))) {
            try decode(#"{"tokens":["<pad>","<sos>","<eos>","<unk>","a","a"]}"#)
        }
        #expect(throws: DataError(.invalidVocabulary(#"expected the first tokens to be <pad>, <sos>, <eos>, <unk>, found ["<sos>", "<pad>"]"#))) {
            try decode(#"{"tokens":["<sos>","<pad>"]}"#)
        }
        #expect(throws: (any Error).self) { try decode(#"{"tokens":"abc"}"#) }
        #expect(throws: (any Error).self) { try decode(#"{"words":[]}"#) }
    }

    @Test func decodingRefusesMoreThanAMillionTokens() throws {
        let count = Vocabulary.maximumSize + 1
        var json = #"{"tokens":["#
        json += String(repeating: #""","#, count: count - 1) + #""""#
        json += "]}"
        #expect(throws: DataError(.vocabularyTooLarge(count: count, limit: Vocabulary.maximumSize))) {
            try JSONDecoder().decode(Vocabulary.self, from: Data(json.utf8))
        }
        #expect(DataError(.vocabularyTooLarge(count: count, limit: Vocabulary.maximumSize)).description
                == "vocabulary has 1000001 tokens, more than the limit of 1000000; raise the minimum frequency")
    }

    @Test func buildingMoreThanTheLimitThrows() {
        let tokens = [String](repeating: "x", count: Vocabulary.maximumSize)   // + 4 specials: over by 4; size is checked first
        #expect(throws: DataError(.vocabularyTooLarge(count: Vocabulary.maximumSize + 4, limit: Vocabulary.maximumSize))) {
            try Vocabulary(regularTokens: tokens)
        }
    }
}
