import Foundation
import Testing
@testable import TransformerCore

/// ALiBi (``LinearBiases``): the paper's slopes, the bias values, the bias as a mask of the fused
/// attention, and gradients through an ALiBi attention.
@Suite struct LinearBiasesTests {
    @Test func slopesOfPowersOfTwoAreGeometric() {
        #expect(LinearBiases.slopes(headCount: 8) == (1...8).map { Float(pow(2, -Double($0))) })      // 1/2 ... 1/256
        #expect(LinearBiases.slopes(headCount: 4) == [0.25, 0.0625, 0.015625, 0.00390625])          // 2^-2, 2^-4, ...
        #expect(LinearBiases.slopes(headCount: 1) == [0.00390625])                                   // 2^-8
        let sixteen = LinearBiases.slopes(headCount: 16)
        #expect(sixteen.first == Float(pow(2, -0.5)) && sixteen.last == 0.00390625)
    }

    /// The paper's rule for H not a power of 2: the slopes of n = 2^floor(log2 H), then every other
    /// slope of 2n (2^-1, 2^-3, ...).
    @Test func slopesOfOtherHeadCountsFollowThePapersRule() {
        #expect(LinearBiases.slopes(headCount: 6) == [0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125])
        #expect(LinearBiases.slopes(headCount: 3) == [0.0625, 0.00390625, 0.25])
        let twelve = LinearBiases.slopes(headCount: 12)
        #expect(Array(twelve.prefix(8)) == LinearBiases.slopes(headCount: 8))
        #expect(Array(twelve.suffix(4)) == [0, 2, 4, 6].map { LinearBiases.slopes(headCount: 16)[$0] })
    }

    @Test func biasIsMinusSlopeTimesDistance() {
        let biases = LinearBiases(slopes: [0.5, 0.25])
        let bias = biases.bias(queryCount: 3, keyCount: 4)
        #expect(bias.shape == [1, 2, 3, 4])
        for h in 0..<2 { for i in 0..<3 { for j in 0..<4 {
            #expect(bias[0, h, i, j] == -biases.slopes[h] * Float(abs(i - j)))
        } } }
        // A cached step: one query at position 5 against keys 0...5: -m (5 - j).
        let step = biases.bias(queryCount: 1, keyCount: 6, queryOffset: 5)
        #expect(step.scalars == [-2.5, -2, -1.5, -1, -0.5, 0, -1.25, -1, -0.75, -0.5, -0.25, 0])
    }

    /// Added to a padding or target mask: [B, H, T, S], masked keys stay -inf.
    @Test func biasAddedToAMaskKeepsTheMaskedKeys() {
        let biases = LinearBiases(headCount: 2)
        let mask = AttentionMask.target([[1, 3, 0], [1, 4, 5]], paddingIndex: 0)   // [2, 1, 3, 3]
        let combined = biases.adding(to: mask, queryCount: 3, keyCount: 3)
        #expect(combined.shape == [2, 2, 3, 3])
        for b in 0..<2 { for h in 0..<2 { for i in 0..<3 { for j in 0..<3 {
            let m = mask[b, 0, i, j]
            #expect(combined[b, h, i, j] == (m == -.infinity ? -.infinity : -biases.slopes[h] * Float(abs(i - j))))
        } } } }
        #expect(biases.adding(to: nil, queryCount: 2, keyCount: 3).shape == [1, 2, 2, 3])
    }

    /// An ALiBi attention's weights are softmax(q k^T / sqrt(D) + M - m_h |i - j|), computed here on the
    /// composed path; the layer runs the fused kernels with the combined [B, H, T, S] mask.
    @Test func attentionAddsTheBiasToTheScaledScores() throws {
        let biases = LinearBiases(headCount: 2)
        let attention = try MultiHeadAttention(modelDimension: 8, headCount: 2, dropout: 0, positions: .linearBiases(biases),
                                               generator: SeededGenerator(seed: 1))
        let x = randomTensor([2, 4, 8], seed: 2)
        let mask = AttentionMask.keyPadding([[3, 4, 5, 0], [3, 4, 5, 6]], paddingIndex: 0)
        let (output, weights) = attention(x, x, mask: mask)
        let expected = attention.query(x).composedMultiHeadAttention(
            key: attention.key(x), value: attention.value(x), headCount: 2,
            mask: mask + biases.bias(queryCount: 4, keyCount: 4), dropout: nil)
        expectClose(weights, expected.weights, tolerance: Tolerance.float32)
        expectClose(output, attention.output(expected.output), tolerance: Tolerance.float32)
        #expect(weights[0, 0, 1, 3] == 0)   // padding still gets weight exactly 0
        // Without the bias the weights differ: the positions matter.
        let plain = attention.query(x).composedMultiHeadAttention(key: attention.key(x), value: attention.value(x),
                                                                  headCount: 2, mask: mask, dropout: nil).weights
        #expect(zip(plain.scalars, weights.scalars).contains { abs($0 - $1) > 1e-3 })
    }

    @Test func attentionGradientsMatchFiniteDifferences() throws {
        let attention = try MultiHeadAttention(modelDimension: 4, headCount: 2, dropout: 0,
                                               positions: .linearBiases(LinearBiases(slopes: [0.5, 0.125])),
                                               generator: SeededGenerator(seed: 3))
        let mask = AttentionMask.causal(3)
        let inputs = [randomTensor([2, 3, 4], seed: 4)] + attention.parameters
        expectGradientsMatch(inputs) { t in weightedSum(attention(t[0], t[0], mask: mask).output) }
    }

    /// Pruned heads keep the slopes of their unpruned numbers.
    @Test func keptHeadsKeepTheirSlopes() {
        let positions = AttentionPositions(.linearBiases, headCount: 4, headDimension: 2, keptHeads: [1, 3])
        #expect(positions == .linearBiases(LinearBiases(slopes: [0.0625, 0.00390625])))
        #expect(AttentionPositions(.sinusoidal, headCount: 4, headDimension: 2) == nil)
        #expect(AttentionPositions(.rotary, headCount: 4, headDimension: 2) == .rotary(RotaryEmbedding(headDimension: 2)))
    }
}
