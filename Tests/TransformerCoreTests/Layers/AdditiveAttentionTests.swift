import Foundation
import Testing
@testable import TransformerCore

@Suite struct AdditiveAttentionTests {
    /// Tolerance of the scores against the loop written out by hand: the same Float32 operations in the
    /// same order, so only tanh's last bit may differ.
    static let scoreTolerance: Float = 1e-6
    /// Central-difference checks through tanh and the softmax (see GradientCheck.defaultTolerance).
    static let gradientTolerance: Float = GradientCheck.defaultTolerance

    static func layer(seed: UInt64 = 1, dropout: Float = 0) throws -> AdditiveAttention {
        try AdditiveAttention(modelDimension: 8, headCount: 2, dropout: dropout, generator: SeededGenerator(seed: seed))
    }

    @Test func shapesAndParameterNames() throws {
        let attention = try Self.layer()
        let (output, weights) = attention(randomTensor([3, 4, 8], seed: 2), randomTensor([3, 6, 8], seed: 3), mask: nil)
        #expect(output.shape == [3, 4, 8])     // [B, T, C]
        #expect(weights.shape == [3, 2, 4, 6]) // [B, H, T, S]
        #expect(attention.namedParameters.map(\.name) == ["query.weight", "query.bias", "key.weight", "scorer.weight",
                                                          "value.weight", "value.bias", "output.weight", "output.bias"])
        #expect(attention.scorer.weight.shape == [2, 4])   // v [H, A], A = D = C / H
        #expect(attention.parameterCount == 4 * 8 * 8 + 4 * 8)
    }

    @Test func rejectsAModelDimensionNotDivisibleByTheHeadCountAndBadSizes() {
        #expect(throws: ConfigurationError.self) {
            try AdditiveAttention(modelDimension: 512, headCount: 7, dropout: 0, generator: SeededGenerator(seed: 1))
        }
        #expect(throws: ConfigurationError.self) {
            try AdditiveAttention(querySize: 10, keySize: 0, valueSize: 30, headCount: 3, headSize: 100, outputSize: 50,
                                  dropout: 0, generator: SeededGenerator(seed: 1))
        }
    }

    /// e[b, h, t, s] = sum_a v[h, a] tanh(q[b, h, t, a] + k[b, h, s, a]), computed by a plain loop.
    @Test func scoresEqualTheEquationWrittenOut() {
        let (b, h, t, s, a) = (2, 3, 4, 5, 6)
        let q = randomTensor([b, h, t, a], seed: 4), k = randomTensor([b, h, s, a], seed: 5), v = randomTensor([h, a], seed: 6)
        var expected: [Float] = []
        for bi in 0..<b { for hi in 0..<h { for ti in 0..<t { for si in 0..<s {
            var sum: Float = 0
            for ai in 0..<a { sum += Foundation.tanh(q[bi, hi, ti, ai] + k[bi, hi, si, ai]) * v[hi, ai] }
            expected.append(sum)
        } } } }
        expectClose(additiveAttentionScores(query: q, key: k, scorer: v), Tensor(shape: [b, h, t, s], scalars: expected),
                    tolerance: Self.scoreTolerance)
    }

    /// The scores, differentiated with respect to q, k and v.
    @Test func scoreGradientsMatchFiniteDifferences() {
        let inputs = [randomTensor([2, 2, 3, 4], seed: 7), randomTensor([2, 2, 5, 4], seed: 8), randomTensor([2, 4], seed: 9)]
        let report = GradientCheck.check(inputs) { x in weightedSum(additiveAttentionScores(query: x[0], key: x[1], scorer: x[2])) }
        #expect(report.maximumError <= Self.gradientTolerance, "\(report)")
    }

    /// Masked keys get weight exactly 0 and every row sums to 1, with the masks of dot-product attention.
    @Test(arguments: ["causal", "padding"])
    func masksZeroTheWeightsAndRowsSumToOne(kind: String) throws {
        let attention = try Self.layer(seed: 10)
        let tokens = [[5, 6, 7, 0], [4, 0, 0, 0]]
        let mask = kind == "causal" ? AttentionMask.causal(4) : AttentionMask.keyPadding(tokens, paddingIndex: 0)
        let x = randomTensor([2, 4, 8], seed: 11)
        let (_, weights) = attention(x, x, mask: mask)
        for b in 0..<2 { for h in 0..<2 { for i in 0..<4 {
            var rowSum: Float = 0
            for j in 0..<4 {
                let blocked = kind == "causal" ? j > i : tokens[b][j] == 0
                if blocked { #expect(weights[b, h, i, j] == 0) } else { #expect(weights[b, h, i, j] > 0) }
                rowSum += weights[b, h, i, j]
            }
            #expect(abs(rowSum - 1) <= Tolerance.exact * 10)
        } } }
    }

    /// The layer's output equals the equations evaluated step by step from its own parameters.
    @Test func outputEqualsTheEquationsStepByStep() throws {
        let attention = try Self.layer(seed: 12)
        let x = randomTensor([1, 3, 8], seed: 13), memory = randomTensor([1, 5, 8], seed: 14)
        let (output, weights) = attention(x, memory, mask: nil)
        let q = attention.query(x).scalars, k = attention.key(memory).scalars, v = attention.scorer.weight.scalars
        let values = attention.value(memory).scalars
        var heads = [Float](repeating: 0, count: 3 * 8)
        for h in 0..<2 { for t in 0..<3 {
            let scores = (0..<5).map { s in
                (0..<4).reduce(Float(0)) { sum, a in sum + v[h * 4 + a] * Foundation.tanh(q[t * 8 + h * 4 + a] + k[s * 8 + h * 4 + a]) }
            }
            let exps = scores.map { Foundation.exp($0 - scores.max()!) }
            let w = exps.map { $0 / exps.reduce(0, +) }
            for s in 0..<5 {
                #expect(abs(weights[0, h, t, s] - w[s]) <= Tolerance.float32)
                for a in 0..<4 { heads[t * 8 + h * 4 + a] += w[s] * values[s * 8 + h * 4 + a] }
            }
        } }
        expectClose(output, attention.output(Tensor(shape: [1, 3, 8], scalars: heads)), tolerance: Tolerance.float32)
    }

    /// The whole layer, differentiated with respect to its inputs and every parameter, with a padding mask.
    @Test func layerGradientsMatchFiniteDifferences() throws {
        let attention = try Self.layer(seed: 15)
        let mask = AttentionMask.keyPadding([[3, 4, 0]], paddingIndex: 0)
        let inputs = [randomTensor([1, 2, 8], seed: 16), randomTensor([1, 3, 8], seed: 17)] + attention.parameters
        let report = GradientCheck.check(inputs) { t in weightedSum(attention(t[0], t[1], mask: mask).output) }
        #expect(report.maximumError <= Self.gradientTolerance, "\(report)")
    }

    /// The general layer with different query, key and value inputs, differentiated likewise.
    @Test func generalLayerGradientsMatchFiniteDifferences() throws {
        let attention = try AdditiveAttention(querySize: 3, keySize: 4, valueSize: 5, headCount: 2, headSize: 3,
                                              outputSize: 2, dropout: 0, generator: SeededGenerator(seed: 18))
        let inputs = [randomTensor([2, 2, 3], seed: 19), randomTensor([2, 3, 4], seed: 20), randomTensor([2, 3, 5], seed: 21)]
            + attention.parameters
        let mask = AttentionMask.keyPadding([[3, 0, 4], [5, 6, 0]], paddingIndex: 0)   // [B, 1, 1, S]
        let report = GradientCheck.check(inputs) { t in
            let (output, weights) = attention(t[0], key: t[1], value: t[2], mask: mask)
            return weightedSum(output) + weightedSum(weights, seed: 3)
        }
        #expect(report.maximumError <= Self.gradientTolerance, "\(report)")
    }

    /// Attention dropout acts on the weights: in training the output changes, the returned weights
    /// (before dropout) do not; in evaluation the layer is deterministic.
    @Test func dropoutActsOnTheWeightsOnlyInTraining() throws {
        let attention = try Self.layer(seed: 22, dropout: 0.5)
        let x = randomTensor([2, 4, 8], seed: 23)
        attention.setTraining(false)
        let (evaluated, evaluatedWeights) = attention(x, x, mask: nil)
        #expect(attention(x, x, mask: nil).output.scalars == evaluated.scalars)
        attention.setTraining(true)
        let (trained, trainedWeights) = attention(x, x, mask: nil)
        expectClose(trainedWeights, evaluatedWeights, tolerance: Tolerance.exact)
        #expect(zip(trained.scalars, evaluated.scalars).contains { abs($0 - $1) > Tolerance.float32 })
    }
}
