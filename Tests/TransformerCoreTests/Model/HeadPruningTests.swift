import Foundation
import Testing
@testable import TransformerCore

/// Head gates and head pruning (Michel et al. 2019): a gate of 0 removes exactly one head's contribution,
/// and a pruned model computes what the unpruned model computes with those heads gated off.
@Suite struct HeadPruningTests {
    /// Pruned against masked: the same sums in a different order of memory, so Float32 rounding only.
    static let prunedTolerance: Float = 1e-5

    static let block = BlockConfiguration(modelDimension: 16, headCount: 4, feedForwardDimension: 32, dropout: 0)
    static let translation = TransformerConfiguration(sourceVocabularySize: 11, targetVocabularySize: 13, modelDimension: 16,
                                                      headCount: 4, layerCount: 2, feedForwardDimension: 32, dropout: 0,
                                                      maximumLength: 12)
    static let removed = PrunedHeads([.encoderSelf: [0: [1], 1: [0, 3]], .decoderSelf: [1: [2]], .decoderCross: [0: [0, 1, 2]]])
    static let sources = [[4, 5, 6, 7, 2], [8, 9, 2, 0, 0]]
    static let targetInputs = [[1, 4, 5, 6], [1, 7, 8, 0]]

    /// Sets the gates of `model` to 0 for `removed` (unpruned numbering) and 1 elsewhere.
    static func gate(_ model: some TransformerModel, off removed: PrunedHeads) {
        for site in model.attentionSites {
            let off = Set(removed.removedHeads(site.kind, layer: site.layer))
            site.attention.headGate = Tensor(shape: [site.keptHeads.count],
                                             scalars: site.keptHeads.map { off.contains($0) ? 0 : 1 })
        }
    }

