import Foundation
import Testing
@testable import TransformerCore

/// RoPE (``RotaryEmbedding``, ``Tensor/rotatingPairs(cosines:sines:headDimension:)``): the paper's angles
/// and pairing, the relative-position property, and the gradient of the rotation.
@Suite struct RotaryEmbeddingTests {
    /// Scores of rotated vectors at (m, n) and (m + s, n + s): sums of 8 products of order-one values,
    /// each rotated in Float32 (the angles grow with the position).
    static let relativeTolerance: Float = 1e-4

    @Test func frequenciesAreTenThousandToTheMinusTwoIOverD() {
        let rotary = RotaryEmbedding(headDimension: 8)
        let expected = (0..<4).map { pow(10000.0, -Double(2 * $0) / 8) }
        #expect(rotary.frequencies.count == 4)
        for (a, e) in zip(rotary.frequencies, expected) { #expect(abs(a - e) <= 1e-12) }
        #expect(rotary.frequencies[0] == 1)
    }

    /// The interleaved pairing: the unit vector e_2i at position m becomes cos(m θ_i) e_2i + sin(m θ_i) e_2i+1,
    /// in every head; position 0 is the identity.
    @Test func rotatesInterleavedPairsOfEveryHead() {
        let rotary = RotaryEmbedding(headDimension: 4)
        let (m, theta) = (3, rotary.frequencies)
        for head in 0..<2 {
            for i in 0..<2 {
                var unit = [Float](repeating: 0, count: 8)
                unit[head * 4 + 2 * i] = 1
                let y = rotary(Tensor(shape: [1, 1, 8], scalars: unit), offset: m).scalars
                var expected = [Float](repeating: 0, count: 8)
                expected[head * 4 + 2 * i] = Float(cos(Double(m) * theta[i]))
                expected[head * 4 + 2 * i + 1] = Float(sin(Double(m) * theta[i]))
                expectClose(y, expected, tolerance: Tolerance.exact)
            }
        }
        let x = randomTensor([2, 1, 8], seed: 1)
        expectClose(rotary(x, offset: 0), x, tolerance: Tolerance.exact)
    }

    /// Row t of a sequence is rotated by its position offset + t, and each pair keeps its length.
    @Test func rowsUseTheirPositionsAndKeepPairLengths() {
        let rotary = RotaryEmbedding(headDimension: 4)
        let x = randomTensor([2, 5, 8], seed: 2)
        let y = rotary(x, offset: 7)
        for t in 0..<5 {
            let row = Tensor(shape: [2, 1, 8], scalars: (0..<2).flatMap { b in Array(x.scalars[(b * 40 + t * 8)..<(b * 40 + t * 8 + 8)]) })
            let alone = rotary(row, offset: 7 + t)
            for b in 0..<2 {
                expectClose(Array(y.scalars[(b * 40 + t * 8)..<(b * 40 + t * 8 + 8)]), Array(alone.scalars[(b * 8)..<(b * 8 + 8)]),
                            tolerance: Tolerance.exact)
            }
        }
        for pair in 0..<(x.count / 2) {
            let before = x.scalars[2 * pair] * x.scalars[2 * pair] + x.scalars[2 * pair + 1] * x.scalars[2 * pair + 1]
            let after = y.scalars[2 * pair] * y.scalars[2 * pair] + y.scalars[2 * pair + 1] * y.scalars[2 * pair + 1]
            #expect(abs(before - after) <= Tolerance.float32)
        }
    }

    /// (R_m q) . (R_n k) depends on m and n only through m - n: shifting both positions by s leaves every
    /// score unchanged, and it equals q . (R_{n-m} k).
    @Test func scoresDependOnlyOnTheRelativePosition() {
        let rotary = RotaryEmbedding(headDimension: 8)
        let q = randomTensor([1, 1, 8], seed: 3), k = randomTensor([1, 1, 8], seed: 4)
        func score(_ m: Int, _ n: Int) -> Float {
            zip(rotary(q, offset: m).scalars, rotary(k, offset: n).scalars).map(*).reduce(0, +)
        }
        for (m, n) in [(0, 0), (2, 5), (5, 2), (9, 1), (3, 3)] {
            let relative = zip(q.scalars, rotary(k, offset: n - m).scalars).map(*).reduce(0, +)   // R_{n-m}, n - m may be < 0
            #expect(abs(score(m, n) - relative) <= Self.relativeTolerance)
            for shift in [1, 4, 17, 100] {
                #expect(abs(score(m + shift, n + shift) - score(m, n)) <= Self.relativeTolerance, "m \(m) n \(n) shift \(shift)")
            }
        }
        #expect(abs(score(2, 5) - score(5, 2)) > Self.relativeTolerance)   // but the sign of m - n matters
    }

    @Test func rotationGradientsMatchFiniteDifferences() {
        let rotary = RotaryEmbedding(headDimension: 4)
        expectGradientsMatch([randomTensor([2, 3, 8], seed: 5)]) { t in weightedSum(rotary(t[0], offset: 2)) }
    }

    /// A RoPE self-attention: the weights are softmax((R q)(R k)^T / sqrt(D) + M) by hand, and the gradients
    /// reach the inputs and every parameter.
    @Test func attentionWithRoPEMatchesTheFormulaAndItsGradients() throws {
        let rotary = RotaryEmbedding(headDimension: 2)
        let attention = try MultiHeadAttention(modelDimension: 4, headCount: 2, dropout: 0, positions: .rotary(rotary),
                                               generator: SeededGenerator(seed: 6))
        let x = randomTensor([1, 3, 4], seed: 7)
        let mask = AttentionMask.causal(3)
        let (_, weights) = attention(x, x, mask: mask)
        let q = rotary(attention.query(x)), k = rotary(attention.key(x))
        let expected = q.composedMultiHeadAttention(key: k, value: attention.value(x), headCount: 2, mask: mask, dropout: nil).weights
        expectClose(weights, expected, tolerance: Tolerance.float32)
        let inputs = [randomTensor([2, 3, 4], seed: 8)] + attention.parameters
        expectGradientsMatch(inputs) { t in weightedSum(attention(t[0], t[0], mask: mask).output) }
    }

    @Test func attentionRejectsPositionsThatDoNotFitItsHeads() {
        #expect(throws: ConfigurationError.self) {
            try MultiHeadAttention(modelDimension: 8, headCount: 2, dropout: 0,
                                   positions: .rotary(RotaryEmbedding(headDimension: 2)), generator: SeededGenerator(seed: 1))
        }
        #expect(throws: ConfigurationError.self) {
            try MultiHeadAttention(modelDimension: 8, headCount: 2, dropout: 0,
                                   positions: .linearBiases(LinearBiases(headCount: 4)), generator: SeededGenerator(seed: 1))
        }
    }
}
