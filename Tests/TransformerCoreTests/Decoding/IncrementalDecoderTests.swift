import Testing
@testable import TransformerCore

@Suite struct IncrementalDecoderTests {
    typealias Placement = TransformerConfiguration.NormPlacement
    typealias Positions = TransformerConfiguration.PositionalEncodingKind

    static let variants: [(Placement, Positions)] = [(.pre, .sinusoidal), (.pre, .learned),
                                                     (.post, .sinusoidal), (.post, .learned)]

    /// Target inputs fed step by step: <sos>, then arbitrary symbols (never padding).
    static let prefixes: [[Int]] = [[1, 3, 9, 2, 4, 4, 10], [1, 5, 5, 6, 2, 7, 3], [1, 10, 9, 8, 7, 6, 5], [1, 2, 3, 4, 5, 6, 7]]

    /// Each step's log-probabilities equal the same position of `Transformer.decode` on the whole prefix
    /// (causal, so position t of one full pass is "recompute the prefix up to t"), for every row of a padded batch.
    @Test(arguments: variants)
    func stepsMatchFullDecoding(placement: Placement, positions: Positions) throws {
        let model = try DecodingFixtures.model(DecodingFixtures.configuration(placement: placement, positions: positions), seed: 11)
        let decoder = try IncrementalDecoder(model: model, sources: DecodingFixtures.sources)
        let full = Tensor.withoutGradients {
            let (memory, mask, _) = model.encode(DecodingFixtures.sources.map { $0 + Array(repeating: 0, count: 5 - $0.count) })
            return DecodingFixtures.logProbabilities(model.decode(Self.prefixes, memory: memory, sourceMask: mask).logits)
        }
        let vocabulary = model.configuration.targetVocabularySize
        for t in 0..<Self.prefixes[0].count {
            #expect(decoder.position == t)
            let step = decoder.stepLogProbabilities(Self.prefixes.map { $0[t] })   // [R, V]
            for row in Self.prefixes.indices {
                expectClose(Array(step[(row * vocabulary)..<((row + 1) * vocabulary)]), full[row][t],
                            tolerance: DecodingTolerance.incremental)
            }
        }
        #expect(decoder.cache.length == Self.prefixes[0].count)
    }

    /// The same with the decoding attention's (row, head) pairs split over two threads.
    @Test func threadedStepsMatchFullDecoding() throws {
        try ComputeThreads.$limit.withValue(2) {
            try Kernels.$singleQueryWorkPerThread.withValue(1) {
                try stepsMatchFullDecoding(placement: .pre, positions: .sinusoidal)
            }
        }
    }

    /// After reordering and duplicating rows (as beam search does), steps continue each parent's prefix
    /// against its own source.
    @Test(arguments: [Placement.pre, .post])
    func selectedRowsContinueTheirParents(placement: Placement) throws {
        let model = try DecodingFixtures.model(DecodingFixtures.configuration(placement: placement, positions: .learned), seed: 12)
        let sources = Array(DecodingFixtures.sources.prefix(3))
        let decoder = try IncrementalDecoder(model: model, sources: sources)
        let prefixes = Array(Self.prefixes.prefix(3))
        for t in 0..<3 { _ = decoder.step(prefixes.map { $0[t] }) }
        let parents = [2, 0, 0, 1]
        decoder.selectRows(parents)
        #expect(decoder.sourceRows == [2, 0, 0, 1])
        #expect(decoder.cache.rowCount == 4)
        // Rows 1 and 2 share a parent but now diverge.
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

    /// Decoding switches dropout off for its own work and leaves a training model in training mode.
    @Test func restoresTrainingModeAndIgnoresDropout() throws {
        let model = try DecodingFixtures.model(DecodingFixtures.configuration(dropout: 0.5), seed: 13)
        let evaluation = try IncrementalDecoder(model: model, sources: [[3, 4]]).step([1]).scalars
        model.setTraining(true)
        let duringTraining = try IncrementalDecoder(model: model, sources: [[3, 4]]).step([1]).scalars
        #expect(duringTraining == evaluation)
        #expect(model.isInTrainingMode)
        #expect(GradientMode.isEnabled)
    }

    /// An empty source is one fully masked padding position: finite outputs, and the same alone as in a batch.
    @Test func emptySourceDecodes() throws {
        let model = try DecodingFixtures.model(seed: 14)
        let alone = try IncrementalDecoder(model: model, sources: [[]]).stepLogProbabilities([1])
        let batched = try IncrementalDecoder(model: model, sources: [[3, 4, 5], []]).stepLogProbabilities([1, 1])
        #expect(alone.allSatisfy { $0.isFinite && $0 <= 0 })
        expectClose(Array(batched[11...]), alone, tolerance: DecodingTolerance.incremental)
    }

    /// Invalid sources are typed errors, not traps.
    @Test func rejectsInvalidSources() throws {
        let model = try DecodingFixtures.model(DecodingFixtures.configuration(maximumLength: 4), seed: 15)
        #expect(throws: DecodingError.sourceTokenOutOfVocabulary(source: 1, position: 1, token: 11, vocabularySize: 11)) {
            try IncrementalDecoder(model: model, sources: [[3], [4, 11]])
        }
        #expect(throws: DecodingError.sourceTokenOutOfVocabulary(source: 0, position: 0, token: -1, vocabularySize: 11)) {
            try IncrementalDecoder(model: model, sources: [[-1]])
        }
        #expect(throws: DecodingError.sourceTooLong(source: 0, length: 5, maximum: 4)) {
            try IncrementalDecoder(model: model, sources: [[3, 3, 3, 3, 3]])
        }
    }

    @Test func cacheRowSelectionGathersEveryPosition() {
        let cache = AttentionCache(role: .selfAttention, headCount: 1, headDimension: 2, rowCount: 2, capacity: 2)
        for position in 0..<3 {   // the third position grows the storage
            let p = Float(position * 10)
            cache.append(keys: [p + 1, p + 2, p + 3, p + 4], values: [-p, -p, p, p])
        }
        cache.selectRows([1, 1, 0])
        #expect(cache.rowCount == 3 && cache.length == 3)
        #expect(cache.keys == [3, 4, 3, 4, 1, 2, 13, 14, 13, 14, 11, 12, 23, 24, 23, 24, 21, 22])
        #expect(cache.values == [0, 0, 0, 0, 0, 0, 10, 10, 10, 10, -10, -10, 20, 20, 20, 20, -20, -20])
    }

    /// A cross-attention cache projects its memory once and maps rows to memory rows when they are selected.
    @Test func crossCacheMapsRowsToMemoryRows() {
        let cache = AttentionCache(role: .crossAttention, headCount: 1, headDimension: 2, rowCount: 2)
        #expect(!cache.isFilled)
        cache.fill(keys: Tensor(shape: [2, 1, 2], scalars: [1, 2, 3, 4]), values: Tensor(shape: [2, 1, 2], scalars: [5, 6, 7, 8]))
        cache.selectRows([1, 1, 0])
        #expect(cache.isFilled && cache.length == 1 && cache.memoryRows == [1, 1, 0])
        #expect(cache.keys == [3, 4, 3, 4, 1, 2])
    }
}
