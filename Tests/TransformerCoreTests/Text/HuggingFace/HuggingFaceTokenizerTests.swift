import Foundation
import Testing
@testable import TransformerCore

@Suite struct HuggingFaceTokenizerTests {
    func tokenizer(_ json: String) throws -> HuggingFaceTokenizer { try HuggingFaceTokenizer(jsonText: json) }

    /// Tokens are looked up by UTF-8 bytes: precomposed é and e + U+0301 (equal as Swift Strings) stay two tokens.
    @Test func canonicallyEquivalentTokensStayApart() throws {
        #expect("\u{e9}" == "e\u{301}")   // why String keys would be wrong
        let t = try tokenizer(#"{"pre_tokenizer":{"type":"WhitespaceSplit"},"model":{"type":"WordLevel","vocab":{"<unk>":0,"\u00e9":1,"e\u0301":2},"unk_token":"<unk>"}}"#)
        #expect(t.encodeIDs("\u{e9} e\u{301} \u{e9}e\u{301} x") == [1, 2, 0, 0])
        #expect(t.piece(for: 2)?.unicodeScalars.count == 2)
    }

    /// GPT-2's regex by hand, against what Python's ByteLevel(add_prefix_space=False) gives for the same strings.
    @Test func gpt2RegexMatchesPython() {
        func cut(_ s: String) -> [String] {
            let scalars = Array(s.unicodeScalars)
            return ByteLevel.regexMatches(scalars).map { String(String.UnicodeScalarView(scalars[$0])) }
        }
        #expect(cut("a   b") == ["a", "  ", " b"])
        #expect(cut("don't STOP's") == ["don", "'t", " STOP", "'s"])
        #expect(cut("x\t\ty") == ["x", "\t", "\t", "y"])
        #expect(cut("  lead") == [" ", " lead"])
        #expect(cut("end  ") == ["end", "  "])
        #expect(cut("1,234.5€") == ["1", ",", "234", ".", "5", "€"])
        #expect(cut("\u{e9}\u{301}x \u{b2}") == ["\u{e9}", "\u{301}", "x", " \u{b2}"])
        #expect(cut("\u{a0}a \u{3000}b") == ["\u{a0}", "a", " ", "\u{3000}", "b"])
        #expect(cut("") == [])
        #expect(ByteLevel.encode(Array(" é\n".unicodeScalars)) == Array("ĠÃ©Ċ".unicodeScalars))
        #expect(Set(ByteLevel.alphabet.map(\.value)).count == 256)
    }

    /// Learned byte-level BPE: special tokens 0-3, never an unknown, and every text decodes back exactly.
    @Test func learnedByteLevelBPERoundTrips() throws {
        let texts = ["Die Katze schläft.", "The cat sleeps.", "Die Katzen schlafen.", "The cats sleep."]
        let t = BPELearner(vocabularySize: 280).learn(from: texts)
        #expect(t.vocabularySize == 280)
        #expect(t.specialTokens == .standard)
        #expect((0..<4).map { t.piece(for: $0) } == ["<pad>", "<sos>", "<eos>", "<unk>"])
        for text in texts + ["Unseen: 👍🏽 日本語\ttab  spaces e\u{301}", "<eos> inside"] {
            let ids = t.encodeIDs(text)
            #expect(!ids.contains(3))
            #expect(t.decode(ids) == text.replacingOccurrences(of: "<eos>", with: ""))
        }
        #expect(t.encodeIDs("<eos>") == [2])
        #expect(t.encodePieces("Die Katze").joined() == "DieĠKatze" && t.encodePieces("Die Katze").first == "Die")
        #expect(try HuggingFaceTokenizer(jsonText: t.jsonText()) == t)
    }

    /// The characters alphabet: words start with ▁, unseen scalars are <unk>, decoding restores the spaces.
    @Test func learnedCharacterBPE() throws {
        let t = BPELearner(vocabularySize: 40, alphabet: .characters, lowercase: true).learn(from: ["abab ab", "Ab ba"])
        #expect(t.encodeIDs("AB abab") == t.encodeIDs("ab abab"))
        #expect(t.encodeIDs("az").contains(3))
        #expect(t.decode(t.encodeIDs("ab ba abab")) == "ab ba abab")
        #expect(t.encodePieces("ab")[0].hasPrefix("\u{2581}"))
    }

    /// A tiny corpus runs out of pairs before the vocabulary is full: the learner stops there.
    @Test func learnerStopsWhenPairsRunOut() {
        let t = BPELearner(vocabularySize: 10_000).learn(from: ["aaaa"])
        #expect(t.vocabularySize == 4 + 256 + 2)   // "aa", then "aaaa"
        #expect(t.encodePieces("aaaa") == ["aaaa"])
        #expect(BPELearner(vocabularySize: 10_000, minimumFrequency: 3).learn(from: ["ab ab"]).vocabularySize == 260)
    }

    /// AnyTokenizer stores a tokenizer.json tokenizer as its JSON text (kind "huggingface") and reads it back.
    @Test func anyTokenizerCodableRoundTrip() throws {
        let t = BPELearner(vocabularySize: 270).learn(from: ["hello hello world"])
        let data = try JSONEncoder().encode(AnyTokenizer.huggingFace(t))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(object?["kind"] as? String == "huggingface")
        #expect(try JSONDecoder().decode(AnyTokenizer.self, from: data) == .huggingFace(t))
        let broken = Data(#"{"kind":"huggingface","tokenizer_json":"{\"model\":{}}"}"#.utf8)
        #expect(throws: Swift.DecodingError.self) { try JSONDecoder().decode(AnyTokenizer.self, from: broken) }
    }

    /// Special ids by spelling, with the documented fallbacks (GPT-2: <|endoftext|> for everything).
    @Test func specialTokenFallbacks() throws {
        let gpt2 = try tokenizer(#"{"added_tokens":[{"id":2,"content":"<|endoftext|>","special":true}],"model":{"type":"BPE","vocab":{"a":0,"b":1},"merges":[]}}"#)
        #expect(gpt2.specialTokens == SpecialTokens(padding: 2, start: 2, end: 2, unknown: 2))
        #expect(gpt2.vocabularySize == 3)
        let bert = try tokenizer(#"{"model":{"type":"WordLevel","vocab":{"[PAD]":0,"[UNK]":1,"[CLS]":2,"[SEP]":3,"x":4},"unk_token":"[UNK]"}}"#)
        #expect(bert.specialTokens == SpecialTokens(padding: 0, start: 2, end: 3, unknown: 1))
        let t5 = try tokenizer(#"{"model":{"type":"Unigram","unk_id":2,"vocab":[["<pad>",0],["</s>",0],["<unk>",0],["\u2581a",-1]]}}"#)
        #expect(t5.specialTokens == SpecialTokens(padding: 0, start: 1, end: 1, unknown: 2))
    }

    /// An added token not in the model (looked up by its raw content) gets the next id; a normalized one is
    /// matched by its normalized content in the normalized text (as Python does: ids checked there).
    @Test func addedTokensAndNormalizers() throws {
        let t = try tokenizer(#"""
            {"added_tokens":[{"id":9,"content":"<sep>","special":true},{"id":9,"content":"Hund","normalized":true}],
             "normalizer":{"type":"Sequence","normalizers":[{"type":"NFKC"},{"type":"Lowercase"}]},
             "pre_tokenizer":{"type":"Whitespace"},
             "model":{"type":"WordLevel","vocab":{"<unk>":0,"der":1,"hund":2},"unk_token":"<unk>"}}
            """#)
        #expect(t.vocabularySize == 5)
        #expect(t.encodeIDs("DER<sep>HUND ＨＵＮＤ <SEP>") == [1, 3, 4, 4, 0, 0, 0])
        #expect(t.decode([1, 3, 2, 4]) == "der hund Hund")
    }
}
