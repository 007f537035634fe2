import Foundation
import Testing
@testable import TransformerCore

@Suite struct CheckpointTests {
    typealias F = SerializationFixtures
    static let name = "runs/x/last.safetensors"

    /// Token ids below 7, the smallest vocabulary of the fixtures.
    static let source = [[3, 4, 5, 6, 0], [2, 5, 6, 0, 0]], targetInput = [[1, 3, 4, 5], [1, 6, 0, 0]]

    static func evaluationLogits(_ model: Transformer) -> [UInt32] {
        model.setTraining(false)
        return Tensor.withoutGradients { model(source: source, targetInput: targetInput) }.scalars.map(\.bitPattern)
    }

    /// The metadata a checkpoint of `configuration` carries.
    static func checkpointMetadata(_ configuration: TransformerConfiguration = F.smallConfiguration) -> [String: String] {
        ["format": Checkpoint.format, "format_version": Checkpoint.formatVersion,
         "configuration": Checkpoint.encodeConfiguration(configuration)]
    }

    /// Decodes in-memory checkpoint contents as `load` would.
    static func decode(_ tensors: [NamedParameter], metadata: [String: String] = checkpointMetadata()) throws(CheckpointError) -> LoadedCheckpoint {
        let contents = try SafeTensors.parse(bytes: SafeTensors.encode(tensors, metadata: metadata), source: name)
        return try Checkpoint.decode(contents, file: name, generator: SeededGenerator(seed: 0))
    }

