import Foundation
import Testing
@testable import TransformerCore

/// Bad tokenizer.json input: a thrown error of one line naming the file, where, what was expected and found.
@Suite struct HuggingFaceTokenizerErrorTests {
    func reason(_ json: String, file: String = "tok.json") -> String? {
        do {
            _ = try HuggingFaceTokenizer(jsonText: json, file: file)
            return nil
        } catch {
            #expect(!error.description.contains("\n"))
            #expect(error.description.hasPrefix(file + ": "))
            return error.reason
        }
    }

    static let bpe = #"{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b"]}"#

    @Test func malformedAndTruncatedJSON() throws {
        #expect(reason("{")?.hasPrefix("expected JSON, found an error at byte 1") == true)
        #expect(reason("")?.hasPrefix("expected JSON") == true)
        let full = try String(contentsOf: huggingFaceFixtures.appendingPathComponent("bpe-bytelevel.json"), encoding: .utf8)
        #expect(reason(String(full.prefix(full.count / 2)))?.hasPrefix("expected JSON") == true)
        #expect(reason(#"{"model":{"type":"BPE","vocab":{"a":0,"a":1},"merges":[]}}"#)?.contains("duplicate key") == true)
        #expect(reason("[1, 2]") == "expected an object, found an array")
    }

    @Test func missingAndWrongTypedFields() {
        #expect(reason("{}") == "expected a field \"model\", found none")
        #expect(reason(#"{"model":{"vocab":{}}}"#) == "model: expected a field \"type\", found none")
        #expect(reason(#"{"model":{"type":"BPE","vocab":[],"merges":[]}}"#) == "model.vocab: expected an object, found an array")
        #expect(reason(#"{"model":{"type":"BPE","vocab":{"a":-1},"merges":[]}}"#) == "model.vocab.a: expected a non-negative integer, found the number -1")
        #expect(reason(#"{"model":{"type":"BPE","vocab":{}}}"#) == "model: expected a field \"merges\", found none")
        #expect(reason(#"{"model":{"type":"Unigram","vocab":[["a"]]}}"#) == "model.vocab[0]: expected a [piece, score] pair, found an array of 1 values")
        #expect(reason(#"{"model":{"type":"Unigram","vocab":[["a",-1.5]],"unk_id":4}}"#) == "model: unk_id: expected an index into vocab (0 ..< 1), found 4")
        #expect(reason(#"{"model":\#(Self.bpe),"added_tokens":[{"id":5}]}"#) == "added_tokens[0]: expected a string field \"content\", found none")
        #expect(reason(#"{"model":\#(Self.bpe),"pre_tokenizer":{"type":"Metaspace","replacement":"ab"}}"#) == "pre_tokenizer: replacement: expected one character, found \"ab\"")
    }

