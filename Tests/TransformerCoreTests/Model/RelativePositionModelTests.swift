import Foundation
import Testing
@testable import TransformerCore

/// RoPE and ALiBi in the three model families: where the positions go (every self-attention, no
/// cross-attention, no table), configuration checks, pruning, and checkpoints that keep the kind.
@Suite struct RelativePositionModelTests {
    typealias Positions = TransformerConfiguration.PositionalEncodingKind
    static let kinds: [Positions] = [.rotary, .linearBiases]

    static let block = BlockConfiguration(modelDimension: 8, headCount: 2, feedForwardDimension: 12, dropout: 0)

    static func translation(_ positions: Positions, maximumLength: Int = 12) -> TransformerConfiguration {
        TransformerConfiguration(sourceVocabularySize: 11, targetVocabularySize: 13, modelDimension: 8, headCount: 2,
                                 layerCount: 2, feedForwardDimension: 12, dropout: 0, maximumLength: maximumLength,
                                 positionalEncoding: positions)
    }

    static let sources = [[4, 5, 6, 7, 2], [8, 9, 2, 0, 0]]
    static let targetInputs = [[1, 4, 5, 6], [1, 7, 8, 0]]

    static func positions(_ attention: any AttentionLayer) -> AttentionPositions? {
        (attention as? MultiHeadAttention)?.positions
    }

