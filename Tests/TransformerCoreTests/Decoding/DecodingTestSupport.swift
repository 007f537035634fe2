import Testing
@testable import TransformerCore

/// Tolerances of the decoding tests, named for what they allow.
enum DecodingTolerance {
    /// Incremental (KV-cached) versus full-prefix decoding of the same positions: the same operations on
    /// the same rows, up to the GEMM's reassociation when m differs (1 row versus T rows). Log-probabilities
    /// here are O(1..10), so 1e-5 is a few Float32 ulps of the largest values.
    static let incremental: Float = 1e-5
}

/// Tiny seeded models for decoding tests. Token ids: 0 padding, 1 <sos>, 2 <eos>, 3... symbols.
enum DecodingFixtures {
    static func configuration(placement: TransformerConfiguration.NormPlacement = .pre,
                              positions: TransformerConfiguration.PositionalEncodingKind = .sinusoidal,
                              vocabulary: Int = 11, layers: Int = 2, modelDimension: Int = 16,
                              maximumLength: Int = 16, dropout: Float = 0.1,
                              selfAttention: AttentionScoring = .dotProduct,
                              crossAttention: AttentionScoring = .dotProduct) -> TransformerConfiguration {
        TransformerConfiguration(sourceVocabularySize: vocabulary, targetVocabularySize: vocabulary,
                                 modelDimension: modelDimension, headCount: 2, layerCount: layers,
                                 feedForwardDimension: 2 * modelDimension, dropout: dropout,
                                 maximumLength: maximumLength, normPlacement: placement, positionalEncoding: positions,
                                 selfAttention: selfAttention, crossAttention: crossAttention)
    }

    /// A model in evaluation mode. `endBias` is added to the projection bias of <eos> (id 2), so that
    /// random models end some sequences early and run others to the maximum length.
    static func model(_ configuration: TransformerConfiguration = configuration(), seed: UInt64,
                      endBias: Float = 0) throws -> Transformer {
        let model = try Transformer(configuration: configuration, generator: SeededGenerator(seed: seed))
        if endBias != 0 { model.projection.bias!.withMutableScalars { $0[2] += endBias } }
        model.setTraining(false)
        return model
    }

    /// Sources of different lengths (so the batch is padded), including a one-token one.
    static let sources: [[Int]] = [[3, 4, 5, 6, 7], [8, 3], [9, 10, 4, 5], [6]]

    /// log softmax over the last axis of `[B, T, V]` logits, as `[B][T][V]`.
    static func logProbabilities(_ logits: Tensor) -> [[[Float]]] {
        let (b, t, v) = (logits.shape[0], logits.shape[1], logits.shape[2])
        let flat = Tensor.softmaxRows(logits.scalars, width: v, logarithm: true)
        return (0..<b).map { i in (0..<t).map { j in Array(flat[((i * t + j) * v)..<((i * t + j + 1) * v)]) } }
    }

    /// Greedy decoding the slow, obviously right way: re-decode the whole prefix with `Transformer.decode`
    /// at every step and take the last position's argmax over tokens other than padding and <sos>.
    static func naiveGreedy(model: Transformer, source: [Int], maximumLength: Int) -> Hypothesis {
        Tensor.withoutGradients {
            let (memory, mask, _) = model.encode([source.isEmpty ? [0] : source])
            var hypothesis = Hypothesis.empty
            for _ in 0..<maximumLength {
                let logits = model.decode([[1] + hypothesis.tokens], memory: memory, sourceMask: mask).logits
                let last = logProbabilities(logits)[0].last!
                var best = 2
                for v in 2..<last.count where last[v] > last[best] { best = v }
                hypothesis = hypothesis.extended(by: best, logProbability: last[best], isEnd: best == 2)
                if best == 2 { break }
            }
            return hypothesis
        }
    }
}

/// Expects two hypotheses to have the same tokens and completion, and log-probabilities within `tolerance`.
func expectSameHypothesis(_ actual: Hypothesis, _ expected: Hypothesis, tolerance: Float,
                          sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.tokens == expected.tokens, sourceLocation: sourceLocation)
    #expect(actual.isComplete == expected.isComplete, sourceLocation: sourceLocation)
    guard actual.tokenLogProbabilities.count == expected.tokenLogProbabilities.count else {
        Issue.record("\(actual) != \(expected)", sourceLocation: sourceLocation)
        return
    }
    expectClose(actual.tokenLogProbabilities, expected.tokenLogProbabilities, tolerance: tolerance,
                sourceLocation: sourceLocation)
    #expect(abs(actual.logProbability - expected.logProbability) <= tolerance * Float(max(1, actual.length)),
            "\(actual.logProbability) != \(expected.logProbability)", sourceLocation: sourceLocation)
}