    @Test func unknownComponentTypes() {
        #expect(reason(#"{"model":{"type":"WordPiece","vocab":{}}}"#) == "model: expected a model type WordLevel, BPE or Unigram, found \"WordPiece\"")
        #expect(reason(#"{"model":\#(Self.bpe),"normalizer":{"type":"Precompiled","precompiled_charsmap":""}}"#)
                == "normalizer: precompiled_charsmap: expected a charsmap, found 0 bytes")
        #expect(reason(#"{"model":\#(Self.bpe),"normalizer":{"type":"Precompiled","precompiled_charsmap":"no base64!"}}"#)
                == "normalizer: precompiled_charsmap: expected base64, found \"no base64!\"...")
        #expect(reason(#"{"model":\#(Self.bpe),"normalizer":{"type":"Precompiled","precompiled_charsmap":"/////wAAAAA="}}"#)?
            .hasPrefix("normalizer: precompiled_charsmap: expected a trie of at most 4 bytes") == true)
        #expect(reason(#"{"model":\#(Self.bpe),"normalizer":{"type":"Sequence","normalizers":[{"type":"Nmt"}]}}"#)?
            .hasPrefix("normalizer.normalizers[0]: expected a normalizer type") == true)
        #expect(reason(#"{"model":\#(Self.bpe),"pre_tokenizer":{"type":"UnicodeScripts"}}"#)?.hasPrefix("pre_tokenizer: expected a pre-tokenizer type") == true)
        #expect(reason(#"{"model":\#(Self.bpe),"decoder":{"type":"CTC"}}"#)?.hasPrefix("decoder: expected a decoder type") == true)
        #expect(reason(#"{"model":\#(Self.bpe),"pre_tokenizer":{"type":"Split","pattern":{"Regex":"\\s+"},"behavior":"Removed"}}"#)?
            .hasPrefix("pre_tokenizer.pattern: expected a plain {\"String\": ...} pattern, found a {\"Regex\": ...} one") == true)
        #expect(reason(#"{"model":\#(Self.bpe),"pre_tokenizer":{"type":"Punctuation","behavior":"Sideways"}}"#)?
            .hasPrefix("pre_tokenizer.behavior: expected one of Removed, Isolated") == true)
    }

    @Test func tokensOutsideTheVocabulary() {
        #expect(reason(#"{"model":{"type":"BPE","vocab":{"a":0,"b":1},"merges":["a b"]}}"#)
                == "model.merges[0]: merge \"a\" \"b\": the merged token \"ab\" is not in the vocabulary")
        #expect(reason(#"{"model":{"type":"BPE","vocab":{"a":0,"ab":1},"merges":[["a","zz"]]}}"#)
                == "model.merges[0]: merge \"a\" \"zz\": \"zz\" is not in the vocabulary")
        #expect(reason(#"{"model":{"type":"BPE","vocab":{"a":0},"merges":["a"]}}"#)
                == "model.merges[0]: expected a merge \"left right\" (two tokens and one space), found \"a\"")
        #expect(reason(#"{"model":{"type":"BPE","vocab":{"a":0},"merges":[],"unk_token":"<unk>"}}"#)
                == "model: unk_token \"<unk>\" is not in the vocabulary")
        #expect(reason(#"{"model":{"type":"WordLevel","vocab":{"a":0},"unk_token":"[UNK]"}}"#)
                == "model: unk_token: expected a token of the vocabulary, found \"[UNK]\", which is not in model.vocab")
        #expect(reason(#"{"model":{"type":"BPE","vocab":{"a":0,"b":0},"merges":[]}}"#)
                == "model.vocab.b: expected each id once, found id 0 again (token \"b\")")
    }

    @Test func dropoutIsRefused() {
        #expect(reason(#"{"model":{"type":"BPE","dropout":0.1,"vocab":{"a":0},"merges":[]}}"#)
                == "model.dropout: expected null (no BPE dropout: it makes encoding random), found the number 0.1")
        #expect(reason(#"{"model":{"type":"BPE","dropout":null,"vocab":{"a":0},"merges":[]}}"#) == nil)
    }

    /// TokenizerFile reads `.json` through HuggingFaceTokenizer and names the file in its errors.
    @Test func tokenizerFileDispatch() throws {
        let scratch = try TextScratch()
        defer { scratch.remove() }
        let bad = try scratch.write(Array(#"{"model":{"type":"Nope"}}"#.utf8), to: "bad.json")
        #expect(throws: TokenizerFileError(file: bad.path, "model: expected a model type WordLevel, BPE or Unigram, found \"Nope\"")) {
            try TokenizerFile.load(bad)
        }
        let good = try TokenizerFile.load(huggingFaceFixtures.appendingPathComponent("bpe-bytelevel.json"))
        guard case .huggingFace(let tokenizer) = good else { Issue.record("expected a Hugging Face tokenizer"); return }
        #expect(tokenizer.encodeIDs("Hallo Welt.") == (try loadFixtureTokenizer("bpe-bytelevel")).encodeIDs("Hallo Welt."))
    }
}
