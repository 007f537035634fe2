import Foundation
import Testing
@testable import TransformerCore

/// The fused layerNormalized op.
@Suite struct LayerNormOpTests {
    @Test func normalizesEachRow() {
        let x = randomTensor([3, 2, 8], seed: 91) * 3 + 1
        let y = x.layerNormalized(gain: .ones([8]), bias: .zeros([8]), epsilon: 1e-6)
        #expect(y.shape == x.shape)
        let mean = y.mean(alongAxis: -1)
        let variance = (y * y).mean(alongAxis: -1)   // biased, around a zero mean
        expectClose(mean, Tensor.zeros([3, 2]), tolerance: Tolerance.float32)
        expectClose(variance, Tensor.ones([3, 2]), tolerance: Tolerance.float32 * 10)
    }

    @Test func valuesByHandWithGainAndBias() {
        // Row [1, 2, 3, 4]: mean 2.5, biased variance 1.25.
        let x = Tensor(shape: [2, 4], scalars: [1, 2, 3, 4, 2, 2, 2, 2])
        let gain = Tensor(shape: [4], scalars: [1, 2, -1, 0.5])
        let bias = Tensor(shape: [4], scalars: [0, 1, 0, -1])
        let epsilon: Float = 1e-5
        let rstd = 1 / (1.25 + epsilon).squareRoot()
        let xhat: [Float] = [-1.5, -0.5, 0.5, 1.5].map { $0 * rstd }
        let expectedRow0 = (0..<4).map { gain.scalars[$0] * xhat[$0] + bias.scalars[$0] }
        // A constant row normalizes to 0 (epsilon keeps it finite), leaving the bias.
        let expected = Tensor(shape: [2, 4], scalars: expectedRow0 + bias.scalars)
        expectClose(x.layerNormalized(gain: gain, bias: bias, epsilon: epsilon), expected, tolerance: Tolerance.float32)
    }

    @Test func gradientsWithRespectToInputGainAndBias() {
        let x = randomTensor([2, 3, 5], seed: 92) * 2
        let gain = randomTensor([5], seed: 93) + 1
        let bias = randomTensor([5], seed: 94)
        expectGradientsMatch([x, gain, bias]) {
            weightedSum($0[0].layerNormalized(gain: $0[1], bias: $0[2], epsilon: 1e-5))
        }
    }

    @Test func gradientOfGainAndBiasByHand() {
        // d(sum y)/d bias = number of rows; d(sum y)/d gain = sum over rows of xhat.
        let x = Tensor(shape: [2, 2], scalars: [0, 2, 5, 1])
        let gain = Tensor.ones([2], requiresGradient: true), bias = Tensor.zeros([2], requiresGradient: true)
        x.layerNormalized(gain: gain, bias: bias, epsilon: 0).sum().backward()
        #expect(bias.gradientScalars == [2, 2])
        // xhat rows: [-1, 1] and [1, -1].
        expectClose(gain.gradientScalars ?? [], [0, 0], tolerance: Tolerance.exact)
        #expect(x.gradientScalars == nil)
    }
}
