import Testing
@testable import TransformerCore

@Suite struct BatchingTests {
    @Test func layoutAppendsEndToSourceAndShiftsTheTarget() {
        let batch = Batch(examples: [Example(source: [7, 8, 9], target: [10]),
                                     Example(source: [5], target: [11, 12, 13])], specialTokens: .standard)
        #expect(batch.source == [[7, 8, 9, 2], [5, 2, 0, 0]])                   // [B, S] = [2, 4]
        #expect(batch.targetInput == [[1, 10, 0, 0], [1, 11, 12, 13]])         // [B, T] = [2, 4]
        #expect(batch.targetOutput == [10, 2, 0, 0, 11, 12, 13, 2])            // [B * T]
        #expect(batch.tokenCount == 6 && batch.sourceTokenCount == 6)
        #expect(batch.size == 2 && batch.sourceLength == 4 && batch.targetLength == 4)
    }

    @Test func emptySequencesStillGetTheirSpecials() {
        let batch = Batch(examples: [Example(source: [], target: [])], specialTokens: .standard)
        #expect(batch.source == [[2]] && batch.targetInput == [[1]] && batch.targetOutput == [2])
        #expect(batch.tokenCount == 1)
    }

    @Test func masksAreMinusInfinityExactlyAtPadding() {
        let examples = (0..<6).map { i in Example(source: Array(repeating: 4 + i, count: i + 1),
                                                  target: Array(repeating: 5, count: 6 - i)) }
        let batch = Batch(examples: examples, specialTokens: .standard)
        let sourceMask = AttentionMask.keyPadding(batch.source, paddingIndex: SpecialTokens.standard.padding)
        #expect(sourceMask.shape == [6, 1, 1, batch.sourceLength])
        for (b, example) in examples.enumerated() {
            for s in 0..<batch.sourceLength {
                let isPadding = s > example.source.count   // position |x| holds <eos>
                #expect((sourceMask.scalars[b * batch.sourceLength + s] == -.infinity) == isPadding)
            }
            for t in 0..<batch.targetLength {
                let isPadding = t > example.target.count
                #expect((batch.targetInput[b][t] == 0) == isPadding)
                #expect((batch.targetOutput[b * batch.targetLength + t] == 0) == isPadding)
            }
        }
        #expect(batch.targetOutput.filter { $0 != 0 }.count == batch.tokenCount)
    }

    /// Examples with varied lengths; example i has source length i % 13 and target length (7 i) % 11.
    static let examples = (0..<500).map { i in
        Example(source: Array(repeating: 4, count: i % 13), target: Array(repeating: 5, count: (7 * i) % 11))
    }

    static func expectEveryExampleOnce(_ plan: [[Int]], count: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(plan.flatMap { $0 }.sorted() == Array(0..<count), sourceLocation: sourceLocation)
        #expect(plan.allSatisfy { !$0.isEmpty }, sourceLocation: sourceLocation)
    }

    @Test(arguments: [BatchPlanner.Size.sentences(1), .sentences(32), .sentences(1000), .tokens(1), .tokens(64), .tokens(1000)])
    func everyExampleOncePerEpoch(size: BatchPlanner.Size) {
        for poolSize in [1, 50, 4096] {
            let planner = BatchPlanner(examples: Self.examples, size: size, seed: 7, poolSize: poolSize)
            for epoch in 0..<2 { Self.expectEveryExampleOnce(planner.plan(epoch: epoch), count: Self.examples.count) }
        }
    }

    @Test func sentenceLimitIsRespected() {
        let plan = BatchPlanner(examples: Self.examples, size: .sentences(32), seed: 1).plan(epoch: 0)
        #expect(plan.allSatisfy { $0.count <= 32 })
        #expect(plan.count == 16)   // 500 / 32 rounded up: only one batch is short
        for poolSize in [1, 7, 50] {    // pool edges do not cut batches short
            let plan = BatchPlanner(examples: Self.examples, size: .sentences(32), seed: 1, poolSize: poolSize).plan(epoch: 0)
            #expect(plan.count == 16 && plan.filter { $0.count < 32 }.count == 1)
        }
    }

