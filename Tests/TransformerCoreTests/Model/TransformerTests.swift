import Testing
@testable import TransformerCore

@Suite struct TransformerTests {
    /// The closed-form parameter count of the model TransformerCore builds.
    ///
    /// MHA: 4 (C^2 + C); FFN: 2 C F + F + C; LayerNorm: 2 C.
    /// Encoder layer: MHA + FFN + 2 LN; decoder layer: 2 MHA + FFN + 3 LN; pre-norm adds a final LN per stack.
    /// Embeddings V_src C + V C (+ maxLen C when learned); projection V C + V (only V when tied).
    static func closedFormCount(_ c: TransformerConfiguration) -> Int {
        let (d, f, n) = (c.modelDimension, c.feedForwardDimension, c.layerCount)
        let attention = 4 * (d * d + d), feedForward = 2 * d * f + f + d, norm = 2 * d
        let encoderLayer = attention + feedForward + 2 * norm
        let decoderLayer = 2 * attention + feedForward + 3 * norm
        let finalNorms = c.normPlacement == .pre ? 2 * norm : 0
        let embeddings = (c.sourceVocabularySize + c.targetVocabularySize) * d
            + (c.positionalEncoding == .learned ? c.maximumLength * d : 0)
        let projection = (c.tieTargetEmbedding ? 0 : c.targetVocabularySize * d) + c.targetVocabularySize
        return n * (encoderLayer + decoderLayer) + finalNorms + embeddings + projection
    }

    static let configurations: [TransformerConfiguration] = [
        TransformerConfiguration(sourceVocabularySize: 32, targetVocabularySize: 32, modelDimension: 32,
                                 headCount: 4, layerCount: 2, feedForwardDimension: 128),
        TransformerConfiguration(sourceVocabularySize: 11, targetVocabularySize: 7, modelDimension: 12, headCount: 3,
                                 layerCount: 3, feedForwardDimension: 20, normPlacement: .post),
        TransformerConfiguration(sourceVocabularySize: 9, targetVocabularySize: 13, modelDimension: 8, headCount: 1,
                                 layerCount: 1, feedForwardDimension: 8, maximumLength: 20, activation: .gelu,
                                 positionalEncoding: .learned, tieTargetEmbedding: true),
    ]

    @Test(arguments: configurations)
    func parameterCountMatchesTheClosedForm(configuration: TransformerConfiguration) throws {
        let model = try Transformer(configuration: configuration, generator: SeededGenerator(seed: 1))
        #expect(model.parameterCount == Self.closedFormCount(configuration))
        #expect(configuration.parameterCount == model.parameterCount)
    }

    /// The tiny benchmark configuration has 62,624 parameters in the PyTorch reference too.
    @Test func tinyBenchmarkConfigurationMatchesTheReference() throws {
        let model = try Transformer(configuration: Self.configurations[0], generator: SeededGenerator(seed: 1))
        #expect(model.parameterCount == 62_624)
    }

    /// The paper's base model (d_model 512, 8 heads, 6 layers, d_ff 2048) with 10-token vocabularies.
    @Test func baseModelParameterCount() throws {
        let configuration = TransformerConfiguration()
        let model = try Transformer(configuration: configuration, generator: SeededGenerator(seed: 1))
        #expect(model.parameterCount == Self.closedFormCount(configuration))
        // By hand: 6 x (3,152,384 encoder + 4,204,032 decoder) + 2,048 final norms
        //          + 10,240 embeddings + 5,130 projection = 44,155,914.
        #expect(model.parameterCount == 44_155_914)
    }

    @Test func parameterNamesAreStableAndOrdered() throws {
        let configuration = TransformerConfiguration(sourceVocabularySize: 5, targetVocabularySize: 6, modelDimension: 4,
                                                     headCount: 2, layerCount: 1, feedForwardDimension: 8)
        let model = try Transformer(configuration: configuration, generator: SeededGenerator(seed: 1))
        let names = model.namedParameters.map(\.name)
        func attention(_ prefix: String) -> [String] {
            ["query", "key", "value", "output"].flatMap { ["\(prefix).\($0).weight", "\(prefix).\($0).bias"] }
        }
        func norm(_ prefix: String) -> [String] { ["\(prefix).gain", "\(prefix).bias"] }
        func ffn(_ prefix: String) -> [String] {
            ["\(prefix).expand.weight", "\(prefix).expand.bias", "\(prefix).contract.weight", "\(prefix).contract.bias"]
        }
        let encoder = "encoder.layers.0", decoder = "decoder.layers.0"
        let expected = ["sourceEmbedding.weight", "targetEmbedding.weight"]
            + attention("\(encoder).selfAttention") + norm("\(encoder).selfAttentionResidual.norm")
            + ffn("\(encoder).feedForward") + norm("\(encoder).feedForwardResidual.norm") + norm("encoder.norm")
            + attention("\(decoder).selfAttention") + norm("\(decoder).selfAttentionResidual.norm")
            + attention("\(decoder).crossAttention") + norm("\(decoder).crossAttentionResidual.norm")
            + ffn("\(decoder).feedForward") + norm("\(decoder).feedForwardResidual.norm") + norm("decoder.norm")
            + ["projection.weight", "projection.bias"]
        #expect(names == expected)
        #expect(model.namedParameters.first { $0.name == "projection.weight" }?.tensor.shape == [6, 4])
    }