    @Test(arguments: kinds)
    func everySelfAttentionHasThePositionsAndNoCrossAttentionDoes(kind: Positions) throws {
        let model = try Transformer(configuration: Self.translation(kind), generator: SeededGenerator(seed: 1))
        let expected = AttentionPositions(kind, headCount: 2, headDimension: 4)
        for layer in model.encoder.layers + model.decoder.layers {
            #expect(Self.positions(layer.selfAttention) == expected)
        }
        for layer in model.decoder.layers { #expect(Self.positions(layer.crossAttention!) == nil) }
        // No table: the positional encoding has no parameters and adds nothing but the sqrt(d_model) scale.
        #expect(model.positionalEncoding.sinusoidTable == nil && model.positionalEncoding.namedParameters.isEmpty)
        let x = randomTensor([1, 3, 8], seed: 2)
        expectClose(model.positionalEncoding(x, offset: 40), x * Float(8).squareRoot(), tolerance: Tolerance.exact)
        // The same parameters (names and count) as the sinusoidal model, and the closed form agrees.
        let sinusoidal = try Transformer(configuration: Self.translation(.sinusoidal), generator: SeededGenerator(seed: 1))
        #expect(model.namedParameters.map(\.name) == sinusoidal.namedParameters.map(\.name))
        #expect(model.parameterCount == model.configuration.parameterCount)
        #expect(model.configuration.storedScalarCount == model.parameterCount)   // no fixed table either
    }

    /// The positions matter: swapping two source tokens changes the output (a model without positions
    /// would be permutation-equivariant in its encoder), and training gradients reach every parameter.
    @Test(arguments: kinds)
    func encoderDecoderUsesPositionsAndGetsGradients(kind: Positions) throws {
        let model = try Transformer(configuration: Self.translation(kind), generator: SeededGenerator(seed: 3))
        let a = model(source: [[4, 5, 6, 7]], targetInput: [[1, 4]])
        let b = model(source: [[5, 4, 6, 7]], targetInput: [[1, 4]])
        #expect(zip(a.scalars, b.scalars).contains { abs($0 - $1) > 1e-4 })
        let loss = crossEntropy(logits: model(source: Self.sources, targetInput: Self.targetInputs),
                                targets: [4, 5, 6, 2, 7, 8, 2, 0], ignoreIndex: 0)
        loss.backward()
        for p in model.namedParameters {
            #expect(p.tensor.gradientScalars?.contains { $0 != 0 } == true, "no gradient reaches \(p.name)")
        }
    }

    @Test(arguments: kinds)
    func classifierAndLanguageModelCarryThePositions(kind: Positions) throws {
        let classifier = try EncoderClassifier(configuration: .init(vocabularySize: 12, classCount: 3, block: Self.block, layerCount: 2,
                                                                     maximumLength: 10, positionalEncoding: kind),
                                               generator: SeededGenerator(seed: 4))
        #expect(classifier.encoder.layers.allSatisfy { Self.positions($0.selfAttention) != nil })
        #expect(classifier([[4, 5, 6], [7, 8, 0]]).shape == [2, 3])
        let lm = try LanguageModel(configuration: .init(vocabularySize: 12, block: Self.block, layerCount: 2, maximumLength: 10,
                                                        positionalEncoding: kind),
                                   generator: SeededGenerator(seed: 5))
        #expect(lm.decoder.layers.allSatisfy { Self.positions($0.selfAttention) != nil })
        // Causal: a later token does not change earlier positions' logits.
        let (x, y) = (lm([[4, 5, 6, 7]]), lm([[4, 5, 6, 9]]))
        expectClose(Array(x.scalars[0..<36]), Array(y.scalars[0..<36]), tolerance: Tolerance.exact)
    }

    @Test func ropeNeedsAnEvenHeadDimensionAndBothNeedDotProductSelfAttention() {
        var odd = Self.translation(.rotary)
        (odd.modelDimension, odd.headCount) = (10, 2)
        #expect(throws: ConfigurationError(field: .positionalEncoding, expected: "an even head dimension",
                                           found: "5 (d_model 10 / 2 heads)")) { try odd.validate() }
        odd.positionalEncoding = .linearBiases
        #expect(throws: Never.self) { try odd.validate() }
        for kind in Self.kinds {
            var additive = Self.translation(kind)
            additive.selfAttention = .additive
            #expect(throws: ConfigurationError(field: .positionalEncoding, expected: "dot-product self-attention",
                                               found: "additive self-attention")) { try additive.validate() }
            additive.selfAttention = .dotProduct
            additive.crossAttention = .additive   // an additive cross-attention gets no positions: fine
            #expect(throws: Never.self) { try Transformer(configuration: additive, generator: SeededGenerator(seed: 6)) }
        }
        let lm = LanguageModelConfiguration(vocabularySize: 12, block: BlockConfiguration(modelDimension: 6, headCount: 2,
                                                                                          feedForwardDimension: 8),
                                            layerCount: 1, maximumLength: 8, positionalEncoding: .rotary)
        #expect(throws: ConfigurationError.self) { try lm.validate() }
    }

    /// A pruned ALiBi model keeps each remaining head's slope, so it equals the unpruned model with the
    /// pruned heads gated off.
    @Test func prunedALiBiModelEqualsTheMaskedOne() throws {
        var c = Self.translation(.linearBiases)
        (c.modelDimension, c.headCount, c.feedForwardDimension) = (16, 4, 24)
        let model = try Transformer(configuration: c, generator: SeededGenerator(seed: 7))
        let removed = PrunedHeads([.encoderSelf: [0: [1]], .decoderSelf: [1: [0, 2]]])
        let pruned = try model.pruning(removed)
        HeadPruningTests.gate(model, off: removed)
        let (expected, actual) = model.inferring {
            (model(source: Self.sources, targetInput: Self.targetInputs), pruned(source: Self.sources, targetInput: Self.targetInputs))
        }
        expectClose(actual, expected, tolerance: HeadPruningTests.prunedTolerance)
        let slopes = LinearBiases.slopes(headCount: 4)
        #expect(Self.positions(pruned.decoder.layers[1].selfAttention) == .linearBiases(LinearBiases(slopes: [slopes[1], slopes[3]])))
    }

    /// The kind is saved in the checkpoint configuration and comes back; the model computes the same logits.
    @Test(arguments: kinds)
    func checkpointsKeepTheKindForEveryFamily(kind: Positions) throws {
        try SerializationFixtures.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("model.safetensors")
            let model = try Transformer(configuration: Self.translation(kind), generator: SeededGenerator(seed: 8))
            try Checkpoint.save(model: model, to: url)
            let loaded = try Checkpoint.load(from: url).model(Transformer.self)
            #expect(loaded.configuration.positionalEncoding == kind && loaded.configuration == model.configuration)
            #expect(loaded.configurationJSON.contains("\"positionalEncoding\":\"\(kind.rawValue)\""))
            let (a, b) = loaded.inferring {
                (loaded(source: Self.sources, targetInput: Self.targetInputs), model(source: Self.sources, targetInput: Self.targetInputs))
            }
            expectClose(a, b, tolerance: Tolerance.exact)

            let lm = try LanguageModel(configuration: .init(vocabularySize: 12, block: Self.block, layerCount: 1, maximumLength: 10,
                                                            positionalEncoding: kind), generator: SeededGenerator(seed: 9))
            try Checkpoint.save(model: lm, to: url)
            let loadedLM = try Checkpoint.load(from: url).model(LanguageModel.self)
            #expect(loadedLM.configuration == lm.configuration)
            expectClose(loadedLM.inferring { loadedLM([[4, 5, 6]]) }, lm.inferring { lm([[4, 5, 6]]) }, tolerance: Tolerance.exact)

            let classifier = try EncoderClassifier(configuration: .init(vocabularySize: 12, classCount: 2, block: Self.block,
                                                                         layerCount: 1, maximumLength: 10, positionalEncoding: kind),
                                                   generator: SeededGenerator(seed: 10))
            try Checkpoint.save(model: classifier, to: url)
            let loadedClassifier = try Checkpoint.load(from: url).model(EncoderClassifier.self)
            #expect(loadedClassifier.configuration == classifier.configuration)
            expectClose(loadedClassifier.inferring { loadedClassifier([[4, 5]]) }, classifier.inferring { classifier([[4, 5]]) },
                        tolerance: Tolerance.exact)
        }
    }

    /// Configurations of the older kinds encode exactly as before (no new key), and an old JSON still decodes.
    @Test func olderKindsEncodeAsBefore() throws {
        let json = sortedJSON(Self.translation(.sinusoidal))
        #expect(json.contains("\"positionalEncoding\":\"sinusoidal\""))
        let decoded = try JSONDecoder().decode(TransformerConfiguration.self, from: Data(json.utf8))
        #expect(decoded == Self.translation(.sinusoidal))
        let rope = try JSONDecoder().decode(TransformerConfiguration.self,
                                            from: Data(json.replacingOccurrences(of: "\"sinusoidal\"", with: "\"rope\"").utf8))
        #expect(rope.positionalEncoding == .rotary)
        #expect(Positions.allCases.map(\.rawValue) == ["sinusoidal", "learned", "sinusoidal-halves", "rope", "alibi"])
    }
}
