import Foundation
import Testing
@testable import TransformerCore

/// ``AnyTokenizer``: the tokenizers of older checkpoints read and write the same bytes, an unknown kind
/// is an error naming it, and every member answers the ``TextTokenizer`` protocol as the tokenizer inside.
@Suite struct AnyTokenizerTests {
    @Test func vocabularyTokenizersKeepTheirJSONBytes() throws {
        for kind in TokenizerKind.allCases {
            let tokenizer = try Tokenizer.build(kind: kind, texts: ["the cat", "don't stop."], lowercase: kind == .word)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys   // as checkpoints write metadata
            let plain = try encoder.encode(tokenizer)
            let wrapped = try encoder.encode(AnyTokenizer(tokenizer))
            #expect(plain == wrapped)
            #expect(try JSONDecoder().decode(AnyTokenizer.self, from: plain) == .vocabulary(tokenizer))
        }
    }

    @Test func anUnknownKindNamesItAndTheKnownOnes() {
        let json = Data(#"{"kind": "wordpiece", "vocabulary": {"tokens": []}}"#.utf8)
        #expect {
            try JSONDecoder().decode(AnyTokenizer.self, from: json)
        } throws: { error in
            "\(error)".contains("expected a tokenizer kind (character, word, punctuation, huggingface, sentencepiece), found \"wordpiece\"")
        }
    }

    @Test func protocolAnswersAreTheInnerTokenizers() throws {
        let tokenizer = try Tokenizer.build(kind: .word, texts: ["the cat sat"])
        let any = AnyTokenizer(tokenizer)
        #expect(any.vocabularySize == tokenizer.vocabulary.count && any.name == "word" && any.kind == .word)
        #expect(any.encodeIDs("the dog") == tokenizer.encode("the dog").ids)
        #expect(any.encode("the dog").unknownCount == 1)
        // Pieces show the input, even where the id is <unk>; the report lists those.
        let report = any.encodeReporting("the dog")
        #expect(report.pieces == ["the", "dog"] && report.unknown == ["dog"])
        #expect(any.pieces(for: [0, tokenizer.vocabulary.id(for: "cat"), 99]) == ["<pad>", "cat", "<id 99>"])
        #expect(any.decode(any.encodeIDs("cat sat")) == "cat sat")
    }

    @Test func tokenizerPairsOfOlderCheckpointsDecode() throws {
        let tokenizer = try Tokenizer.build(kind: .character, texts: ["ab"])
        let old = "{\"source\":\(String(decoding: try JSONEncoder().encode(tokenizer), as: UTF8.self)),\"target\":"
            + "\(String(decoding: try JSONEncoder().encode(tokenizer), as: UTF8.self))}"
        let pair = try JSONDecoder().decode(TokenizerPair.self, from: Data(old.utf8))
        #expect(pair == TokenizerPair(source: tokenizer, target: tokenizer) && pair.isShared)
    }
}