    @Test func tiedWeightsShareOneTensor() throws {
        let model = try Transformer(configuration: Self.configurations[2], generator: SeededGenerator(seed: 1))
        #expect(model.projection.weight === model.targetEmbedding.weight)
        #expect(!model.namedParameters.map(\.name).contains("projection.weight"))
    }

    @Test func forwardShapesAndAttentionMaps() throws {
        let configuration = TransformerConfiguration(sourceVocabularySize: 10, targetVocabularySize: 10, modelDimension: 8,
                                                     headCount: 2, layerCount: 2, feedForwardDimension: 16)
        let model = try Transformer(configuration: configuration, generator: SeededGenerator(seed: 2))
        let output = model.forward(source: [[3, 4, 5, 6, 7], [3, 3, 0, 0, 0]],
                                   targetInput: [[1, 4, 5], [1, 9, 0]])
        #expect(output.logits.shape == [2, 3, 10])
        #expect(output.attention.encoderSelf.map(\.shape) == [[2, 2, 5, 5], [2, 2, 5, 5]])
        #expect(output.attention.decoderSelf.map(\.shape) == [[2, 2, 3, 3], [2, 2, 3, 3]])
        #expect(output.attention.decoderCross.map(\.shape) == [[2, 2, 3, 5], [2, 2, 3, 5]])
    }

    @Test func sameSeedSameWeightsAndEvaluationIsDeterministic() throws {
        let configuration = Self.configurations[1]
        let a = try Transformer(configuration: configuration, generator: SeededGenerator(seed: 9))
        let b = try Transformer(configuration: configuration, generator: SeededGenerator(seed: 9))
        #expect(a.parameters.map(\.scalars) == b.parameters.map(\.scalars))
        a.setTraining(false)
        let first = a(source: [[3, 4]], targetInput: [[1, 5]]), second = a(source: [[3, 4]], targetInput: [[1, 5]])
        #expect(first.scalars == second.scalars)
    }

    @Test func gradientsReachEveryParameter() throws {
        let model = try Transformer(configuration: Self.configurations[2], generator: SeededGenerator(seed: 3))
        let logits = model(source: [[3, 4, 5]], targetInput: [[1, 6, 7]])
        crossEntropy(logits: logits, targets: [6, 7, 2], ignoreIndex: 0, labelSmoothing: 0.1).backward()
        for (name, tensor) in model.namedParameters {
            #expect(tensor.gradientScalars != nil, "no gradient for \(name)")
        }
    }

    @Test func invalidConfigurationsAreRejectedWithTheField() {
        func field(_ configuration: TransformerConfiguration) -> ConfigurationError.Field? {
            do { try configuration.validate(); return nil } catch { return error.field }
        }
        #expect(field(TransformerConfiguration(headCount: 7)) == .headCount)
        #expect(field(TransformerConfiguration(layerCount: 0)) == .layerCount)
        #expect(field(TransformerConfiguration(modelDimension: -4)) == .modelDimension)
        #expect(field(TransformerConfiguration(dropout: 1)) == .dropout)
        #expect(field(TransformerConfiguration(dropout: .nan)) == .dropout)
        #expect(field(TransformerConfiguration(feedForwardDimension: 1 << 40)) == .feedForwardDimension)
        #expect(field(TransformerConfiguration(modelDimension: 65536, headCount: 1, layerCount: 1)) == .modelSize)
        #expect(field(TransformerConfiguration(modelDimension: 1024, maximumLength: 1 << 20)) == .modelSize)
        #expect(field(TransformerConfiguration()) == nil)
        #expect(throws: ConfigurationError.self) {
            try Transformer(configuration: TransformerConfiguration(headCount: 7), generator: SeededGenerator(seed: 1))
        }
    }
}
