import Testing
@testable import TransformerCore

/// The seed homework's exercise: a 3-head attention over queries, keys and values of sizes 10, 20 and
/// 30, each head projecting to 100, output 50, sequences of 64 positions. How many parameters?
@Suite struct AttentionParameterCountTests {
    static let (querySize, keySize, valueSize) = (10, 20, 30)
    static let (heads, headSize, outputSize) = (3, 100, 50)
    /// Sequence length of the exercise. It appears in no term below: every weight acts on one position's
    /// features (shared across positions), and the scores are computed, not learned, so T = S = 64 or any
    /// other length gives the same count.
    static let sequenceLength = 64

    /// Additive attention: e_h = v_h^T tanh(W_q^h q + b_q^h + W_k^h k), head_h = sum_s a_h (W_v^h v_s + b_v^h),
    /// out = W^O Concat(heads) + b^O.
    @Test func additiveAttentionOfTheExercise() throws {
        let hA = Self.heads * Self.headSize                      // 300: the three heads' projections side by side
        let closedForm = hA * Self.querySize + hA                // W_q [300, 10] + b_q [300]        =  3,300
            + hA * Self.keySize                                  // W_k [300, 20], no bias (it would only add to b_q) =  6,000
            + Self.heads * Self.headSize                         // v [3, 100]: one scoring vector v_h per head =    300
            + hA * Self.valueSize + hA                           // W_v [300, 30] + b_v [300]        =  9,300
            + Self.outputSize * hA + Self.outputSize             // W^O [50, 300] + b^O [50]         = 15,050
        #expect(closedForm == 33_950)
        let layer = try AdditiveAttention(querySize: Self.querySize, keySize: Self.keySize, valueSize: Self.valueSize,
                                          headCount: Self.heads, headSize: Self.headSize, outputSize: Self.outputSize,
                                          dropout: 0, generator: SeededGenerator(seed: 1))
        #expect(layer.parameterCount == closedForm)
        #expect(AdditiveAttention.parameterCount(querySize: Self.querySize, keySize: Self.keySize, valueSize: Self.valueSize,
                                                 headCount: Self.heads, headSize: Self.headSize,
                                                 outputSize: Self.outputSize) == closedForm)
        // It runs on sequences of the exercise's length, and the count does not depend on it.
        let (output, weights) = layer(randomTensor([1, Self.sequenceLength, Self.querySize], seed: 2),
                                      key: randomTensor([1, Self.sequenceLength, Self.keySize], seed: 3),
                                      value: randomTensor([1, Self.sequenceLength, Self.valueSize], seed: 4), mask: nil)
        #expect(output.shape == [1, Self.sequenceLength, Self.outputSize])
        #expect(weights.shape == [1, Self.heads, Self.sequenceLength, Self.sequenceLength])
    }

    /// Scaled dot-product multi-head attention of the same exercise, for comparison:
    /// head_h = softmax((W_Q^h q + b_Q^h)(W_K^h k + b_K^h)^T / sqrt(100)) (W_V^h v + b_V^h), out = W^O Concat + b^O.
    @Test func dotProductAttentionOfTheExercise() throws {
        let hD = Self.heads * Self.headSize                      // 300
        let closedForm = hD * Self.querySize + hD                // W^Q [300, 10] + b^Q [300]        =  3,300
            + hD * Self.keySize + hD                             // W^K [300, 20] + b^K [300]        =  6,300
            + hD * Self.valueSize + hD                           // W^V [300, 30] + b^V [300]        =  9,300
            + Self.outputSize * hD + Self.outputSize             // W^O [50, 300] + b^O [50]         = 15,050
        #expect(closedForm == 33_950)
        let layer = try MultiHeadAttention(querySize: Self.querySize, keySize: Self.keySize, valueSize: Self.valueSize,
                                           headCount: Self.heads, headDimension: Self.headSize, outputSize: Self.outputSize,
                                           dropout: 0, generator: SeededGenerator(seed: 1))
        #expect(layer.parameterCount == closedForm)
        let (output, _) = layer(randomTensor([1, Self.sequenceLength, Self.querySize], seed: 2),
                                key: randomTensor([1, Self.sequenceLength, Self.keySize], seed: 3),
                                value: randomTensor([1, Self.sequenceLength, Self.valueSize], seed: 4), mask: nil)
        #expect(output.shape == [1, Self.sequenceLength, Self.outputSize])
        // The same total: additive attention drops the key bias (300) and adds the scoring vectors v (300).
    }

    /// In a Transformer block (all sizes C, A = D = C / H) both kinds have 4 C^2 + 4 C parameters, and the
    /// configuration's closed form counts every mix of kinds as the built model does.
    @Test(arguments: [AttentionScoring.dotProduct, .additive], [AttentionScoring.dotProduct, .additive])
    func blockCountsAgreeWithTheBuiltModel(selfKind: AttentionScoring, crossKind: AttentionScoring) throws {
        let configuration = TransformerConfiguration(sourceVocabularySize: 13, targetVocabularySize: 11, modelDimension: 16,
                                                     headCount: 4, layerCount: 2, feedForwardDimension: 24,
                                                     selfAttention: selfKind, crossAttention: crossKind)
        let model = try Transformer(configuration: configuration, generator: SeededGenerator(seed: 5))
        #expect(model.parameterCount == configuration.parameterCount)
        let c = 16
        #expect(try AdditiveAttention(modelDimension: c, headCount: 4, dropout: 0, generator: SeededGenerator(seed: 6)).parameterCount
                == 4 * c * c + 4 * c)
    }
}
