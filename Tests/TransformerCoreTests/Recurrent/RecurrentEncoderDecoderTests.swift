import Foundation
import Testing
@testable import TransformerCore

extension RecurrentConfiguration {
    var encodedJSON: String { sortedJSON(self) }
}

/// The recurrent encoder-decoder with attention: parameters, gradients of the whole unrolled model,
/// incremental decoding equal to teacher forcing, checkpoints, and learning.
@Suite struct RecurrentEncoderDecoderTests {
    static func configuration(_ architecture: RecurrentArchitecture, bidirectional: Bool = false, layers: Int = 1,
                              attention: AttentionScoring = .additive, heads: Int = 1, hidden: Int = 4,
                              vocabulary: Int = 7) -> RecurrentConfiguration {
        RecurrentConfiguration(architecture: architecture, sourceVocabularySize: vocabulary, targetVocabularySize: vocabulary + 1,
                               hiddenSize: hidden, layerCount: layers, bidirectional: bidirectional, attention: attention,
                               headCount: heads, dropout: 0, maximumLength: 12)
    }

    static let variants: [RecurrentConfiguration] = [
        configuration(.gru), configuration(.lstm), configuration(.gru, bidirectional: true, layers: 2, attention: .dotProduct, heads: 2),
        configuration(.lstm, bidirectional: true, layers: 2, heads: 2),
    ]

    /// Source rows of different lengths (right-padded with 0) ending in <eos> 2, and target inputs after <sos> 1.
    static let sources = [[3, 4, 5, 6, 2], [6, 3, 2, 0, 0], [2, 0, 0, 0, 0]]
    static let targetInputs = [[1, 4, 7, 3], [1, 5, 5, 6], [1, 3, 3, 3]]

    @Test(arguments: variants)
    func parameterCountIsTheClosedForm(_ c: RecurrentConfiguration) throws {
        let model = try RecurrentEncoderDecoder(configuration: c, generator: SeededGenerator(seed: 0))
        #expect(model.parameterCount == c.parameterCount)
    }

    @Test func parameterNamesAreStable() throws {
        let model = try RecurrentEncoderDecoder(configuration: Self.configuration(.gru, bidirectional: true), generator: SeededGenerator(seed: 0))
        let cell = ["inputReset.weight", "inputReset.bias", "inputUpdate.weight", "inputUpdate.bias", "inputCandidate.weight",
                    "inputCandidate.bias", "hiddenReset.weight", "hiddenUpdate.weight", "hiddenCandidate.weight", "hiddenCandidate.bias"]
        let expected = ["sourceEmbedding.weight", "targetEmbedding.weight"] + cell.map { "encoder.forward.0." + $0 }
            + cell.map { "encoder.backward.0." + $0 } + ["bridges.0.weight", "bridges.0.bias"] + cell.map { "decoder.0." + $0 }
            + ["attention.query.weight", "attention.query.bias", "attention.key.weight", "attention.scorer.weight",
               "attention.value.weight", "attention.value.bias", "attention.output.weight", "attention.output.bias",
               "projection.weight", "projection.bias"]
        #expect(model.namedParameters.map(\.name) == expected)
    }

    /// Every parameter of a small model through the whole unrolled graph (encoder, bridges, attention at
    /// every step, decoder cells, projection), with a padded source row.
    @Test(arguments: [configuration(.gru, bidirectional: true, hidden: 2, vocabulary: 5),
                      configuration(.lstm, layers: 2, attention: .dotProduct, hidden: 2, vocabulary: 5)])
    func wholeModelGradientsMatchFiniteDifferences(_ c: RecurrentConfiguration) throws {
        let model = try RecurrentEncoderDecoder(configuration: c, generator: SeededGenerator(seed: 3))
        let (sources, targetInputs) = ([[3, 4, 2], [4, 2, 0]], [[1, 3, 4], [1, 4, 4]])
        let targets = targetInputs.map { Array($0.dropFirst()) + [2] }.flatMap { $0 }
        expectGradientsMatch(model.parameters) { _ in
            crossEntropy(logits: model.logits(source: sources, targetInput: targetInputs), targets: targets, ignoreIndex: 0)
        }
    }