    @Test(arguments: [8, 24, 100, 300])
    func tokenLimitIsRespectedOnBothSides(limit: Int) {
        let planner = BatchPlanner(examples: Self.examples, size: .tokens(limit), seed: 3, poolSize: 64)
        for batch in planner.batches(of: Self.examples, epoch: 0, specialTokens: .standard) {
            let padded = max(batch.size * batch.sourceLength, batch.size * batch.targetLength)
            #expect(padded <= limit || batch.size == 1, "B \(batch.size), S \(batch.sourceLength), T \(batch.targetLength)")
        }
    }

    @Test func anOversizedExampleGetsABatchOfItsOwn() {
        let examples = [Example(source: Array(repeating: 4, count: 50), target: [5]), Example(source: [4], target: [5])]
        let plan = BatchPlanner(examples: examples, size: .tokens(10), seed: 0).plan(epoch: 0)
        Self.expectEveryExampleOnce(plan, count: 2)
        #expect(plan.count == 2)
    }

    @Test func shuffleIsDeterministicPerSeedAndEpochAndVariesAcrossThem() {
        let planner = BatchPlanner(examples: Self.examples, size: .sentences(16), seed: 42, poolSize: 100)
        let again = BatchPlanner(examples: Self.examples, size: .sentences(16), seed: 42, poolSize: 100)
        #expect(planner.plan(epoch: 3) == again.plan(epoch: 3))
        #expect(planner.plan(epoch: 0) != planner.plan(epoch: 1))
        #expect(planner.plan(epoch: 1) != planner.plan(epoch: 2))
        let otherSeed = BatchPlanner(examples: Self.examples, size: .sentences(16), seed: 43, poolSize: 100)
        #expect(planner.plan(epoch: 0) != otherSeed.plan(epoch: 0))
        // Batch order and membership both change: not just a reordering of the same batches.
        #expect(Set(planner.plan(epoch: 0).map { $0.sorted() }) != Set(planner.plan(epoch: 1).map { $0.sorted() }))
    }

    @Test func batchesGroupSimilarLengths() {
        // With one pool the batches are cut from the length-sorted list: T varies by at most 1 inside a batch
        // (500 examples over 11 target lengths, 16 a batch).
        let planner = BatchPlanner(examples: Self.examples, size: .sentences(16), seed: 5, poolSize: 4096)
        for indices in planner.plan(epoch: 0) {
            let lengths = indices.map { Self.examples[$0].target.count }
            #expect(lengths.max()! - lengths.min()! <= 1)
        }
        // Padding waste is far below that of random batches (pool size 1).
        func padding(_ planner: BatchPlanner) -> Int {
            planner.batches(of: Self.examples, epoch: 0, specialTokens: .standard).reduce(0) { $0 + $1.size * $1.targetLength - $1.tokenCount }
        }
        #expect(padding(planner) * 5 < padding(BatchPlanner(examples: Self.examples, size: .sentences(16), seed: 5, poolSize: 1)))
    }

    @Test func noExamplesNoBatches() {
        #expect(BatchPlanner(examples: [], size: .sentences(4), seed: 0).plan(epoch: 0).isEmpty)
    }

    @Test func seededShuffleIsAFixedAlgorithm() {
        // Pinned values: any change to SeededGenerator, nextIndex or the Fisher-Yates order changes every
        // shipped plan and split, so it must be deliberate.
        #expect(Array(0..<10).seededShuffled(using: SeededGenerator(seed: 42)) == Self.pinnedShuffle)
    }

    static let pinnedShuffle = [8, 3, 6, 5, 4, 0, 9, 2, 1, 7]   // also Scripts/make-pig-latin-data.py's shuffled(range(10), SplitMix64(42))
}

@Suite struct ExampleEncodingTests {
    @Test func encodingAPairCountsUnknownsOnBothSides() throws {
        let source = try Tokenizer.build(kind: .character, texts: ["team"])
        let target = try Tokenizer.build(kind: .word, texts: ["eamtay"])
        let (example, unknown) = Example.encoding(TextPair(source: "tex", target: "eamtay x", line: 1),
                                                  source: source, target: target)
        #expect(example.source == [source.vocabulary.id(for: "t"), source.vocabulary.id(for: "e"), Vocabulary.unknown])
        #expect(example.target == [target.vocabulary.id(for: "eamtay"), Vocabulary.unknown])
        #expect(unknown == 2)
    }
}