    @Test(arguments: [F.smallConfiguration, F.tiedConfiguration])
    func modelRoundTripGivesTheSameParametersAndLogitsBitForBit(configuration: TransformerConfiguration) throws {
        try F.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("model.safetensors")
            let model = F.model(configuration, seed: 11)
            try Checkpoint.save(model: model, metadata: ["note": "round trip", "tokenizer": "{\"vocabulary\":[\"a\",\"b\"]}"], to: url)
            let loaded = try Checkpoint.load(from: url)
            #expect(loaded.configuration == configuration)
            #expect(loaded.metadata["note"] == "round trip")
            #expect(loaded.metadata["format"] == "transformercore-checkpoint" && loaded.metadata["format_version"] == "1")
            #expect(loaded.extraTensors.isEmpty)
            #expect(loaded.model.namedParameters.map(\.name) == model.namedParameters.map(\.name))
            #expect(F.parameterBits(try loaded.model(Transformer.self)) == F.parameterBits(model))
            #expect(Self.evaluationLogits(try loaded.model(Transformer.self)) == Self.evaluationLogits(model))
            #expect(F.contents(of: directory) == ["model.safetensors"])
        }
    }

    @Test func tiedWeightsAreStoredOnceAndStayTiedAfterLoading() throws {
        let model = F.model(F.tiedConfiguration)
        let names = try SafeTensors.parse(bytes: SafeTensors.encode(model.namedParameters)).tensors.map(\.name)
        #expect(names.contains("targetEmbedding.weight") && !names.contains("projection.weight"))
        let loaded = try Self.decode(model.namedParameters, metadata: Self.checkpointMetadata(F.tiedConfiguration))
        let tied = try loaded.model(Transformer.self)
        #expect(tied.projection.weight === tied.targetEmbedding.weight)
    }

    @Test func storesTheParametersInDeclarationOrderWithLinearWeightsOutByIn() throws {
        try F.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("c.safetensors")
            let model = F.model()
            try Checkpoint.save(model: model, to: url)
            let summary = try Checkpoint.inspect(url)
            #expect(summary.family == .encoderDecoder && summary.parameterCount == F.smallConfiguration.parameterCount)
            #expect(summary.tensors.map(\.name) == model.namedParameters.map(\.name))
            #expect(summary.tensors.first { $0.name == "encoder.layers.0.feedForward.expand.weight" }?.shape == [16, 8])
            #expect(summary.metadata.keys.sorted() == ["configuration", "format", "format_version", "model_family"])
        }
    }

    @Test func optimizerStateRoundTrips() throws {
        try F.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("resume.safetensors")
            let model = F.model()
            let adam = Adam(parameters: model.parameters, learningRate: 1e-3)
            for _ in 0..<2 {
                adam.zeroGradients()
                crossEntropy(logits: model(source: Self.source, targetInput: Self.targetInput),
                             targets: [3, 4, 5, 6, 6, 0, 0, 0], ignoreIndex: 0).backward()
                adam.step()
            }
            try Checkpoint.save(model: model, extraTensors: Checkpoint.optimizerTensors(adam, model: model),
                                metadata: ["training_state": "{\"step\":2}"], to: url)
            let loaded = try Checkpoint.load(from: url)
            #expect(loaded.extraTensors.count == 2 * model.namedParameters.count)
            let moments = try #require(try loaded.adamMoments())
            #expect(moments.first.map { $0.map(\.bitPattern) } == adam.firstMoments.map { $0.map(\.bitPattern) })
            #expect(moments.second.map { $0.map(\.bitPattern) } == adam.secondMoments.map { $0.map(\.bitPattern) })
            #expect(F.parameterBits(try loaded.model(Transformer.self)) == F.parameterBits(model))
            #expect(try Self.decode(model.namedParameters).adamMoments() == nil)
        }
    }

    @Test func partialOrMisshapedOptimizerStateIsAnError() throws {
        let model = F.model()
        let adam = Adam(parameters: model.parameters)
        var extras = Checkpoint.optimizerTensors(adam, model: model)
        extras.removeLast()
        let partial = try Self.decode(model.namedParameters + extras)
        expectCheckpointError(.missingTensor, "missing optimizer tensor \"optimizer.v.projection.bias\"", file: Self.name) { try partial.adamMoments() }
        let stray = try Self.decode(model.namedParameters + Checkpoint.optimizerTensors(adam, model: model)
                                    + [("optimizer.m.nothing", Tensor(1))])
        expectCheckpointError(.unexpectedTensor, "\"optimizer.m.nothing\"", file: Self.name) { try stray.adamMoments() }
        let misshaped = try Self.decode(model.namedParameters + Checkpoint.optimizerTensors(adam, model: model).map {
            $0.name == "optimizer.m.projection.bias" ? ($0.name, Tensor(shape: [1], scalars: [0])) : $0
        })
        expectCheckpointError(.shapeMismatch, "\"optimizer.m.projection.bias\" has shape [1], expected [13]", file: Self.name) { try misshaped.adamMoments() }
    }

    @Test func loadIntoAnExistingModelChecksTheConfiguration() throws {
        try F.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("c.safetensors")
            let saved = F.model(seed: 1)
            try Checkpoint.save(model: saved, to: url)
            let target = F.model(seed: 2)
            try Checkpoint.load(from: url, into: target)
            #expect(F.parameterBits(target) == F.parameterBits(saved))
            var other = F.smallConfiguration
            other.modelDimension = 12
            other.headCount = 3
            expectCheckpointError(.configurationMismatch, "headCount 2 vs 3, modelDimension 8 vs 12", file: url.path) {
                try Checkpoint.load(from: url, into: F.model(other))
            }
        }
    }

    @Test func missingParameter() {
        let parameters = F.model().namedParameters.filter { $0.name != "decoder.layers.0.crossAttention.key.weight" }
        expectCheckpointError(.missingTensor, "missing parameter \"decoder.layers.0.crossAttention.key.weight\" (shape [8, 8])", file: Self.name) {
            try Self.decode(parameters)
        }
    }

    @Test func wrongShape() {
        let parameters = F.model().namedParameters.map {
            $0.name == "encoder.norm.gain" ? ($0.name, Tensor(shape: [2, 4], scalars: Array(repeating: 1, count: 8))) : $0
        }
        expectCheckpointError(.shapeMismatch, "parameter \"encoder.norm.gain\" has shape [2, 4], expected [8]", file: Self.name) {
            try Self.decode(parameters)
        }
    }

    /// Tensors of one configuration with the metadata of another.
    @Test func checkpointFromADifferentConfiguration() {
        var wider = F.smallConfiguration
        wider.feedForwardDimension = 32
        expectCheckpointError(.shapeMismatch, "parameter \"encoder.layers.0.feedForward.expand.weight\" has shape [16, 8], expected [32, 8]", file: Self.name) {
            try Self.decode(F.model().namedParameters, metadata: Self.checkpointMetadata(wider))
        }
        var deeper = F.smallConfiguration
        deeper.layerCount = 2
        expectCheckpointError(.missingTensor, "missing parameter \"encoder.layers.1.selfAttention.query.weight\"", file: Self.name) {
            try Self.decode(F.model().namedParameters, metadata: Self.checkpointMetadata(deeper))
        }
        expectCheckpointError(.unexpectedTensor, "unexpected tensor \"projection.weight\"", file: Self.name) {
            var tied = F.smallConfiguration
            tied.tieTargetEmbedding = true
            return try Self.decode(F.model().namedParameters, metadata: Self.checkpointMetadata(tied))
        }
    }

    @Test func unexpectedTensorOutsideTheAllowedPrefixes() {
        let parameters = F.model().namedParameters + [("scheduler.step", Tensor(3))]
        expectCheckpointError(.unexpectedTensor, "unexpected tensor \"scheduler.step\"", file: Self.name) { try Self.decode(parameters) }
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func nonFiniteValuesAreRefused(value: Float) throws {
        let model = F.model()
        let bad = model.namedParameters.map {
            $0.name == "decoder.norm.bias" ? ($0.name, Tensor(shape: [8], scalars: [0, 0, 0, value, 0, 0, 0, 0])) : $0
        }
        expectCheckpointError(.nonFiniteValue, "tensor \"decoder.norm.bias\" holds \(value) at index 3", file: Self.name) { try Self.decode(bad) }
        expectCheckpointError(.nonFiniteValue, "tensor \"optimizer.v.x\" holds", file: Self.name) {
            try Self.decode(model.namedParameters + [("optimizer.v.x", Tensor(value))])
        }
        try F.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("last.safetensors")
            try Checkpoint.save(model: model, to: url)
            let before = try Data(contentsOf: url)
            model.decoder.norm!.bias.withMutableScalars { $0[3] = value }
            expectCheckpointError(.nonFiniteValue, "refusing to save: tensor \"decoder.norm.bias\" holds \(value) at index 3; the previous checkpoint is unchanged", file: url.path) {
                try Checkpoint.save(model: model, to: url)
            }
            #expect(try Data(contentsOf: url) == before)
        }
    }

    @Test func metadataProblems() {
        let parameters = F.model().namedParameters
        var metadata = Self.checkpointMetadata()
        metadata["format"] = nil
        expectCheckpointError(.invalidMetadata, "not a TransformerCore checkpoint: the metadata has no \"format\" key", file: Self.name) {
            try Self.decode(parameters, metadata: metadata)
        }
        metadata["format"] = "pytorch"
        expectCheckpointError(.invalidMetadata, "format is \"pytorch\"", file: Self.name) { try Self.decode(parameters, metadata: metadata) }
        metadata = Self.checkpointMetadata()
        metadata["format_version"] = "2"
        expectCheckpointError(.invalidMetadata, "unsupported checkpoint format_version \"2\"; this build reads version 1", file: Self.name) {
            try Self.decode(parameters, metadata: metadata)
        }
        metadata = Self.checkpointMetadata()
        metadata["configuration"] = nil
        expectCheckpointError(.invalidConfiguration, "no \"configuration\" entry", file: Self.name) { try Self.decode(parameters, metadata: metadata) }
        metadata["configuration"] = "{\"modelDimension\": 8}"
        expectCheckpointError(.invalidConfiguration, "does not decode: field", file: Self.name) { try Self.decode(parameters, metadata: metadata) }
        metadata["configuration"] = "not json"
        expectCheckpointError(.invalidConfiguration, "does not decode", file: Self.name) { try Self.decode(parameters, metadata: metadata) }
        var invalid = F.smallConfiguration
        invalid.headCount = 3
        metadata["configuration"] = Checkpoint.encodeConfiguration(invalid)
        expectCheckpointError(.invalidConfiguration, "the stored configuration is invalid: headCount: expected a divisor of d_model 8", file: Self.name) {
            try Self.decode(parameters, metadata: metadata)
        }
    }

    @Test func aFailedSaveKeepsThePreviousCheckpoint() throws {
        try F.withTemporaryDirectory { directory in
            let model = F.model()
            let blocked = directory.appendingPathComponent("last.safetensors")
            try FileManager.default.createDirectory(at: blocked, withIntermediateDirectories: false)
            expectCheckpointError(.unwritable, "could not write: Is a directory (renaming the temporary file over the destination); the previous checkpoint is unchanged", file: blocked.path) {
                try Checkpoint.save(model: model, to: blocked)
            }
            let nowhere = directory.appendingPathComponent("missing/last.safetensors")
            expectCheckpointError(.unwritable, "No such file or directory", file: nowhere.path) { try Checkpoint.save(model: model, to: nowhere) }
            #expect(F.contents(of: directory) == ["last.safetensors"])
        }
    }

    /// Writes a sample checkpoint for Scripts/check-safetensors-python.py when
    /// TRANSFORMERCORE_SAMPLE_CHECKPOINT names a path (skipped otherwise).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TRANSFORMERCORE_SAMPLE_CHECKPOINT"] != nil))
    func writeSampleCheckpointForPython() throws {
        let path = ProcessInfo.processInfo.environment["TRANSFORMERCORE_SAMPLE_CHECKPOINT"]!
        let model = F.model(seed: 42)
        let adam = Adam(parameters: model.parameters)
        try Checkpoint.save(model: model, extraTensors: Checkpoint.optimizerTensors(adam, model: model),
                            metadata: ["note": "sample written by CheckpointTests"], to: URL(fileURLWithPath: path))
    }
}
