import Testing
@testable import TransformerCore

@Suite struct SublayerTests {
    static let epsilon: Float = 1e-5

    @Test func layerNormNormalizesEachPositionAndHasGradients() {
        let norm = LayerNorm(dimension: 5)
        let y = norm(randomTensor([2, 3, 5], seed: 1) * 3 + 1)
        for row in 0..<6 {
            let values = y.scalars[(row * 5)..<(row * 5 + 5)]
            let mean = values.reduce(0, +) / 5
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 5
            #expect(abs(mean) <= Tolerance.float32)
            #expect(abs(variance - 1) <= Tolerance.float32 * 10)
        }
        norm.gain.withMutableScalars { $0 = [0.5, 1, 1.5, 2, -1] }
        norm.bias.withMutableScalars { $0 = [0.1, 0.2, 0.3, 0.4, 0.5] }
        expectGradientsMatch([randomTensor([2, 5], seed: 2)] + norm.parameters) { t in weightedSum(norm(t[0])) }
    }

    @Test func linearComputesXWTransposePlusB() {
        let linear = Linear(weight: Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]),
                            bias: Tensor(shape: [2], scalars: [10, 20]))
        let y = linear(Tensor(shape: [1, 1, 3], scalars: [1, 0, -1]))
        #expect(y.shape == [1, 1, 2])
        let expected: [Float] = [1 - 3 + 10, 4 - 6 + 20]
        #expect(y.scalars == expected)
    }

    @Test(arguments: [TransformerConfiguration.Activation.relu, .gelu])
    func feedForwardShapesAndGradients(activation: TransformerConfiguration.Activation) {
        let ffn = FeedForward(modelDimension: 4, hiddenDimension: 6, activation: activation, dropout: 0,
                              generator: SeededGenerator(seed: 3))
        let x = randomTensor([2, 3, 4], seed: 4)
        #expect(ffn.expand(x).shape == [2, 3, 6])   // [B, T, F]
        #expect(ffn(x).shape == [2, 3, 4])          // [B, T, C]
        expectGradientsMatch([x] + ffn.parameters, step: reluSafeStep) { t in weightedSum(ffn(t[0])) }
    }

    @Test func residualPlacements() {
        let x = randomTensor([1, 2, 4], seed: 5)
        let sublayer = { (t: Tensor) in t * 3 }
        let pre = ResidualConnection(dimension: 4, placement: .pre, dropout: 0, epsilon: Self.epsilon,
                                     generator: SeededGenerator(seed: 6))
        expectClose(pre(x, sublayer), x + pre.norm(x) * 3, tolerance: Tolerance.exact)
        let post = ResidualConnection(dimension: 4, placement: .post, dropout: 0, epsilon: Self.epsilon,
                                      generator: SeededGenerator(seed: 6))
        expectClose(post(x, sublayer), post.norm(x + x * 3), tolerance: Tolerance.exact)
    }

    @Test func dropoutIsIdentityInEvaluationAndSeeded() {
        let x = Tensor.ones([100])
        let a = Dropout(probability: 0.3, generator: SeededGenerator(seed: 7))(x)
        let b = Dropout(probability: 0.3, generator: SeededGenerator(seed: 7))(x)
        #expect(a.scalars == b.scalars)
        #expect(Set(a.scalars).isSubset(of: [0, 1 / 0.7]))
        let dropout = Dropout(probability: 0.3, generator: SeededGenerator(seed: 7))
        dropout.setTraining(false)
        #expect(dropout(x).scalars == x.scalars)
    }
}
