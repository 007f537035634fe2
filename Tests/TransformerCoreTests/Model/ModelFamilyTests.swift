import Foundation
import Testing
@testable import TransformerCore

/// The two model families beside the encoder-decoder: the pooling op, ``EncoderClassifier``,
/// ``LanguageModel``, and checkpoints that know which family they hold.
@Suite struct ModelFamilyTests {
    typealias F = SerializationFixtures
    typealias Pooling = ClassifierConfiguration.Pooling

    static func block(dropout: Float = 0, placement: BlockConfiguration.NormPlacement = .pre) -> BlockConfiguration {
        BlockConfiguration(modelDimension: 8, headCount: 2, feedForwardDimension: 12, dropout: dropout, normPlacement: placement)
    }

    /// V 9 (ids 0-3 special), K 3, d_model 8, 1 block.
    static func classifierConfiguration(_ pooling: Pooling, dropout: Float = 0) -> ClassifierConfiguration {
        ClassifierConfiguration(vocabularySize: 9, classCount: 3, block: block(dropout: dropout), layerCount: 1,
                                maximumLength: 10, pooling: pooling)
    }

    static func classifier(_ pooling: Pooling, dropout: Float = 0, seed: UInt64 = 1) throws -> EncoderClassifier {
        try EncoderClassifier(configuration: classifierConfiguration(pooling, dropout: dropout), generator: SeededGenerator(seed: seed))
    }

    /// V 10 (ids 0-3 special), d_model 8, 2 causal blocks, a context of 12.
    static func languageModelConfiguration(tied: Bool = false, dropout: Float = 0,
                                           positions: TransformerConfiguration.PositionalEncodingKind = .sinusoidal) -> LanguageModelConfiguration {
        LanguageModelConfiguration(vocabularySize: 10, block: block(dropout: dropout), layerCount: 2, maximumLength: 12,
                                   positionalEncoding: positions, tieEmbedding: tied)
    }

    static func languageModel(tied: Bool = false, dropout: Float = 0, seed: UInt64 = 2) throws -> LanguageModel {
        try LanguageModel(configuration: languageModelConfiguration(tied: tied, dropout: dropout), generator: SeededGenerator(seed: seed))
    }