    @Test(arguments: variants)
    func stepDecoderEqualsTeacherForcing(_ c: RecurrentConfiguration) throws {
        let model = try RecurrentEncoderDecoder(configuration: c, generator: SeededGenerator(seed: 4))
        model.setTraining(false)
        let full = Tensor.withoutGradients { model.forward(source: Self.sources, targetInput: Self.targetInputs) }   // [B, T, V]
        let v = model.targetVocabularySize, t = Self.targetInputs[0].count
        // Unpadded sources, as the decoders pass them; rows reordered after the first step (beam search does).
        let decoder = try RecurrentStepDecoder(model: model, sources: Self.sources.map { Array($0.prefix { $0 != 0 }) })
        var rows = [0, 1, 2]
        for position in 0..<t {
            let logits = decoder.step(rows.map { Self.targetInputs[$0][position] })                               // [R, V]
            for (r, source) in rows.enumerated() {
                expectClose(Array(logits.scalars[(r * v)..<((r + 1) * v)]),
                            Array(full.logits.scalars[((source * t + position) * v)..<((source * t + position + 1) * v)]),
                            tolerance: Tolerance.float32)
            }
            if position == 0 {
                decoder.selectRows([2, 0, 1, 0])
                rows = [2, 0, 1, 0]
            }
        }
        #expect(decoder.sourceRows == [2, 0, 1, 0])
        // The attention maps: [B, h, T, S], each row a distribution over the source, zero on padding.
        let weights = full.attention.decoderCross[0]
        #expect(weights.shape == [3, c.headCount, t, 5])
        for row in 0..<(3 * c.headCount * t) {
            let w = Array(weights.scalars[(row * 5)..<(row * 5 + 5)])
            #expect(abs(w.reduce(0, +) - 1) < Tolerance.float32)
            let source = row / (c.headCount * t)
            for s in 0..<5 where Self.sources[source][s] == 0 { #expect(w[s] == 0) }
        }
    }

    @Test func greedyIsBeamSearchOfWidthOne() throws {
        let model = try RecurrentEncoderDecoder(configuration: Self.configuration(.lstm, bidirectional: true), generator: SeededGenerator(seed: 5))
        let sources = Self.sources.map { Array($0.prefix { $0 != 0 }) }
        let greedy = try GreedyDecoder.decode(model: model, sources: sources, maximumLength: 8)
        let beam = try BeamSearch.decode(model: model, sources: sources, beamWidth: 1, lengthPenalty: 0, maximumLength: 8)
        #expect(greedy.map(\.tokens) == beam.map(\.tokens))
        for (g, b) in zip(greedy, beam) { #expect(abs(g.logProbability - b.logProbability) < Tolerance.float32) }
        #expect(try BeamSearch.decode(model: model, sources: [], beamWidth: 2, maximumLength: 8).isEmpty)
        #expect(try GreedyDecoder.decode(model: model, sources: [[]], maximumLength: 3).count == 1)   // an empty source
        #expect(throws: DecodingError.sourceTooLong(source: 0, length: 13, maximum: 12)) {
            try GreedyDecoder.decode(model: model, sources: [Array(repeating: 3, count: 13)], maximumLength: 4)
        }
    }

    @Test func checkpointRoundTripKeepsTheArchitecture() throws {
        let c = Self.configuration(.lstm, bidirectional: true, layers: 2, attention: .dotProduct, heads: 2)
        let model = try RecurrentEncoderDecoder(configuration: c, generator: SeededGenerator(seed: 6))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rnn-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(model: model, to: url)
        let summary = try Checkpoint.inspect(url)
        #expect(summary.family == .encoderDecoder && summary.parameterCount == c.parameterCount)
        #expect(summary.metadata["configuration"]?.contains("\"architecture\":\"lstm\"") == true)
        let loaded = try Checkpoint.load(from: url)
        let restored = try loaded.model(RecurrentEncoderDecoder.self)
        #expect(restored.configuration == c)
        model.setTraining(false)
        restored.setTraining(false)
        let (a, b) = Tensor.withoutGradients {
            (model.logits(source: Self.sources, targetInput: Self.targetInputs),
             restored.logits(source: Self.sources, targetInput: Self.targetInputs))
        }
        expectClose(b, a, tolerance: Tolerance.exact)
        #expect(throws: CheckpointError.self) { try loaded.model(Transformer.self) }
        do { _ = try loaded.model(Transformer.self) } catch {
            #expect(error.detail == "holds a lstm encoder-decoder, but a Transformer encoder-decoder is needed")
        }
    }

    @Test func anUnknownArchitectureIsAnInvalidConfiguration() throws {
        let model = try RecurrentEncoderDecoder(configuration: Self.configuration(.gru), generator: SeededGenerator(seed: 7))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rnn-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(model: model, to: url)
        let read = try SafeTensors.read(from: url)
        var metadata = read.metadata
        metadata["configuration"] = metadata["configuration"]!.replacingOccurrences(of: "\"gru\"", with: "\"elman\"")
        let contents = SafeTensorsFile(tensors: read.tensors, metadata: metadata)
        do {
            _ = try Checkpoint.decode(contents, file: "edited.safetensors", generator: SeededGenerator(seed: 0))
            Issue.record("an unknown architecture loaded")
        } catch {
            #expect(error.kind == .invalidConfiguration)
            #expect(error.detail.contains("architecture"), "\(error.detail)")
        }
    }

    @Test func theArchitectureKeyTellsTheConfigurations() {
        #expect(Checkpoint.architecture(of: #"{"modelDimension":8}"#) == nil)                         // a Transformer's
        #expect(Checkpoint.architecture(of: #"{"architecture":"transformer"}"#) == nil)
        #expect(Checkpoint.architecture(of: Self.configuration(.gru).encodedJSON) == "gru")
        #expect(Checkpoint.architecture(of: #"{"architecture":7}"#) == "7")                            // decoding reports it
    }

    @Test func invalidConfigurationsThrow() {
        var c = Self.configuration(.gru, hidden: 6, vocabulary: 7)
        c.headCount = 4
        #expect(throws: ConfigurationError.self) { try c.validate() }
        c.headCount = 1
        c.dropout = 1
        #expect(throws: ConfigurationError.self) { try c.validate() }
        c.dropout = 0
        c.layerCount = 0
        #expect(throws: ConfigurationError.self) { try c.validate() }
    }

    /// Trains on random sequences mapped by `task` with Adam; the mean loss of the last 10 steps.
    static func finalLoss(_ architecture: RecurrentArchitecture, task: ([Int]) -> [Int], steps: Int, seed: UInt64) throws -> Float {
        let generator = SeededGenerator(seed: seed)
        let model = try RecurrentEncoderDecoder(configuration: RecurrentConfiguration(
            architecture: architecture, sourceVocabularySize: 8, targetVocabularySize: 8, hiddenSize: 16, dropout: 0,
            maximumLength: 16), generator: generator)
        let optimizer = Adam(parameters: model.parameters, learningRate: 0.01)
        var losses: [Float] = []
        for _ in 0..<steps {
            let sources = (0..<16).map { _ in (0..<3).map { _ in 3 + Int(generator.next() % 5) } }
            let targets = sources.map { task($0) + [2] }
            optimizer.zeroGradients()
            let loss = crossEntropy(logits: model.logits(source: sources.map { $0 + [2] }, targetInput: targets.map { [1] + $0.dropLast() }),
                                    targets: targets.flatMap { $0 }, ignoreIndex: 0)
            loss.backward()
            optimizer.step()
            losses.append(loss.item)
        }
        return losses.suffix(10).reduce(0, +) / 10
    }

    /// Chance is ln 5 = 1.61 nats; the threshold asks for most tokens right.
    static let learnedLoss: Float = 0.2

    @Test(arguments: RecurrentArchitecture.allCases)
    func learnsToReverse(_ architecture: RecurrentArchitecture) throws {
        let loss = try Self.finalLoss(architecture, task: { $0.reversed() }, steps: 120, seed: 1)
        #expect(loss < Self.learnedLoss, "\(architecture) reverse loss: \(loss)")
    }
}
