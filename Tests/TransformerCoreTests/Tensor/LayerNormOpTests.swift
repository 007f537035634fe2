import CKernels
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

    /// The AVX-512 rows (C) against the Swift rows they replace, forward and backward, on widths around the
    /// 16-lane and 32-float steps (the Swift rows are the fallback elsewhere and the finite-difference
    /// checks above cover the math).
    @Test(.enabled(if: Kernels.hasAVX512)) func avx512RowsMatchTheSwiftRows() {
        for width in [1, 5, 16, 17, 31, 32, 33, 64, 100] {
            let rows = 3
            let x = (randomTensor([rows, width], seed: UInt64(width)) * 3 + 0.5).scalars
            let gain = (randomTensor([width], seed: UInt64(100 + width)) + 1).scalars
            let bias = randomTensor([width], seed: UInt64(200 + width)).scalars
            let dy = randomTensor([rows, width], seed: UInt64(300 + width)).scalars
            let epsilon: Float = 1e-5
            var (y, means, rstds) = ([Float](repeating: 0, count: rows * width), [Float](repeating: 0, count: rows),
                                     [Float](repeating: 0, count: rows))
            var (yRef, meansRef, rstdsRef) = (y, means, rstds)
            var (dx, dGain, dBias) = (y, [Float](repeating: 0.5, count: width), [Float](repeating: -0.5, count: width))
            var (dxRef, dGainRef, dBiasRef) = (dx, dGain, dBias)
            ck_layernorm_forward_avx512(rows, width, x, gain, bias, epsilon, &y, &means, &rstds)
            ck_layernorm_backward_avx512(rows, width, dy, x, means, rstds, gain, &dx, &dGain, &dBias)
            var xhat = [Float](repeating: 0, count: width)
            for r in 0..<rows {
                x.withUnsafeBufferPointer { x in yRef.withUnsafeMutableBufferPointer { yRef in
                    (meansRef[r], rstdsRef[r]) = Kernels.layerNormRowStatistics(
                        x.baseAddress! + r * width, width: width, gain: gain, bias: bias, epsilon: epsilon,
                        into: yRef.baseAddress! + r * width)
                } }
                for j in 0..<width { xhat[j] = (x[r * width + j] - meansRef[r]) * rstdsRef[r] }
                dy.withUnsafeBufferPointer { dy in dxRef.withUnsafeMutableBufferPointer { dxRef in
                    Kernels.layerNormBackwardRow(dy.baseAddress! + r * width, xhat: xhat, rstd: rstdsRef[r], gain: gain,
                                                 width: width, dGain: &dGainRef, dBias: &dBiasRef,
                                                 into: dxRef.baseAddress! + r * width)
                } }
            }
            expectClose(y, yRef, tolerance: Tolerance.float32)
            expectClose(means, meansRef, tolerance: Tolerance.float32)
            expectClose(rstds, rstdsRef, tolerance: Tolerance.float32)
            expectClose(dx, dxRef, tolerance: Tolerance.float32)
            expectClose(dGain, dGainRef, tolerance: Tolerance.float32)
            expectClose(dBias, dBiasRef, tolerance: Tolerance.float32)
        }
    }
}