    static func bits(_ model: any TransformerModel) -> [String: [UInt32]] {
        Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, $0.tensor.scalars.map(\.bitPattern)) })
    }

    // MARK: - weightedPositionSum

    @Test func weightedPositionSumMatchesAHandComputation() {
        // x [2, 3, 2]: row 0 picks position 0 ([CLS]), row 1 weights its positions 0.5, 0.25, 0.25.
        let x = Tensor(shape: [2, 3, 2], scalars: [1, 2, 3, 4, 5, 6,
                                                   10, 20, 30, 40, 50, 60])
        let y = x.weightedPositionSum([1, 0, 0, 0.5, 0.25, 0.25])
        expectClose(y, Tensor(shape: [2, 2], scalars: [1, 2,
                                                       0.5 * 10 + 0.25 * 30 + 0.25 * 50, 0.5 * 20 + 0.25 * 40 + 0.25 * 60]),
                    tolerance: Tolerance.exact)
    }

    @Test func weightedPositionSumGradients() {
        let x = randomTensor([2, 4, 3], seed: 3)
        let weights: [Float] = [1, 0, 0, 0, 0.2, -0.7, 0, 1.5]
        expectGradientsMatch([x]) { t in weightedSum(t[0].weightedPositionSum(weights)) }
        // Positions with weight 0 get no gradient.
        let y = x.weightedPositionSum(weights)
        weightedSum(y).backward()
        let g = x.gradient!.scalars
        #expect(g[3..<12].allSatisfy { $0 == 0 } && g[18..<21].allSatisfy { $0 == 0 })
    }

    // MARK: - EncoderClassifier

    @Test(arguments: Pooling.allCases)
    func classifierLogitsAreBatchByClasses(pooling: Pooling) throws {
        let model = try Self.classifier(pooling)
        #expect(model([[4, 5, 6], [7, 8, 0]]).shape == [2, 3])
        #expect(model([[4]]).shape == [1, 3])
        let (_, weights) = model.forward([[4, 5, 6], [7, 8, 0]])
        #expect(weights.map(\.shape) == [[2, 2, pooling == .classToken ? 4 : 3, pooling == .classToken ? 4 : 3]])
        #expect(model.maximumTokens == (pooling == .classToken ? 9 : 10))
    }

    /// Extra padding ids after a text, alone or in a batch with a longer text, do not change its logits.
    @Test(arguments: Pooling.allCases)
    func classifierPaddingIsInvisible(pooling: Pooling) throws {
        let model = try Self.classifier(pooling, seed: 4)
        let alone = model([[4, 5, 6]])
        expectClose(model([[4, 5, 6, 0, 0]]), alone, tolerance: Tolerance.float32)
        let batch = model([[4, 5, 6, 0, 0], [7, 8, 4, 5, 6]])
        expectClose(Array(batch.scalars[0..<3]), alone.scalars, tolerance: Tolerance.float32)
        expectClose(Array(batch.scalars[3..<6]), model([[7, 8, 4, 5, 6]]).scalars, tolerance: Tolerance.float32)
    }

    @Test(arguments: Pooling.allCases)
    func classifierGradients(pooling: Pooling) throws {
        let model = try Self.classifier(pooling, seed: 5)
        let ids = [[4, 5, 6, 7], [8, 4, 0, 0]]
        expectGradientsMatch(model.parameters, step: reluSafeStep) { _ in weightedSum(model(ids)) }
    }

    @Test(arguments: Pooling.allCases)
    func everyClassifierParameterGetsAGradient(pooling: Pooling) throws {
        let model = try Self.classifier(pooling, seed: 6)
        crossEntropy(logits: model([[4, 5, 6, 7], [8, 4, 0, 0]]), targets: [0, 2], ignoreIndex: nil).backward()
        for (name, parameter) in model.namedParameters {
            #expect(parameter.gradient?.scalars.contains { $0 != 0 } == true, "\(name) has no gradient")
        }
        #expect((model.classToken != nil) == (pooling == .classToken))
    }

    @Test(arguments: [(Pooling.classToken, TransformerConfiguration.PositionalEncodingKind.sinusoidal, BlockConfiguration.NormPlacement.pre),
                      (.mean, .learned, .post), (.classToken, .learned, .pre), (.mean, .sinusoidal, .post)])
    func classifierParameterCountIsTheClosedForm(pooling: Pooling, positions: TransformerConfiguration.PositionalEncodingKind,
                                                 placement: BlockConfiguration.NormPlacement) throws {
        var configuration = Self.classifierConfiguration(pooling)
        configuration.positionalEncoding = positions
        configuration.block.normPlacement = placement
        let model = try EncoderClassifier(configuration: configuration, generator: SeededGenerator(seed: 7))
        #expect(model.parameters.reduce(0) { $0 + $1.count } == configuration.parameterCount)
    }

    // MARK: - LanguageModel

    @Test func languageModelLogitsAreBatchByTimeByVocabulary() throws {
        let model = try Self.languageModel()
        #expect(model([[4, 5, 6, 7, 8], [9, 4, 5, 0, 0]]).shape == [2, 5, 10])
        #expect(model.forward([[4, 5, 6]]).weights.map(\.shape) == [[1, 2, 3, 3], [1, 2, 3, 3]])
    }

    /// Changing a later token leaves the logits of earlier positions unchanged.
    @Test func languageModelIsCausal() throws {
        let model = try Self.languageModel(seed: 8)
        let a = model([[4, 5, 6, 7, 8]]), b = model([[4, 5, 6, 9, 4]])
        let v = 10
        expectClose(Array(a.scalars[0..<(3 * v)]), Array(b.scalars[0..<(3 * v)]), tolerance: Tolerance.exact)
        #expect(Array(a.scalars[(3 * v)...]) != Array(b.scalars[(3 * v)...]))
    }

    /// One token at a time through a KV cache gives the rows of the full forward (dropout on in training
    /// mode, off under `inferring`).
    @Test(arguments: [false, true])
    func cachedForwardEqualsTheFullForward(tied: Bool) throws {
        let model = try Self.languageModel(tied: tied, dropout: 0.1, seed: 9)
        let ids = [[4, 5, 6, 7, 8, 9, 4, 5, 6, 7], [9, 8, 7, 6, 5, 4, 9, 8, 7, 6]]
        let v = 10, t = ids[0].count
        let (full, stepped) = model.inferring { () -> ([Float], [[Float]]) in
            let full = model(ids).scalars                                          // [2, T, V]
            let cache = KeyValueCache(for: model.decoder, rowCount: 2, capacity: 4)   // grows twice
            let stepped = (0..<t).map { position in
                model.forward(ids.map { [$0[position]] }, cache: cache).logits.scalars  // [2, 1, V]
            }
            #expect(cache.length == t)
            return (full, stepped)
        }
        #expect(model.isInTrainingMode)
        for position in 0..<t {
            for row in 0..<2 {
                let expected = Array(full[((row * t + position) * v)..<((row * t + position + 1) * v)])
                expectClose(Array(stepped[position][(row * v)..<((row + 1) * v)]), expected, tolerance: DecodingTolerance.incremental)
            }
        }
    }

    @Test func tiedEmbeddingSharesTheTensor() throws {
        let tied = try Self.languageModel(tied: true)
        #expect(tied.projection.weight === tied.embedding.weight)
        #expect(!tied.namedParameters.map(\.name).contains("projection.weight"))
        let untied = try Self.languageModel(tied: false)
        #expect(untied.projection.weight !== untied.embedding.weight)
        // A gradient step through both uses lands in the one tensor.
        crossEntropy(logits: tied([[4, 5, 6]]), targets: [5, 6, 7], ignoreIndex: nil).backward()
        #expect(tied.embedding.weight.gradient != nil)
    }

    @Test(arguments: [(false, TransformerConfiguration.PositionalEncodingKind.sinusoidal), (true, .sinusoidal), (false, .learned), (true, .learned)])
    func languageModelParameterCountIsTheClosedForm(tied: Bool, positions: TransformerConfiguration.PositionalEncodingKind) throws {
        let configuration = Self.languageModelConfiguration(tied: tied, positions: positions)
        let model = try LanguageModel(configuration: configuration, generator: SeededGenerator(seed: 10))
        #expect(model.parameters.reduce(0) { $0 + $1.count } == configuration.parameterCount)
        #expect(model.parameterCount == configuration.parameterCount)
    }

    // MARK: - Checkpoints

    static func evaluationLogits(_ model: any TransformerModel) -> [UInt32] {
        model.setTraining(false)
        defer { model.setTraining(true) }
        return Tensor.withoutGradients { () -> Tensor in
            switch model {
            case let m as EncoderClassifier: return m([[4, 5, 6], [7, 8, 0]])
            case let m as LanguageModel: return m([[4, 5, 6], [7, 8, 9]])
            case let m as Transformer: return m(source: [[3, 4, 5]], targetInput: [[1, 3, 4]])
            case let m as VisionTransformer: return m(randomTensor([2, m.configuration.channelCount, 8, 8], seed: 4))
            default: fatalError("unknown family")
            }
        }.scalars.map(\.bitPattern)
    }

    /// A model of `family` with dropout and tied weights where the family has them.
    static func model(of family: ModelFamily) throws -> any TransformerModel {
        switch family {
        case .encoderDecoder: return F.model(F.tiedConfiguration, seed: 11)
        case .encoderClassifier: return try classifier(.classToken, dropout: 0.1, seed: 11)
        case .decoderLanguageModel: return try languageModel(tied: true, dropout: 0.1, seed: 11)
        case .visionTransformer:
            var c = VisionTransformerTests.configuration(channels: 3, dropout: 0.1)
            c.pixelMean = [0.4, 0.5, 0.6]
            return try VisionTransformer(configuration: c, generator: SeededGenerator(seed: 11))
        }
    }

    @Test(arguments: ModelFamily.allCases)
    func checkpointRoundTripForEachFamily(family: ModelFamily) throws {
        let model = try Self.model(of: family)
        try F.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("model.safetensors")
            try Checkpoint.save(model: model, metadata: ["note": "family"], to: url)
            let loaded = try Checkpoint.load(from: url)
            #expect(loaded.family == family)
            #expect(loaded.metadata[Checkpoint.familyKey] == family.rawValue && loaded.metadata["note"] == "family")
            #expect(loaded.model.configurationJSON == model.configurationJSON)
            #expect(try Checkpoint.inspect(url).family == family)
            #expect(Self.bits(loaded.model) == Self.bits(model))
            #expect(Self.evaluationLogits(loaded.model) == Self.evaluationLogits(model))
            #expect((loaded.configuration != nil) == (family == .encoderDecoder))
        }
    }

    @Test func loadedCheckpointGivesTheModelOfItsFamilyOnly() throws {
        try F.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("classifier.safetensors")
            let model = try Self.classifier(.mean, seed: 12)
            try Checkpoint.save(model: model, to: url)
            let loaded = try Checkpoint.load(from: url)
            let classifier = try loaded.model(EncoderClassifier.self)
            #expect(classifier.configuration == model.configuration)
            expectCheckpointError(.wrongFamily, "holds an encoder classifier, but an encoder-decoder (translation) model is needed",
                                  file: url.relativePath) { try loaded.model(Transformer.self) }
            expectCheckpointError(.wrongFamily, "holds an encoder classifier, but a decoder-only language model is needed",
                                  file: url.relativePath) { try loaded.model(LanguageModel.self) }
        }
    }

    /// A checkpoint written before the families (no `model_family`, no `specialTokens` in the
    /// configuration) is an encoder-decoder with the standard special tokens.
    @Test func oldFormatCheckpointLoadsAsAnEncoderDecoder() throws {
        try F.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("old.safetensors")
            let model = F.model(seed: 13)
            try Checkpoint.save(model: model, to: url)
            let contents = try SafeTensors.read(from: url)
            var metadata = contents.metadata
            #expect(metadata.removeValue(forKey: Checkpoint.familyKey) == "encoder-decoder")
            var configuration = try #require(try JSONSerialization.jsonObject(with: Data(metadata["configuration"]!.utf8)) as? [String: Any])
            #expect(configuration.removeValue(forKey: "specialTokens") != nil)
            metadata["configuration"] = String(decoding: try JSONSerialization.data(withJSONObject: configuration, options: [.sortedKeys]),
                                               as: UTF8.self)
            try SafeTensors.write(contents.tensors, metadata: metadata, to: url)
            #expect(try SafeTensors.read(from: url).metadata.keys.sorted() == ["configuration", "format", "format_version"])

            let loaded = try Checkpoint.load(from: url)
            #expect(loaded.family == .encoderDecoder)
            #expect(loaded.configuration == F.smallConfiguration)
            #expect(loaded.configuration?.specialTokens == .standard)
            #expect(F.parameterBits(try loaded.model(Transformer.self)) == F.parameterBits(model))
            #expect(try Checkpoint.inspect(url).family == .encoderDecoder)
        }
    }

    @Test func loadIntoAModelOfAnotherFamilyIsAWrongFamilyError() throws {
        try F.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("classifier.safetensors")
            try Checkpoint.save(model: try Self.classifier(.classToken, seed: 14), to: url)
            let target = try Self.languageModel(seed: 15)
            let before = Self.bits(target)
            expectCheckpointError(.wrongFamily, "holds an encoder classifier, not a decoder-only language model", file: url.relativePath) {
                try Checkpoint.load(from: url, into: target)
            }
            #expect(Self.bits(target) == before)
            let same = try Self.classifier(.classToken, seed: 16)
            try Checkpoint.load(from: url, into: same)
            #expect(Self.bits(same) == Self.bits(try Self.classifier(.classToken, seed: 14)))
        }
    }
}
