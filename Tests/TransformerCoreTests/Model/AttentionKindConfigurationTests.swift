import Foundation
import Testing
@testable import TransformerCore

/// The attention kinds in configurations and checkpoints: absent keys (every checkpoint written before
/// additive attention) decode as dot-product, dot-product encodes as before, and additive round-trips.
@Suite struct AttentionKindConfigurationTests {
    /// A `TransformerConfiguration` as checkpoints stored it before the attention kinds existed.
    static let oldTransformerJSON = """
        {"activation":"relu","dropout":0.1,"feedForwardDimension":256,"headCount":4,"layerCount":2,\
        "layerNormEpsilon":1.0000000116860974e-05,"maximumLength":101,"modelDimension":64,"normPlacement":"pre",\
        "positionalEncoding":"sinusoidal","sourceVocabularySize":30,"targetVocabularySize":31,"tieTargetEmbedding":false}
        """
    /// A `BlockConfiguration` (inside language-model and classifier checkpoints) from before the kinds.
    static let oldBlockJSON = """
        {"activation":"gelu","dropout":0.1,"feedForwardDimension":32,"headCount":2,"layerNormEpsilon":1e-05,\
        "modelDimension":16,"normPlacement":"post"}
        """

    @Test func oldTransformerConfigurationLoadsAsDotProduct() throws {
        let decoded = try JSONDecoder().decode(TransformerConfiguration.self, from: Data(Self.oldTransformerJSON.utf8))
        #expect(decoded.selfAttention == .dotProduct && decoded.crossAttention == .dotProduct)
        #expect(decoded.modelDimension == 64 && decoded.layerCount == 2)
        let model = try Transformer(configuration: decoded, generator: SeededGenerator(seed: 1))
        #expect(model.decoder.layers.allSatisfy { $0.selfAttention is MultiHeadAttention && $0.crossAttention is MultiHeadAttention })
    }

    @Test func oldBlockConfigurationLoadsAsDotProduct() throws {
        let decoded = try JSONDecoder().decode(BlockConfiguration.self, from: Data(Self.oldBlockJSON.utf8))
        #expect(decoded == BlockConfiguration(modelDimension: 16, headCount: 2, feedForwardDimension: 32, dropout: 0.1,
                                              normPlacement: .post, activation: .gelu))
        #expect(decoded.selfAttention == .dotProduct && decoded.crossAttention == .dotProduct)
    }

    @Test func dotProductEncodesWithoutTheKeys() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let transformer = String(decoding: try encoder.encode(TransformerConfiguration()), as: UTF8.self)
        let block = String(decoding: try encoder.encode(BlockConfiguration()), as: UTF8.self)
        for json in [transformer, block] {
            #expect(!json.contains("selfAttention") && !json.contains("crossAttention"), "\(json)")
        }
    }

    @Test(arguments: [AttentionScoring.dotProduct, .additive], [AttentionScoring.dotProduct, .additive])
    func kindsRoundTrip(selfKind: AttentionScoring, crossKind: AttentionScoring) throws {
        let transformer = TransformerConfiguration(modelDimension: 8, headCount: 2, selfAttention: selfKind, crossAttention: crossKind)
        let block = BlockConfiguration(modelDimension: 8, headCount: 2, selfAttention: selfKind, crossAttention: crossKind)
        #expect(try JSONDecoder().decode(TransformerConfiguration.self, from: JSONEncoder().encode(transformer)) == transformer)
        #expect(try JSONDecoder().decode(BlockConfiguration.self, from: JSONEncoder().encode(block)) == block)
        #expect(transformer.block.selfAttention == selfKind && transformer.block.crossAttention == crossKind)
    }

    /// An unknown kind is a decoding error naming the value, not a crash.
    @Test func unknownKindIsADecodingError() {
        let json = Self.oldTransformerJSON.dropLast() + ",\"crossAttention\":\"multiplicative\"}"
        #expect(throws: Swift.DecodingError.self) {
            try JSONDecoder().decode(TransformerConfiguration.self, from: Data(json.utf8))
        }
    }

    /// A checkpoint of a mixed model (additive cross-attention, dot-product self-attention) saves and
    /// loads with its kinds and its weights.
    @Test func mixedModelCheckpointRoundTrips() throws {
        let configuration = TransformerConfiguration(sourceVocabularySize: 9, targetVocabularySize: 9, modelDimension: 8,
                                                     headCount: 2, layerCount: 1, feedForwardDimension: 16,
                                                     maximumLength: 8, crossAttention: .additive)
        let model = try Transformer(configuration: configuration, generator: SeededGenerator(seed: 3))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mixed-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(model: model, to: url)
        let loaded = try Checkpoint.load(from: url, generator: SeededGenerator(seed: 4)).model(Transformer.self)
        #expect(loaded.configuration == configuration)
        #expect(loaded.decoder.layers[0].crossAttention is AdditiveAttention)
        #expect(loaded.decoder.layers[0].selfAttention is MultiHeadAttention)
        #expect(loaded.namedParameters.map(\.name) == model.namedParameters.map(\.name))
        #expect(loaded.namedParameters.map(\.tensor.scalars) == model.namedParameters.map(\.tensor.scalars))
    }
}
