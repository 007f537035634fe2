import Foundation
import Testing
@testable import TransformerCore

/// `MarianTokenizer` against transformers 5.23's `MarianTokenizer` on the fixtures that carry tokenizer files
/// (`Scripts/marian/make_tokenizer_fixtures.py`: tiny SentencePiece models trained on 400 pairs of
/// Data/de-en-train.tsv; `tokenizer_expected.json`): the same ids for every text, the same decoded text, and
/// text -> generate -> text as `batch_decode(model.generate(...), skip_special_tokens=True)`.
@Suite struct MarianTokenizerTests {
    static let withTokenizer = [MarianFixtures.swish, MarianFixtures.gelu]

    struct Expected {
        let texts: [String], ids: [[Int]], pieces: [[String]]
        let generateTexts: [String]
        /// case -> (generated ids with the start token, decoded texts)
        let generate: [String: (ids: [[Int]], texts: [String])]
        let decode: [(ids: [Int], text: String)]
    }

    static func expected(_ name: String) throws -> Expected {
        let url = MarianFixtures.directory(name).appendingPathComponent("tokenizer_expected.json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let generate = try #require(json["generate"] as? [String: [String: Any]])
        var cases: [String: (ids: [[Int]], texts: [String])] = [:]
        for (key, value) in generate {
            cases[key] = (try #require(value["ids"] as? [[Int]]), try #require(value["texts"] as? [String]))
        }
        let decode = try #require(json["decode"] as? [[String: Any]]).map { row in
            (ids: row["ids"] as? [Int] ?? [], text: row["text"] as? String ?? "")
        }
        return Expected(texts: try #require(json["texts"] as? [String]), ids: try #require(json["ids"] as? [[Int]]),
                        pieces: try #require(json["pieces"] as? [[String]]),
                        generateTexts: try #require(json["generate_texts"] as? [String]), generate: cases, decode: decode)
    }

    @Test(arguments: withTokenizer) func idsAndPiecesMatchTransformers(_ name: String) throws {
        let expected = try Self.expected(name)
        let tokenizer = try MarianTokenizer.load(directory: MarianFixtures.directory(name), side: .source)
        #expect(expected.texts.count >= 10)
        for (index, text) in expected.texts.enumerated() {
            #expect(tokenizer.encodeForModel(text) == expected.ids[index], "\(name): \"\(text)\"")
            #expect(tokenizer.encodePieces(text) == expected.pieces[index], "\(name): \"\(text)\"")
        }
    }

    @Test(arguments: withTokenizer) func decodeMatchesTransformers(_ name: String) throws {
        let expected = try Self.expected(name)
        let tokenizer = try MarianTokenizer.load(directory: MarianFixtures.directory(name), side: .target)
        for row in expected.decode {
            #expect(tokenizer.decode(row.ids) == row.text, "\(name): \(row.ids)")
        }
        for (_, generated) in expected.generate {
            for (ids, text) in zip(generated.ids, generated.texts) {
                #expect(tokenizer.decode(ids) == text, "\(name): \(ids)")
            }
        }
    }

    /// Text in, text out, greedy and the directory's beam search, as transformers gives.
    @Test(arguments: withTokenizer) func textToTextMatchesTransformers(_ name: String) throws {
        let expected = try Self.expected(name)
        let marian = try MarianModel.load(directory: MarianFixtures.directory(name))
        let (source, target) = try MarianTokenizer.load(for: marian)
        let sources = expected.generateTexts.map(source.encodeForModel)
        for (caseName, reference) in expected.generate {
            var settings = marian.generationSettings
            if caseName == "greedy" { settings.beamCount = 1 }
            let results = try marian.generate(sources, settings: settings)
            #expect(results.map { target.decode($0.tokens) } == reference.texts, "\(name) \(caseName)")
        }
    }

    /// The snippet of README.md and docs/pretrained-marian.md, on a fixture instead of opus-mt-en-de.
    @Test func documentationSnippet() throws {
        let path = MarianFixtures.directory(MarianFixtures.swish).path       // "opus-mt-en-de" in the docs
        let marian = try MarianModel.load(directory: URL(fileURLWithPath: path))
        let (source, target) = try MarianTokenizer.load(for: marian)
        let texts = ["I am a small frog.", "Tom is here!"]
        let results = try marian.generate(texts.map(source.encodeForModel))  // generation_config.json: beam search
        let translations = results.map { target.decode($0.tokens) }          // batch_decode(..., skip_special_tokens=True)
        var greedy = marian.generationSettings
        greedy.beamCount = 1
        let first = target.decode(try marian.generate([source.encodeForModel(texts[0])], settings: greedy)[0].tokens)
        let expected = try Self.expected(MarianFixtures.swish)
        #expect(translations[0] == expected.generate["defaults"]!.texts[0])
        #expect(first == expected.generate["greedy"]!.texts[0])
    }

    /// Pieces source.spm knows but the shared vocab.json leaves out are vocab.json's <unk> (transformers 5.23),
    /// not the spm's own ids; the fixture's texts hold some.
    @Test func piecesMissingFromVocabJSONAreUnknown() throws {
        let url = MarianFixtures.directory(MarianFixtures.swish).appendingPathComponent("tokenizer_expected.json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let leftOut = try #require(json["left_out_of_vocab"] as? [String])
        let tokenizer = try MarianTokenizer.load(directory: MarianFixtures.directory(MarianFixtures.swish), side: .source)
        #expect(leftOut.count == 3)
        for piece in leftOut {
            #expect(tokenizer.encoder.id(forPiece: piece) != nil, "\(piece) is a source.spm piece")
            #expect(!(0..<tokenizer.vocabularySize).contains { tokenizer.piece(for: $0) == piece }, "\(piece) is not in vocab.json")
        }
        let expected = try Self.expected(MarianFixtures.swish)
        let hits = zip(expected.pieces, expected.ids).flatMap { zip($0.0, $0.1) }.filter { leftOut.contains($0.0) }
        #expect(!hits.isEmpty && hits.allSatisfy { $0.1 == tokenizer.specialTokens.unknown })
    }

    @Test func languageCodeIsOneToken() throws {
        let tokenizer = try MarianTokenizer.load(directory: MarianFixtures.directory(MarianFixtures.swish), side: .source)
        #expect(tokenizer.encodePieces(">>de<< Hallo").first == ">>de<<")
        #expect(tokenizer.encodeIDs(">>de<<").first == 2)              // vocab.json: ">>de<<" is 2
        #expect(tokenizer.encodeIDs(">>zz<<") == [tokenizer.specialTokens.unknown])
        #expect(tokenizer.encodePieces(">>no end").first != ">>no end")
    }

    @Test func specialTokensComeFromVocabJSON() throws {
        let directory = MarianFixtures.directory(MarianFixtures.gelu)
        let source = try MarianTokenizer.load(directory: directory, side: .source)
        let target = try MarianTokenizer.load(directory: directory, side: .target)
        #expect(source.specialTokens == SpecialTokens(padding: 79, start: 79, end: 0, unknown: 1))
        #expect(source.vocabularySize == 80 && target.vocabularySize == 100)
        #expect(target.separateVocabularies && target.decoder == target.encoder)
        #expect(target.decode([0, 79, 1]) == "")
    }

    // MARK: Bad files

    func copy(_ name: String = MarianFixtures.swish) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("marian-tok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = MarianFixtures.directory(name)
        for file in try FileManager.default.contentsOfDirectory(atPath: source.path) where file != "expected.json" {
            try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: directory.appendingPathComponent(file))
        }
        return directory
    }

    @Test func badVocabularies() throws {
        let directory = try copy()
        defer { try? FileManager.default.removeItem(at: directory) }
        let vocab = directory.appendingPathComponent("vocab.json")
        let load = { () throws in _ = try MarianTokenizer.load(directory: directory, side: .source, modelVocabularySize: 96) }
        try Data("{\"</s>\": 0, \"<unk>\": 1, \"a\": 96}".utf8).write(to: vocab)
        expectCheckpointError(.configurationMismatch, "piece \"a\" has id 96; expected ids below the model's vocabulary size 96",
                              file: vocab.relativePath, load)
        try Data("{\"</s>\": 0, \"a\": 2}".utf8).write(to: vocab)
        expectCheckpointError(.invalidLayout, "has no \"<unk>\" entry", file: vocab.relativePath, load)
        try Data("{\"</s>\": 0, \"<unk>\": \"one\"}".utf8).write(to: vocab)
        expectCheckpointError(.invalidLayout, "piece \"<unk>\" has an id that is not an integer", file: vocab.relativePath, load)
        try Data("{\"</s>\": 0, \"<unk>\": -1}".utf8).write(to: vocab)
        expectCheckpointError(.invalidLayout, "has id -1; expected a non-negative id", file: vocab.relativePath, load)
        try Data("[1, 2".utf8).write(to: vocab)
        expectCheckpointError(.invalidLayout, "is not valid JSON or not an object (5 bytes)", file: vocab.relativePath, load)
        try FileManager.default.removeItem(at: vocab)
        expectCheckpointError(.unreadable, "cannot be read (no such file?)", file: vocab.relativePath, load)
    }

    @Test func badSentencePieceAndConfig() throws {
        let directory = try copy(MarianFixtures.gelu)
        defer { try? FileManager.default.removeItem(at: directory) }
        let spm = directory.appendingPathComponent("target.spm")
        try Data(try Data(contentsOf: spm).prefix(100)).write(to: spm)
        expectCheckpointError(.invalidLayout, "not a usable SentencePiece model", file: spm.relativePath) {
            try MarianTokenizer.load(directory: directory, side: .target)
        }
        try FileManager.default.removeItem(at: spm)
        expectCheckpointError(.unreadable, "no such file; expected a SentencePiece model", file: spm.relativePath) {
            try MarianTokenizer.load(directory: directory, side: .target)
        }
        let config = directory.appendingPathComponent("tokenizer_config.json")
        try Data("{\"separate_vocabs\": \"yes\"}".utf8).write(to: config)
        expectCheckpointError(.invalidConfiguration, "expected a boolean", file: config.relativePath) {
            try MarianTokenizer.load(directory: directory, side: .source)
        }
        try Data("{\"separate_vocabs\": true}".utf8).write(to: config)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("target_vocab.json"))
        expectCheckpointError(.unreadable, "cannot be read", file: directory.appendingPathComponent("target_vocab.json").relativePath) {
            try MarianTokenizer.load(directory: directory, side: .target)
        }
    }

    @Test func idsOutOfRange() throws {
        let tokenizer = try MarianTokenizer.load(directory: MarianFixtures.directory(MarianFixtures.swish), side: .target)
        #expect(throws: CheckpointError.self) { try tokenizer.decodeChecked([5, 96]) }
        #expect(tokenizer.decode([5, 96, -3]) == tokenizer.decode([5]))
    }
}
