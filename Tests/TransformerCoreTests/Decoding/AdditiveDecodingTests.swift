import Testing
@testable import TransformerCore

/// KV-cached decoding of models with additive attention (``AdditiveAttention``'s cached call and
/// ``singleQueryAdditiveAttention``) against full recomputation, for additive self- and cross-attention
/// and the two mixed variants.
@Suite struct AdditiveDecodingTests {
    typealias Placement = TransformerConfiguration.NormPlacement

    /// (self-attention, cross-attention) kinds with at least one additive attention.
    static let kinds: [(AttentionScoring, AttentionScoring)] = [(.additive, .additive), (.dotProduct, .additive),
                                                                (.additive, .dotProduct)]

    static func model(_ kinds: (AttentionScoring, AttentionScoring), placement: Placement = .pre,
                      seed: UInt64, endBias: Float = 0) throws -> Transformer {
        try DecodingFixtures.model(DecodingFixtures.configuration(placement: placement, selfAttention: kinds.0,
                                                                  crossAttention: kinds.1),
                                   seed: seed, endBias: endBias)
    }

    /// The model really has the kinds asked for (so the tests below exercise the additive code).
    @Test(arguments: kinds)
    func blocksHaveTheConfiguredKinds(selfKind: AttentionScoring, crossKind: AttentionScoring) throws {
        let model = try Self.model((selfKind, crossKind), seed: 30)
        for block in model.encoder.layers { #expect(block.selfAttention.scoring == selfKind) }
        for block in model.decoder.layers {
            #expect(block.selfAttention.scoring == selfKind)
            #expect(block.crossAttention?.scoring == crossKind)
        }
        #expect(model.parameterCount == model.configuration.parameterCount)
    }

    /// Each cached step's log-probabilities equal the same position of one full `decode` of the whole
    /// prefix, for every row of a padded batch (the cross-attention's padding mask matters).
    @Test(arguments: kinds, [Placement.pre, .post])
    func stepsMatchFullDecoding(kinds: (AttentionScoring, AttentionScoring), placement: Placement) throws {
        let model = try Self.model(kinds, placement: placement, seed: 31)
        let decoder = try IncrementalDecoder(model: model, sources: DecodingFixtures.sources)
        let prefixes = IncrementalDecoderTests.prefixes
        let full = Tensor.withoutGradients {
            let (memory, mask, _) = model.encode(DecodingFixtures.sources.map { $0 + Array(repeating: 0, count: 5 - $0.count) })
            return DecodingFixtures.logProbabilities(model.decode(prefixes, memory: memory, sourceMask: mask).logits)
        }
        let vocabulary = model.configuration.targetVocabularySize
        for t in 0..<prefixes[0].count {
            let step = decoder.stepLogProbabilities(prefixes.map { $0[t] })   // [R, V]
            for row in prefixes.indices {
                expectClose(Array(step[(row * vocabulary)..<((row + 1) * vocabulary)]), full[row][t],
                            tolerance: DecodingTolerance.incremental)
            }
        }
    }

    /// Greedy decoding with the cache equals re-decoding the whole prefix at every step (no cache).
    @Test(arguments: kinds)
    func greedyWithCacheEqualsRecomputation(selfKind: AttentionScoring, crossKind: AttentionScoring) throws {
        let sources = DecodingFixtures.sources + [[], [7, 7, 7]]
        for seed: UInt64 in [32, 33] {
            let model = try Self.model((selfKind, crossKind), seed: seed, endBias: 0.5)
            let decoded = try GreedyDecoder.decode(model: model, sources: sources, maximumLength: 8, batchSize: 3)
            for (source, hypothesis) in zip(sources, decoded) {
                let expected = DecodingFixtures.naiveGreedy(model: model, source: source, maximumLength: 8)
                expectSameHypothesis(hypothesis, expected, tolerance: DecodingTolerance.incremental)
            }
        }
    }

    /// Beam search reorders and duplicates cache rows: after `selectRows` each row continues its parent.
    @Test func selectedRowsContinueTheirParents() throws {
        let model = try Self.model((.additive, .additive), seed: 34)
        let sources = Array(DecodingFixtures.sources.prefix(3))
        let decoder = try IncrementalDecoder(model: model, sources: sources)
        let prefixes = Array(IncrementalDecoderTests.prefixes.prefix(3))
        for t in 0..<3 { _ = decoder.step(prefixes.map { $0[t] }) }
        let parents = [2, 0, 0, 1]
        decoder.selectRows(parents)
        let continuations = [[4, 6], [8, 9], [3, 3], [10, 2]]
        let reordered = parents.enumerated().map { Array(prefixes[$0.element].prefix(3)) + continuations[$0.offset] }
        let full = Tensor.withoutGradients {
            let padded = parents.map { sources[$0] + Array(repeating: 0, count: 5 - sources[$0].count) }
            let (memory, mask, _) = model.encode(padded)
            return DecodingFixtures.logProbabilities(model.decode(reordered, memory: memory, sourceMask: mask).logits)
        }
        let vocabulary = model.configuration.targetVocabularySize
        for t in 3..<5 {
            let step = decoder.stepLogProbabilities(reordered.map { $0[t] })
            for row in 0..<4 {
                expectClose(Array(step[(row * vocabulary)..<((row + 1) * vocabulary)]), full[row][t],
                            tolerance: DecodingTolerance.incremental)
            }
        }
    }

    /// A decoder-only language model with additive self-attention: one token at a time through the KV
    /// cache gives the rows of the full causal forward.
    @Test func languageModelCachedForwardEqualsTheFullForward() throws {
        let block = BlockConfiguration(modelDimension: 16, headCount: 2, feedForwardDimension: 32, dropout: 0.1,
                                       selfAttention: .additive)
        let model = try LanguageModel(configuration: LanguageModelConfiguration(vocabularySize: 10, block: block, layerCount: 2,
                                                                                 maximumLength: 12),
                                      generator: SeededGenerator(seed: 35))
        #expect(model.decoder.layers.allSatisfy { $0.selfAttention is AdditiveAttention })
        let ids = [[4, 5, 6, 7, 8, 9, 4, 5], [9, 8, 7, 6, 5, 4, 9, 8]]
        let (v, t) = (10, ids[0].count)
        let (full, stepped) = model.inferring { () -> ([Float], [[Float]]) in
            let full = model(ids).scalars                                               // [2, T, V]
            let cache = KeyValueCache(for: model.decoder, rowCount: 2, capacity: 4)    // grows once
            return (full, (0..<t).map { position in model.forward(ids.map { [$0[position]] }, cache: cache).logits.scalars })
        }
        for position in 0..<t {
            for row in 0..<2 {
                let expected = Array(full[((row * t + position) * v)..<((row * t + position + 1) * v)])
                expectClose(Array(stepped[position][(row * v)..<((row + 1) * v)]), expected, tolerance: DecodingTolerance.incremental)
            }
        }
    }
}
