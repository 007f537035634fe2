import Testing
@testable import TransformerCore

/// KV-cached decoding with RoPE and ALiBi positions: every cached step equals full recomputation of the
/// prefix, for the encoder-decoder (incremental decoder, greedy, reordered rows) and the language model.
/// The cache holds RoPE-rotated keys, and ALiBi's step mask is -m_h (t - j): both computed from the same
/// positions as the full pass, so the named ``DecodingTolerance/incremental`` (GEMM reassociation only) holds.
@Suite struct RelativePositionDecodingTests {
    typealias Placement = TransformerConfiguration.NormPlacement
    typealias Positions = TransformerConfiguration.PositionalEncodingKind

    static let variants: [(Placement, Positions)] = [(.pre, .rotary), (.pre, .linearBiases),
                                                     (.post, .rotary), (.post, .linearBiases)]

    @Test(arguments: variants)
    func incrementalStepsMatchFullDecoding(placement: Placement, positions: Positions) throws {
        try IncrementalDecoderTests().stepsMatchFullDecoding(placement: placement, positions: positions)
    }

    /// Greedy decoding through the cache gives the tokens of re-decoding the whole prefix at every step.
    @Test(arguments: [Positions.rotary, .linearBiases])
    func greedyMatchesNaiveRecomputation(positions: Positions) throws {
        let sources = DecodingFixtures.sources + [[7, 7, 7]]
        for seed: UInt64 in [31, 32] {
            let model = try DecodingFixtures.model(DecodingFixtures.configuration(positions: positions), seed: seed, endBias: 0.5)
            let decoded = try GreedyDecoder.decode(model: model, sources: sources, maximumLength: 10, batchSize: 3)
            for (source, hypothesis) in zip(sources, decoded) {
                let expected = DecodingFixtures.naiveGreedy(model: model, source: source, maximumLength: 10)
                expectSameHypothesis(hypothesis, expected, tolerance: DecodingTolerance.incremental)
            }
        }
    }

    /// Beam search's row reordering keeps each row's rotated keys and positions.
    @Test(arguments: [Positions.rotary, .linearBiases])
    func reorderedRowsContinueTheirParents(positions: Positions) throws {
        let model = try DecodingFixtures.model(DecodingFixtures.configuration(positions: positions), seed: 33)
        let sources = Array(DecodingFixtures.sources.prefix(2))
        let decoder = try IncrementalDecoder(model: model, sources: sources)
        let prefixes = [[1, 3, 4], [1, 5, 6]]
        for t in 0..<3 { _ = decoder.step(prefixes.map { $0[t] }) }
        decoder.selectRows([1, 0, 1])
        let continued = [prefixes[1] + [7], prefixes[0] + [8], prefixes[1] + [9]]
        let step = decoder.stepLogProbabilities(continued.map { $0[3] })
        let full = Tensor.withoutGradients {
            let padded = [1, 0, 1].map { sources[$0] + Array(repeating: 0, count: 5 - sources[$0].count) }
            let (memory, mask, _) = model.encode(padded)
            return DecodingFixtures.logProbabilities(model.decode(continued, memory: memory, sourceMask: mask).logits)
        }
        let v = model.configuration.targetVocabularySize
        for row in 0..<3 {
            expectClose(Array(step[(row * v)..<((row + 1) * v)]), full[row][3], tolerance: DecodingTolerance.incremental)
        }
    }

    /// The decoder-only model: one token at a time through the cache equals the full causal forward.
    @Test(arguments: [Positions.rotary, .linearBiases])
    func languageModelCachedForwardEqualsTheFullForward(positions: Positions) throws {
        let configuration = LanguageModelConfiguration(
            vocabularySize: 10, block: BlockConfiguration(modelDimension: 8, headCount: 2, feedForwardDimension: 12, dropout: 0.1),
            layerCount: 2, maximumLength: 12, positionalEncoding: positions)
        let model = try LanguageModel(configuration: configuration, generator: SeededGenerator(seed: 34))
        let ids = [[4, 5, 6, 7, 8, 9, 4, 5, 6], [9, 8, 7, 6, 5, 4, 9, 8, 7]]
        let (v, t) = (10, ids[0].count)
        let (full, stepped) = model.inferring { () -> ([Float], [[Float]]) in
            let cache = KeyValueCache(for: model.decoder, rowCount: 2, capacity: 4)   // grows twice
            return (model(ids).scalars, (0..<t).map { p in model.forward(ids.map { [$0[p]] }, cache: cache).logits.scalars })
        }
        for p in 0..<t {
            for row in 0..<2 {
                expectClose(Array(stepped[p][(row * v)..<((row + 1) * v)]),
                            Array(full[((row * t + p) * v)..<((row * t + p + 1) * v)]), tolerance: DecodingTolerance.incremental)
            }
        }
    }
}
