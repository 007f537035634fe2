import Foundation
import Testing
@testable import TransformerCore

/// softmax and logSoftmax over the last axis.
@Suite struct SoftmaxTests {
    @Test func valuesByHand() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 0, 0, 0])
        expectClose(x.softmax(), Tensor(shape: [2, 3], scalars: [0.09003057, 0.24472847, 0.66524096,
                                                                 1.0 / 3, 1.0 / 3, 1.0 / 3]),
                    tolerance: Tolerance.exact)
        expectClose(x.logSoftmax(), Tensor(shape: [2, 3], scalars: [-2.4076059, -1.4076059, -0.40760595,
                                                                    -1.0986123, -1.0986123, -1.0986123]),
                    tolerance: Tolerance.exact)
    }

    @Test func rowsSumToOneAndLogMatches() {
        let x = randomTensor([2, 3, 5], seed: 61) * 4
        let y = x.softmax()
        #expect(y.shape == x.shape)
        let rowSums = y.sum(alongAxis: -1)
        expectClose(rowSums, Tensor.ones([2, 3]), tolerance: Tolerance.float32)
        #expect(y.scalars.allSatisfy { $0 > 0 && $0 < 1 })
        expectClose(x.logSoftmax(), y.log(), tolerance: Tolerance.float32)
    }

    @Test func shiftInvariantAndStableForLargeLogits() {
        let big = Tensor(shape: [1, 2], scalars: [1000, 1001])
        let small = Tensor(shape: [1, 2], scalars: [0, 1])
        #expect(big.softmax().scalars.allSatisfy { $0.isFinite })
        #expect(big.logSoftmax().scalars.allSatisfy { $0.isFinite })
        expectClose(big.softmax(), small.softmax(), tolerance: Tolerance.exact)
        expectClose(big.logSoftmax(), small.logSoftmax(), tolerance: Tolerance.float32)
        let veryNegative = Tensor(shape: [1, 2], scalars: [-1000, -1001])
        expectClose(veryNegative.softmax(), Tensor(shape: [1, 2], scalars: [0.7310586, 0.26894143]),
                    tolerance: Tolerance.exact)
    }

    @Test func maskedEntries() {
        let x = Tensor(shape: [2, 3], scalars: [0, -.infinity, 0, -.infinity, -.infinity, -.infinity])
        let y = x.softmax()
        // A partly masked row: masked keys get exactly 0. A fully masked row: zeros, not NaN.
        #expect(y.scalars == [0.5, 0, 0.5, 0, 0, 0])
        let logY = x.logSoftmax()
        #expect(abs(logY[0, 0] - Foundation.log(0.5)) <= Tolerance.exact)
        #expect(logY[0, 1] == -.infinity)
    }

    @Test func fullyMaskedRowHasZeroGradient() {
        let x = Tensor(shape: [2, 2], scalars: [1, 2, -.infinity, -.infinity], requiresGradient: true)
        weightedSum(x.softmax()).backward()
        let g = x.gradientScalars ?? []
        #expect(g.count == 4)
        #expect(g.allSatisfy { $0.isFinite })
        #expect(g[2] == 0 && g[3] == 0)
    }

    @Test func emptyRows() {
        // Rows of width 0 (e.g. no keys): empty results, and backward must not trap on a zero stride.
        let x = Tensor.zeros([2, 0], requiresGradient: true)
        #expect(x.softmax().shape == [2, 0] && x.logSoftmax().count == 0)
        (x.softmax().sum() + x.logSoftmax().sum()).backward()
        #expect(x.gradientScalars == [])
    }

    @Test func gradients() {
        let x = randomTensor([2, 3, 4], seed: 62) * 2
        expectGradientsMatch([x]) { weightedSum($0[0].softmax()) }
        expectGradientsMatch([x]) { weightedSum($0[0].logSoftmax()) }
        let row = randomTensor([5], seed: 63)
        expectGradientsMatch([row]) { weightedSum($0[0].softmax()) }
    }

    @Test func gradientThroughACausalMask() {
        // maskedFill(-inf) then softmax: masked positions get no gradient, others match finite differences.
        let scores = randomTensor([2, 3, 3], seed: 64)
        let causal = Tensor(shape: [1, 3, 3], scalars: [0, 1, 1, 0, 0, 1, 0, 0, 0])
        expectGradientsMatch([scores]) { weightedSum($0[0].maskedFill(where: causal, with: -.infinity).softmax()) }
    }
}
