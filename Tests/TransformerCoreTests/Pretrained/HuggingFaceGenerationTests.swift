import Foundation
import Testing
@testable import TransformerCore

/// The parts of `transformers`' generate that the fixtures' settings do not reach: multi-token bad words,
/// min_length, the forced end token, renormalization, settings validation, and settings read from
/// config.json when a directory has no generation_config.json.
@Suite struct HuggingFaceGenerationTests {
    func settings(_ edit: (inout HuggingFaceGenerationSettings) -> Void) -> HuggingFaceGenerationSettings {
        var s = HuggingFaceGenerationSettings(decoderStartToken: 5, endTokens: [0], paddingToken: 5)
        edit(&s)
        return s
    }

    @Test func logitsProcessorsInTransformersOrder() {
        let processor = HuggingFaceLogitsProcessor(settings: settings {
            $0.badWordsIDs = [[5], [0], [2, 3], [1, 2, 4]]   // [0] is an end token: dropped, as transformers does
            $0.minimumLength = 3
            $0.maximumLength = 6
            $0.forcedEndTokens = [0]
        })
        var row: [Float] = [0, 1, 2, 3, 4, 5]
        processor.process(&row, offset: 0, vocabulary: 6, sequence: [5, 1, 2])   // cur_len 3: no min-length ban
        let inf = Float.infinity
        #expect(row == [0, 1, 2, -inf, -inf, -inf])                              // 3 after [2], 4 after [1, 2], 5 always
        row = [0, 1, 2, 3, 4, 5]
        processor.process(&row, offset: 0, vocabulary: 6, sequence: [5, 3])      // cur_len 2 < min_length 3
        #expect(row == [-inf, 1, 2, 3, 4, -inf])
        row = [0, 1, 2, 3, 4, 5]
        processor.process(&row, offset: 0, vocabulary: 6, sequence: [5, 1, 1, 1, 1])   // cur_len 5 = max_length - 1
        #expect(row == [0, -inf, -inf, -inf, -inf, -inf])
        var renormalized: [Float] = [1, 2, 3]
        HuggingFaceLogitsProcessor(settings: settings { $0.renormalizeLogits = true })
            .process(&renormalized, offset: 0, vocabulary: 3, sequence: [5])
        expectClose(renormalized, [-2.407606, -1.4076059, -0.40760595], tolerance: Tolerance.exact)
    }

    @Test func settingsAreValidatedAgainstTheModel() throws {
        let marian = try MarianModel.load(directory: MarianFixtures.directory(MarianFixtures.swish))   // 64 positions, V 96
        let source = [[3, 4, 0]]
        #expect(throws: DecodingError.invalidArgument(name: "max_length", expected: "at most 65 (the model has 64 positions)", found: "66")) {
            try marian.generate(source, settings: settings { $0.maximumLength = 66 })
        }
        #expect(throws: DecodingError.invalidArgument(name: "num_beams", expected: "1 to 256", found: "0")) {
            try marian.generate(source, settings: settings { $0.beamCount = 0 })
        }
        #expect(throws: DecodingError.specialTokenOutOfVocabulary(name: "bad_words_ids", token: 96, vocabularySize: 96)) {
            try marian.generate(source, settings: settings { $0.badWordsIDs = [[96]] })
        }
        #expect(throws: DecodingError.sourceTokenOutOfVocabulary(source: 0, position: 1, token: 200, vocabularySize: 96)) {
            try marian.generate([[3, 200]])
        }
        // max_new_tokens wins over max_length; a length of 1 generates nothing.
        #expect(try marian.generate(source, settings: settings { $0.maximumNewTokens = 2; $0.maximumLength = 50 })[0].tokens.count <= 2)
        #expect(try marian.generate(source, settings: settings { $0.maximumLength = 1 })[0].tokens == [])
    }

    /// On a model that masks target padding (this package's own), the padding id must never be fed.
    @Test func maskedModelsRefuseThePaddingId() throws {
        let model = try Transformer(configuration: TransformerConfiguration(modelDimension: 8, headCount: 2, layerCount: 1,
                                                                            feedForwardDimension: 8, dropout: 0),
                                    generator: SeededGenerator(seed: 0))                  // padding 0, <sos> 1, <eos> 2
        var s = HuggingFaceGenerationSettings(decoderStartToken: 1, endTokens: [2], paddingToken: 0)
        s.maximumLength = 5
        #expect(throws: DecodingError.self) { try HuggingFaceGenerator.generate(model: model, sources: [[3, 4, 2]], settings: s) }
        s.badWordsIDs = [[0]]
        let result = try HuggingFaceGenerator.generate(model: model, sources: [[3, 4, 2]], settings: s)[0]
        #expect(!result.tokens.contains(0) && result.tokens.count <= 4 && result.score == nil)
    }

    @Test func settingsFromTheDirectory() throws {
        let marian = try MarianModel.load(directory: MarianFixtures.directory(MarianFixtures.swish))
        var expected = HuggingFaceGenerationSettings(decoderStartToken: 95, endTokens: [0], paddingToken: 95)
        (expected.beamCount, expected.maximumLength, expected.forcedEndTokens) = (4, 12, [0])
        (expected.badWordsIDs, expected.renormalizeLogits) = ([[95]], true)
        #expect(marian.generationSettings == expected)
        // Without generation_config.json: config.json's ids and MarianConfig's forced end token; GenerationConfig's defaults.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("marian-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for file in ["config.json", "model.safetensors"] {
            try FileManager.default.copyItem(at: MarianFixtures.directory(MarianFixtures.swish).appendingPathComponent(file),
                                             to: directory.appendingPathComponent(file))
        }
        let bare = try MarianModel.load(directory: directory)
        var fallback = HuggingFaceGenerationSettings(decoderStartToken: 95, endTokens: [0], paddingToken: 95)
        fallback.forcedEndTokens = [0]
        #expect(bare.generationSettings == fallback)
    }
}
