import Foundation
import Testing
@testable import TransformerCore

@Suite struct ScaledDotProductAttentionTests {
    /// The worked example: one query, two keys whose scaled scores differ by ln(0.88 / 0.12), so the
    /// softmax weights are (0.88, 0.12) and the output row is exactly 0.88 v1 + 0.12 v2.
    @Test func workedExampleMixesValuesByTheWeights() {
        let d: Float = 4
        let gap = Float(Foundation.log(0.88 / 0.12))              // s1 - s2 after scaling by 1/sqrt(d)
        let q = Tensor(shape: [1, 1, 1, 4], scalars: [1, 0, 0, 0])
        let k = Tensor(shape: [1, 1, 2, 4], scalars: [gap * d.squareRoot(), 0, 0, 0, 0, 0, 0, 0])
        let v1: [Float] = [1, 2, 3, 4], v2: [Float] = [-5, 6, 0.5, 10]
        let v = Tensor(shape: [1, 1, 2, 4], scalars: v1 + v2)
        let (output, weights) = scaledDotProductAttention(query: q, key: k, value: v, mask: nil)
        expectClose(weights, Tensor(shape: [1, 1, 1, 2], scalars: [0.88, 0.12]), tolerance: Tolerance.exact)
        let expected = zip(v1, v2).map { 0.88 * $0 + 0.12 * $1 }
        expectClose(output, Tensor(shape: [1, 1, 1, 4], scalars: expected), tolerance: Tolerance.exact * 10)
    }

    @Test func causalWeightsAreExactlyZeroAboveTheDiagonalAndRowsSumToOne() {
        let (t, d) = (5, 3)
        let q = randomTensor([2, 2, t, d], seed: 1), k = randomTensor([2, 2, t, d], seed: 2)
        let (_, weights) = scaledDotProductAttention(query: q, key: k, value: randomTensor([2, 2, t, d], seed: 3),
                                                     mask: AttentionMask.causal(t))
        for b in 0..<2 { for h in 0..<2 { for i in 0..<t {
            var rowSum: Float = 0
            for j in 0..<t {
                if j > i { #expect(weights[b, h, i, j] == 0) } else { #expect(weights[b, h, i, j] > 0) }
                rowSum += weights[b, h, i, j]
            }
            #expect(abs(rowSum - 1) <= Tolerance.exact * 10)
        } } }
    }

    @Test func paddedKeysGetExactlyZeroWeight() {
        let tokens = [[5, 6, 7, 0], [4, 0, 0, 0]]                 // 0 is padding
        let mask = AttentionMask.keyPadding(tokens, paddingIndex: 0)
        #expect(mask.shape == [2, 1, 1, 4])
        let (_, weights) = scaledDotProductAttention(query: randomTensor([2, 3, 2, 4], seed: 4),
                                                     key: randomTensor([2, 3, 4, 4], seed: 5),
                                                     value: randomTensor([2, 3, 4, 4], seed: 6), mask: mask)
        for b in 0..<2 { for h in 0..<3 { for i in 0..<2 {
            var rowSum: Float = 0
            for j in 0..<4 {
                if tokens[b][j] == 0 { #expect(weights[b, h, i, j] == 0) }
                rowSum += weights[b, h, i, j]
            }
            #expect(abs(rowSum - 1) <= Tolerance.exact * 10)
        } } }
        #expect(weights[1, 0, 0, 0] == 1)   // the only real key takes all the weight
    }

    @Test func targetMaskCombinesCausalAndPadding() {
        let mask = AttentionMask.target([[1, 3, 0]], paddingIndex: 0)
        #expect(mask.shape == [1, 1, 3, 3])
        let blocked = mask.scalars.map { $0 == -.infinity }
        #expect(blocked == [false, true, true,
                            false, false, true,
                            false, false, true])
    }

    @Test(arguments: ["none", "causal", "padding"])
    func gradientsMatchFiniteDifferences(maskKind: String) {
        let mask: Tensor? = switch maskKind {
        case "causal": AttentionMask.causal(3)
        case "padding": AttentionMask.keyPadding([[3, 4, 0], [5, 0, 0]], paddingIndex: 0)
        default: nil
        }
        let inputs = [randomTensor([2, 2, 3, 4], seed: 7), randomTensor([2, 2, 3, 4], seed: 8),
                      randomTensor([2, 2, 3, 4], seed: 9)]
        expectGradientsMatch(inputs) { t in
            let (output, weights) = scaledDotProductAttention(query: t[0], key: t[1], value: t[2], mask: mask)
            return weightedSum(output) + weightedSum(weights, seed: 7)
        }
    }
}

@Suite struct MultiHeadAttentionTests {
    @Test func shapesAndPerHeadWeights() throws {
        let attention = try MultiHeadAttention(modelDimension: 8, headCount: 2, dropout: 0, generator: SeededGenerator(seed: 1))
        let (output, weights) = attention(randomTensor([3, 4, 8], seed: 2), randomTensor([3, 6, 8], seed: 3), mask: nil)
        #expect(output.shape == [3, 4, 8])     // [B, T, C]
        #expect(weights.shape == [3, 2, 4, 6]) // [B, H, T, S]
        #expect(attention.namedParameters.map(\.name) == ["query.weight", "query.bias", "key.weight", "key.bias",
                                                          "value.weight", "value.bias", "output.weight", "output.bias"])
    }

    @Test func rejectsAModelDimensionNotDivisibleByTheHeadCount() {
        #expect(throws: ConfigurationError.self) {
            try MultiHeadAttention(modelDimension: 512, headCount: 7, dropout: 0, generator: SeededGenerator(seed: 1))
        }
    }

    /// Each head attends only with its own slice of features: one head's weights equal single-head
    /// attention computed by hand on that slice.
    @Test func headsUseTheirOwnFeatureSlices() throws {
        let attention = try MultiHeadAttention(modelDimension: 4, headCount: 2, dropout: 0, generator: SeededGenerator(seed: 4))
        let x = randomTensor([1, 3, 4], seed: 5)
        let (_, weights) = attention(x, x, mask: nil)
        let q = attention.query(x), k = attention.key(x)       // [1, 3, 4]
        for head in 0..<2 {
            let columns = (head * 2)..<(head * 2 + 2)
            func slice(_ t: Tensor) -> Tensor {
                Tensor(shape: [1, 1, 3, 2], scalars: (0..<3).flatMap { row in columns.map { t.scalars[row * 4 + $0] } })
            }
            let expected = (slice(q).matmul(slice(k), transposingOther: true) / Float(2).squareRoot()).softmax()
            let actual = Tensor(shape: [1, 1, 3, 3], scalars: Array(weights.scalars[(head * 9)..<(head * 9 + 9)]))
            expectClose(actual, expected, tolerance: Tolerance.float32)
        }
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        let attention = try MultiHeadAttention(modelDimension: 4, headCount: 2, dropout: 0, generator: SeededGenerator(seed: 6))
        let mask = AttentionMask.keyPadding([[3, 4, 0]], paddingIndex: 0)
        let inputs = [randomTensor([1, 2, 4], seed: 7), randomTensor([1, 3, 4], seed: 8)] + attention.parameters
        expectGradientsMatch(inputs) { t in weightedSum(attention(t[0], t[1], mask: mask).output) }
    }
}