    @Test func aZeroGateRemovesExactlyThatHeadsOutput() throws {
        let attention = try MultiHeadAttention(modelDimension: 16, headCount: 4, dropout: 0, generator: SeededGenerator(seed: 3))
        let x = randomTensor([2, 5, 16], seed: 4)
        let (plain, plainWeights) = Tensor.withoutGradients { attention(x, x, mask: nil) }
        attention.headGate = Tensor(shape: [4], scalars: [1, 0, 1, 1])
        let (gated, gatedWeights) = Tensor.withoutGradients { attention(x, x, mask: nil) }
        // The attention weights are untouched; the output loses head 1's share: its D columns of W^O.
        expectClose(gatedWeights, plainWeights, tolerance: Tolerance.exact)
        let d = attention.headDimension
        let heads = Tensor.withoutGradients {
            attention.query(x).multiHeadAttention(key: attention.key(x), value: attention.value(x), headCount: 4,
                                                  mask: nil, dropout: nil).output
        }   // [B, T, H D]
        var headOne = heads.scalars
        for i in headOne.indices where (i % 16) / d != 1 { headOne[i] = 0 }
        let share = Tensor.withoutGradients {
            Tensor(shape: heads.shape, scalars: headOne).linear(weight: attention.output.weight, bias: nil)
        }
        expectClose(gated.scalars, zip(plain.scalars, share.scalars).map { $0 - $1 }, tolerance: Tolerance.float32)
        #expect(zip(gated.scalars, plain.scalars).contains { abs($0 - $1) > Tolerance.float32 },
                "masking a head must change the output")
    }

    @Test func gateGradientMatchesFiniteDifferences() throws {
        let attention = try MultiHeadAttention(modelDimension: 8, headCount: 2, dropout: 0, generator: SeededGenerator(seed: 5))
        let x = randomTensor([1, 3, 8], seed: 6)
        let gate = Tensor(shape: [2], scalars: [0.7, 1.3], requiresGradient: true)
        expectGradientsMatch([gate]) { inputs in
            attention.headGate = inputs[0]
            return weightedSum(attention(x, x, mask: nil).output)
        }
    }

    @Test func prunedTransformerEqualsTheMaskedOne() throws {
        let model = try Transformer(configuration: Self.translation, generator: SeededGenerator(seed: 7))
        let pruned = try model.pruning(Self.removed)
        Self.gate(model, off: Self.removed)
        let (expected, actual) = model.inferring {
            (model(source: Self.sources, targetInput: Self.targetInputs),
             pruned(source: Self.sources, targetInput: Self.targetInputs))
        }
        expectClose(actual, expected, tolerance: Self.prunedTolerance)
        // Cached greedy decoding runs the same smaller attentions.
        let masked = try GreedyDecoder.decode(model: model, sources: Self.sources, maximumLength: 10)
        let smaller = try GreedyDecoder.decode(model: pruned, sources: Self.sources, maximumLength: 10)
        #expect(masked.map(\.tokens) == smaller.map(\.tokens))
        #expect((pruned.encoder.layers[1].selfAttention as? MultiHeadAttention)?.query.weight.shape == [8, 16])
        #expect((pruned.decoder.layers[0].crossAttention as? MultiHeadAttention)?.output.weight.shape == [16, 4])
    }

    @Test func prunedClassifierAndLanguageModelEqualTheMaskedOnes() throws {
        let classifier = try EncoderClassifier(configuration: .init(vocabularySize: 12, classCount: 3, block: Self.block,
                                                                     layerCount: 2, maximumLength: 10),
                                               generator: SeededGenerator(seed: 8))
        let encoderHeads = PrunedHeads([.encoderSelf: [0: [0, 2], 1: [3]]])
        let smallClassifier = try classifier.pruning(encoderHeads)
        Self.gate(classifier, off: encoderHeads)
        let texts = [[4, 5, 6, 7], [8, 9, 10, 0]]
        let (c1, c2) = classifier.inferring { (classifier(texts), smallClassifier(texts)) }
        expectClose(c2, c1, tolerance: Self.prunedTolerance)

        let lm = try LanguageModel(configuration: .init(vocabularySize: 12, block: Self.block, layerCount: 2, maximumLength: 10),
                                   generator: SeededGenerator(seed: 9))
        let causalHeads = PrunedHeads([.decoderSelf: [1: [1, 2, 3]]])
        let smallLM = try lm.pruning(causalHeads)
        Self.gate(lm, off: causalHeads)
        let (l1, l2) = lm.inferring { (lm(texts), smallLM(texts)) }
        expectClose(l2, l1, tolerance: Self.prunedTolerance)
        // The KV-cached path of the pruned model equals its full recomputation.
        let cached = smallLM.inferring {
            let cache = KeyValueCache(for: smallLM.decoder, rowCount: 1, capacity: 4)
            return [4, 5, 6].map { smallLM.forward([[$0]], cache: cache).logits.scalars }.last!
        }
        let full = smallLM.inferring { smallLM([[4, 5, 6]]).scalars.suffix(12) }
        expectClose(cached, Array(full), tolerance: Tolerance.float32)
    }

    @Test func additiveAttentionIsGatedButNotPruned() throws {
        var c = Self.translation
        c.crossAttention = .additive
        let model = try Transformer(configuration: c, generator: SeededGenerator(seed: 15))
        let cross = try #require(model.decoder.layers[0].crossAttention as? AdditiveAttention)
        let plain = model.inferring { model(source: Self.sources, targetInput: Self.targetInputs) }
        cross.headGate = Tensor(shape: [4], scalars: [1, 0, 1, 1])
        let gated = model.inferring { model(source: Self.sources, targetInput: Self.targetInputs) }
        #expect(zip(plain.scalars, gated.scalars).contains { abs($0 - $1) > Tolerance.float32 })
        cross.headGate = nil
        // Dot-product attentions of a mixed model can be pruned; the additive ones cannot.
        let pruned = try model.pruning(PrunedHeads([.encoderSelf: [0: [1]]]))
        let (a, b) = model.inferring { () -> (Tensor, Tensor) in
            Self.gate(model, off: PrunedHeads([.encoderSelf: [0: [1]]]))
            return (model(source: Self.sources, targetInput: Self.targetInputs), pruned(source: Self.sources, targetInput: Self.targetInputs))
        }
        expectClose(b, a, tolerance: Self.prunedTolerance)
        #expect(throws: ConfigurationError(field: .prunedHeads, expected: "dot-product attention (pruning additive attention is not supported)",
                                           found: "heads pruned from an additive attention")) {
            try model.pruning(PrunedHeads([.decoderCross: [0: [1]]]))
        }
    }

    @Test func pruningTwiceUsesTheOriginalNumbering() throws {
        let model = try Transformer(configuration: Self.translation, generator: SeededGenerator(seed: 10))
        let once = try model.pruning(PrunedHeads([.encoderSelf: [0: [1]]]))
        let twice = try once.pruning(PrunedHeads([.encoderSelf: [0: [3]]]))
        let direct = try model.pruning(PrunedHeads([.encoderSelf: [0: [1, 3]]]))
        #expect(twice.prunedHeads == direct.prunedHeads)
        #expect(twice.attentionSites[0].keptHeads == [0, 2])
        let (a, b) = twice.inferring {
            (twice(source: Self.sources, targetInput: Self.targetInputs), direct(source: Self.sources, targetInput: Self.targetInputs))
        }
        expectClose(a, b, tolerance: Tolerance.exact)
    }

    @Test func parameterCountsFollowTheClosedForm() throws {
        let model = try Transformer(configuration: Self.translation, generator: SeededGenerator(seed: 11))
        let pruned = try model.pruning(Self.removed)
        // 7 heads removed, each 4 C D + 3 D = 4 * 16 * 4 + 3 * 4 = 268 parameters.
        #expect(pruned.parameterCount == model.parameterCount - 7 * 268)
        #expect(pruned.configuration.parameterCount == pruned.parameterCount)
    }

    @Test func pruningEveryHeadOfAnAttentionIsAnError() throws {
        let model = try Transformer(configuration: Self.translation, generator: SeededGenerator(seed: 12))
        #expect(throws: ConfigurationError(field: .prunedHeads, expected: "at least one head kept in every attention",
                                           found: "all 4 heads of cross layer 1 removed")) {
            try model.pruning(PrunedHeads([.decoderCross: [1: [0, 1, 2, 3]]]))
        }
        #expect(throws: ConfigurationError(field: .prunedHeads, expected: "heads from 0 to 3", found: "head 4 in encoder layer 0")) {
            try model.pruning(PrunedHeads([.encoderSelf: [0: [4]]]))
        }
        #expect(throws: ConfigurationError(field: .prunedHeads, expected: "a layer from 0 to 1", found: "decoder layer 2")) {
            try model.pruning(PrunedHeads([.decoderSelf: [2: [0]]]))
        }
        let classifier = try EncoderClassifier(configuration: .init(vocabularySize: 12, classCount: 3, block: Self.block, layerCount: 1),
                                               generator: SeededGenerator(seed: 13))
        #expect(throws: ConfigurationError.self) { try classifier.pruning(PrunedHeads([.decoderCross: [0: [0]]])) }
    }

    @Test func aPrunedCheckpointLoadsAsThePrunedModel() throws {
        let model = try Transformer(configuration: Self.translation, generator: SeededGenerator(seed: 14))
        let pruned = try model.pruning(Self.removed)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pruned-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(model: pruned, to: url)
        let loaded = try Checkpoint.load(from: url).model(Transformer.self)
        #expect(loaded.configuration == pruned.configuration)
        let (a, b) = loaded.inferring {
            (loaded(source: Self.sources, targetInput: Self.targetInputs), pruned(source: Self.sources, targetInput: Self.targetInputs))
        }
        expectClose(a, b, tolerance: Tolerance.exact)
        #expect(loaded.configurationJSON.contains(#""prunedHeads":{"#))
    }

    @Test func unprunedConfigurationsEncodeWithoutTheField() throws {
        let json = sortedJSON(Self.translation)
        #expect(!json.contains("prunedHeads"))
        let decoded = try JSONDecoder().decode(TransformerConfiguration.self, from: Data(json.utf8))
        #expect(decoded.prunedHeads == nil && decoded == Self.translation)
        #expect(TransformerConfiguration(prunedHeads: PrunedHeads()).prunedHeads == nil)
    }

    @Test func prunedHeadsJSONRoundTripsAndRejectsUnknownNames() throws {
        let data = try JSONEncoder().encode(Self.removed)
        #expect(try JSONDecoder().decode(PrunedHeads.self, from: data) == Self.removed)
        #expect(Self.removed.count == 7)
        #expect(throws: Swift.DecodingError.self) {
            try JSONDecoder().decode(PrunedHeads.self, from: Data(#"{"middle": {"0": [1]}}"#.utf8))
        }
        #expect(throws: Swift.DecodingError.self) {
            try JSONDecoder().decode(PrunedHeads.self, from: Data(#"{"encoder": {"first": [1]}}"#.utf8))
        }
    }
}
