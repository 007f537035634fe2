import Foundation
import Testing
@testable import TransformerCore

/// Elementwise functions: exp, log, sqrt, tanh, sigmoid, relu, gelu.
@Suite struct MathTests {
    @Test func forwardValues() {
        let x = Tensor(shape: [4], scalars: [-2, -0.5, 0, 1])
        expectClose(x.exp(), Tensor(shape: [4], scalars: [0.13533528, 0.60653066, 1, 2.7182817]),
                    tolerance: Tolerance.exact)
        expectClose(x.tanh(), Tensor(shape: [4], scalars: [-0.9640276, -0.46211716, 0, 0.7615942]),
                    tolerance: Tolerance.exact)
        expectClose(x.relu(), Tensor(shape: [4], scalars: [0, 0, 0, 1]), tolerance: Tolerance.exact)

        let positive = Tensor(shape: [2, 2], scalars: [1, 4, 0.25, 2.7182817])
        expectClose(positive.log(), Tensor(shape: [2, 2], scalars: [0, 1.3862944, -1.3862944, 1]),
                    tolerance: Tolerance.exact)
        expectClose(positive.sqrt(), Tensor(shape: [2, 2], scalars: [1, 2, 0.5, 1.6487213]),
                    tolerance: Tolerance.exact)
    }

    @Test func geluIsTheExactErfForm() {
        // x * Phi(x); the tanh approximation would give gelu(1) = 0.841192.
        let x = Tensor(shape: [5], scalars: [-3, -1, 0, 1, 2])
        expectClose(x.gelu(), Tensor(shape: [5], scalars: [-0.004049669, -0.15865526, 0, 0.8413447, 1.9544997]),
                    tolerance: Tolerance.exact)
    }

    @Test func gradients() {
        let x = randomTensor([2, 5], seed: 11)
        // Away from 0, where relu has a kink and log/sqrt are undefined.
        let positive = Tensor(shape: [2, 5], scalars: x.scalars.map { abs($0) + 0.3 })
        let awayFromZero = Tensor(shape: [2, 5], scalars: x.scalars.map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 })
        expectGradientsMatch([x]) { weightedSum($0[0].exp()) }
        expectGradientsMatch([positive]) { weightedSum($0[0].log()) }
        expectGradientsMatch([positive]) { weightedSum($0[0].sqrt()) }
        expectGradientsMatch([(x * 2).detached()]) { weightedSum($0[0].tanh()) }
        expectGradientsMatch([awayFromZero]) { weightedSum($0[0].relu()) }
        expectGradientsMatch([(x * 3).detached()]) { weightedSum($0[0].gelu()) }
        expectGradientsMatch([(x * 3).detached()]) { weightedSum($0[0].sigmoid()) }
        expectGradientsMatch([x]) { weightedSum(1 - $0[0]) }   // s - x, the gates' 1 - z
    }

    @Test func sigmoidValuesAndSaturation() {
        let x = Tensor(shape: [5], scalars: [-2, 0, 1, -200, 200])
        // 1 / (1 + e^2), 1/2, 1 / (1 + e^-1); far out it saturates to 0 and 1 without NaN or overflow.
        expectClose(x.sigmoid(), Tensor(shape: [5], scalars: [0.11920292, 0.5, 0.7310586, 0, 1]),
                    tolerance: Tolerance.exact)
    }

    @Test func reluGradientIsTheStepFunction() {
        let x = Tensor(shape: [4], scalars: [-1, -0.5, 0.5, 2], requiresGradient: true)
        x.relu().sum().backward()
        #expect(x.gradientScalars == [0, 0, 1, 1])
    }
}
