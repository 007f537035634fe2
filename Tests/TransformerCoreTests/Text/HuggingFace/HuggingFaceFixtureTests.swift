import Foundation
import Testing
@testable import TransformerCore

/// `Tests/Fixtures/huggingface/`, written by `Scripts/tokenizers/hf_make_fixtures.py` with Python `tokenizers` 0.21.1.
let huggingFaceFixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/huggingface", isDirectory: true)

/// Python's ids and decoded texts of one fixture tokenizer.
struct HuggingFaceExpected: Decodable {
    let lines: [String]
    let ids: [[Int]]
    let decoded: [String]
    let ids_with_specials: [[Int]]

    static func load(_ name: String) throws -> HuggingFaceExpected {
        try JSONDecoder().decode(Self.self, from: Data(contentsOf: huggingFaceFixtures.appendingPathComponent(name + ".expected.json")))
    }
}

func loadFixtureTokenizer(_ name: String) throws -> HuggingFaceTokenizer {
    try HuggingFaceTokenizer(contentsOf: huggingFaceFixtures.appendingPathComponent(name + ".json"))
}

@Suite struct HuggingFaceFixtureTests {
    static let names = ["wordlevel-whitespace", "bpe-whitespace", "bpe-bytelevel", "bpe-bytelevel-prefix", "unigram-metaspace",
                        "unigram-nfkc-first", "bpe-bert-suffix", "bpe-mixed", "wordlevel-lower-split",
                        "unigram-precompiled"]

    /// Every line (20 German/English sentences and the tricky lines: combining marks, emoji, full-width, tabs,
    /// space runs, empty, special-token spellings) gets Python's ids, and decodes to Python's text.
    @Test(arguments: names) func idsAndDecodingMatchPython(name: String) throws {
        let tokenizer = try loadFixtureTokenizer(name)
        let expected = try HuggingFaceExpected.load(name)
        for (i, line) in expected.lines.enumerated() {
            let ids = tokenizer.encodeIDs(line)
            #expect(ids == expected.ids[i], "\(name) line \(i + 1): \(line.debugDescription)")
            #expect(tokenizer.decode(ids) == expected.decoded[i], "\(name) line \(i + 1) decoded")
            #expect(tokenizer.encodeIDs(line, addingSpecialTokens: true) == expected.ids_with_specials[i], "\(name) line \(i + 1) with specials")
            #expect(tokenizer.encodePieces(line).count == ids.count)
        }
        #expect(expected.ids.allSatisfy { $0.allSatisfy { $0 < tokenizer.vocabularySize } })
    }

    /// jsonText() reads back to an equal tokenizer with the same ids (Python loading it is checked by the script).
    @Test(arguments: names) func writtenJSONReadsBack(name: String) throws {
        let tokenizer = try loadFixtureTokenizer(name)
        let again = try HuggingFaceTokenizer(jsonText: tokenizer.jsonText())
        #expect(again == tokenizer)
        #expect(again.jsonText() == tokenizer.jsonText())
        let expected = try HuggingFaceExpected.load(name)
        #expect(expected.lines.map(again.encodeIDs) == expected.ids)
    }

    /// The seed homework (WordLevel + Whitespace, [UNK] [PAD] [SOS] [EOS], min_frequency 2): its special ids
    /// are found by their spellings.
    @Test func homeworkSpecialTokens() throws {
        let tokenizer = try loadFixtureTokenizer("wordlevel-whitespace")
        #expect(tokenizer.specialTokens == SpecialTokens(padding: 1, start: 2, end: 3, unknown: 0))
        let byteLevel = try loadFixtureTokenizer("bpe-bytelevel")
        #expect(tokenizer.name == "wordlevel" && byteLevel.name == "byte-level bpe")
        #expect(tokenizer.encodeIDs("Qwertzuiop") == [0])
        #expect(tokenizer.piece(for: 2) == "[SOS]" && tokenizer.id(for: "[EOS]") == 3)
        #expect(tokenizer.piece(for: tokenizer.vocabularySize) == nil)
    }

    /// BPELearner on learn.txt (300 lines) with vocabulary 400 is Python's BpeTrainer: same vocabulary, same
    /// merges in the same order, same everything else.
    @Test func learnerReproducesBpeTrainer() throws {
        let text = try String(contentsOf: huggingFaceFixtures.appendingPathComponent("learn.txt"), encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        let learned = BPELearner(vocabularySize: 400).learn(from: lines)
        let python = try loadFixtureTokenizer("learned-bpe")
        guard case .bpe(let ours) = learned.model, case .bpe(let theirs) = python.model else {
            Issue.record("expected two BPE models"); return
        }
        #expect(ours.vocabulary == theirs.vocabulary)
        #expect(ours.merges.count == theirs.merges.count && ours.merges.elementsEqual(theirs.merges, by: ==))
        #expect(learned == python)
        #expect(learned.specialTokens == .standard)
    }
}
