import Testing
@testable import TransformerCore

@Suite struct GreedyDecoderTests {
    typealias Placement = TransformerConfiguration.NormPlacement

    /// The batched, cached decoder gives exactly the tokens of re-decoding the whole prefix every step,
    /// and the same log-probabilities within the incremental tolerance (per token, summed over the length).
    @Test(arguments: [Placement.pre, .post])
    func matchesNaiveRecomputation(placement: Placement) throws {
        let sources = DecodingFixtures.sources + [[], [7, 7, 7]]
        var all: [Hypothesis] = []
        for seed: UInt64 in [21, 22, 23, 24] {
            let model = try DecodingFixtures.model(DecodingFixtures.configuration(placement: placement), seed: seed, endBias: 0.5)
            let decoded = try GreedyDecoder.decode(model: model, sources: sources, maximumLength: 8, batchSize: 3)
            for (source, hypothesis) in zip(sources, decoded) {
                let expected = DecodingFixtures.naiveGreedy(model: model, source: source, maximumLength: 8)
                expectSameHypothesis(hypothesis, expected, tolerance: DecodingTolerance.incremental)
            }
            all += decoded
        }
        // The fixtures end some sequences with <eos> after a few tokens and run some to the maximum length.
        #expect(all.contains { $0.isComplete && !$0.tokens.isEmpty })
        #expect(all.contains { !$0.isComplete && $0.tokens.count == 8 })
    }

    /// A source's result does not depend on its batch: decoding in batches equals decoding alone.
    @Test func batchingDoesNotChangeResults() throws {
        let model = try DecodingFixtures.model(seed: 24, endBias: 0.5)
        let sources = DecodingFixtures.sources + [[5, 4, 3, 4, 5, 6], [10]]
        let batched = try GreedyDecoder.decode(model: model, sources: sources, maximumLength: 10, batchSize: 4)
        for (source, hypothesis) in zip(sources, batched) {
            let alone = try GreedyDecoder.decode(model: model, source: source, maximumLength: 10)
            expectSameHypothesis(hypothesis, alone, tolerance: DecodingTolerance.incremental)
        }
    }

    /// Output invariants: no <sos>, padding or <eos> among the tokens; one log-probability per step, each
    /// <= 0, summing to the total; at most `maximumLength` steps.
    @Test func hypothesesAreWellFormed() throws {
        let model = try DecodingFixtures.model(seed: 25, endBias: 1)
        for hypothesis in try GreedyDecoder.decode(model: model, sources: DecodingFixtures.sources, maximumLength: 6) {
            #expect(!hypothesis.tokens.contains { $0 <= 2 })
            #expect(hypothesis.tokenLogProbabilities.count == hypothesis.tokens.count + (hypothesis.isComplete ? 1 : 0))
            #expect(hypothesis.tokenLogProbabilities.allSatisfy { $0 <= 0 })
            #expect(hypothesis.logProbability == hypothesis.tokenLogProbabilities.reduce(0, +))
            #expect(hypothesis.length <= 6)
        }
    }

    /// A model that always prefers <eos> stops at once with an empty, complete output.
    @Test func stopsAtEnd() throws {
        let model = try DecodingFixtures.model(seed: 26, endBias: 50)
        let decoded = try GreedyDecoder.decode(model: model, sources: [[3, 4], [5]], maximumLength: 10)
        for hypothesis in decoded {
            #expect(hypothesis.tokens.isEmpty && hypothesis.isComplete && hypothesis.length == 1)
            #expect(hypothesis.logProbability > -1e-5)
        }
    }

    /// Lengths beyond the positional encoding are clamped to it; 0 decodes nothing.
    @Test func maximumLengthIsClampedToTheModel() throws {
        let model = try DecodingFixtures.model(DecodingFixtures.configuration(maximumLength: 5), seed: 27, endBias: -50)
        let long = try GreedyDecoder.decode(model: model, source: [3, 4], maximumLength: 1000)
        #expect(long.tokens.count == 5 && !long.isComplete)
        let none = try GreedyDecoder.decode(model: model, source: [3, 4], maximumLength: 0)
        #expect(none == Hypothesis(tokens: [], tokenLogProbabilities: [], logProbability: 0, isComplete: false))
        #expect(try GreedyDecoder.decode(model: model, sources: [], maximumLength: 5).isEmpty)
    }

    @Test func rejectsInvalidArguments() throws {
        let model = try DecodingFixtures.model(seed: 28)
        #expect(throws: DecodingError.invalidArgument(name: "maximumLength", expected: "a number of tokens >= 0", found: "-1")) {
            try GreedyDecoder.decode(model: model, source: [3], maximumLength: -1)
        }
        #expect(throws: DecodingError.invalidArgument(name: "batchSize", expected: "at least 1", found: "0")) {
            try GreedyDecoder.decode(model: model, sources: [[3]], maximumLength: 4, batchSize: 0)
        }
        #expect(throws: DecodingError.specialTokenOutOfVocabulary(name: "<eos>", token: 11, vocabularySize: 11)) {
            try GreedyDecoder.decode(model: model, source: [3], maximumLength: 4, endToken: 11)
        }
        #expect(throws: DecodingError.sourceTokenOutOfVocabulary(source: 2, position: 0, token: 99, vocabularySize: 11)) {
            try GreedyDecoder.decode(model: model, sources: [[3], [4], [99]], maximumLength: 4, batchSize: 1)
        }
        let tiny = try DecodingFixtures.model(DecodingFixtures.configuration(vocabulary: 2), seed: 29)
        #expect(throws: DecodingError.nothingToEmit(vocabularySize: 2)) {
            try GreedyDecoder.decode(model: tiny, source: [1], maximumLength: 4, endToken: 0)
        }
        #expect(DecodingError.sourceTooLong(source: 3, length: 20, maximum: 16).description
                    == "source 3: 20 tokens, but the model encodes at most 16; shorten or split the input")
    }
}
