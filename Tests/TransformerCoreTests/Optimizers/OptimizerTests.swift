import Foundation
import Testing
@testable import TransformerCore

@Suite struct OptimizerTests {
    /// Sets a leaf's gradient as if backward() had produced it.
    static func setGradient(_ tensor: Tensor, _ gradient: [Float]) {
        tensor.zeroGradient()
        tensor.accumulateGradient(gradient)
    }

    @Test func sgdStepsAgainstTheGradient() {
        let w = Tensor(shape: [2], scalars: [1, -2], requiresGradient: true)
        let sgd = SGD(parameters: [w], learningRate: 0.1)
        Self.setGradient(w, [0.5, -1])
        sgd.step()
        expectClose(w.scalars, [0.95, -1.9], tolerance: Tolerance.exact)
    }

    @Test func sgdMomentumAccumulatesVelocity() {
        let w = Tensor(shape: [1], scalars: [0], requiresGradient: true)
        let sgd = SGD(parameters: [w], learningRate: 1, momentum: 0.9)
        Self.setGradient(w, [1]); sgd.step()   // v = 1, w = -1
        Self.setGradient(w, [1]); sgd.step()   // v = 1.9, w = -2.9
        expectClose(w.scalars, [-2.9], tolerance: Tolerance.exact)
    }

    @Test func adamUsesThePapersDefaultsAndMatchesTheUpdateRule() {
        let w = Tensor(shape: [3], scalars: [1, 2, 3], requiresGradient: true)
        let adam = Adam(parameters: [w], learningRate: 0.01)
        #expect(adam.beta1 == 0.9 && adam.beta2 == 0.98 && adam.epsilon == 1e-9)
        var expected: [Double] = [1, 2, 3], m = [0.0, 0, 0], v = [0.0, 0, 0]
        let gradients: [[Float]] = [[0.1, -0.2, 3], [0.3, 0.1, -1]]
        for (t, g) in gradients.enumerated() {
            Self.setGradient(w, g)
            adam.step()
            for i in 0..<3 {
                m[i] = 0.9 * m[i] + 0.1 * Double(g[i])
                v[i] = 0.98 * v[i] + 0.02 * Double(g[i]) * Double(g[i])
                let mHat = m[i] / (1 - pow(0.9, Double(t + 1))), vHat = v[i] / (1 - pow(0.98, Double(t + 1)))
                expected[i] -= 0.01 * mHat / (vHat.squareRoot() + 1e-9)
            }
        }
        expectClose(w.scalars, expected.map { Float($0) }, tolerance: Tolerance.float32)
        #expect(adam.stepCount == 2)
    }

    @Test func adamKeepsStatePerParameterAndSkipsParametersWithoutGradients() {
        let a = Tensor(shape: [1], scalars: [0], requiresGradient: true)
        let b = Tensor(shape: [2], scalars: [5, 5], requiresGradient: true)
        let adam = Adam(parameters: [a, b], learningRate: 0.1)
        Self.setGradient(a, [1])
        adam.step()
        #expect(b.scalars == [5, 5])
        #expect(adam.firstMoments[1] == [0, 0])
        #expect(abs(a.scalars[0] + 0.1) <= Tolerance.float32)   // first Adam step moves by lr * sign(g)
        adam.zeroGradients()
        #expect(a.gradientScalars == nil)
    }

    /// Every kernel backend this CPU runs (16 lanes in C, 8 in C, 8 in Swift) gives the plain loop's
    /// result bit for bit.
    @Test func vectorizedAdamUpdateEqualsThePlainLoopBitForBit() {
        for count in [1, 7, 8, 9, 16, 23, 31, 32, 33, 100] {   // 8- and 16-lane steps and tails
            let g = randomTensor([count], seed: 50 + UInt64(count)).scalars
            var results: [[Float]] = []
            for path in [nil] + KernelBackend.supported.map(Optional.some) {
                var theta = randomTensor([count], seed: 60).scalars
                var m = randomTensor([count], seed: 61).scalars.map { $0 * 0.1 }
                var v = randomTensor([count], seed: 62).scalars.map { $0 * $0 * 0.01 }
                for _ in 0..<3 {
                    theta.withUnsafeMutableBufferPointer { t in m.withUnsafeMutableBufferPointer { m in
                        v.withUnsafeMutableBufferPointer { v in g.withUnsafeBufferPointer { g in
                            if let backend = path {
                                Kernels.adamUpdate(theta: t.baseAddress!, m: m.baseAddress!, v: v.baseAddress!,
                                                   g: g.baseAddress!, count: count, beta1: 0.9, beta2: 0.98,
                                                   epsilon: 1e-9, learningRate: 1e-3, correction1: 0.19,
                                                   correction2: 0.0396, backend: backend)
                            } else {
                                Kernels.referenceAdamUpdate(theta: t.baseAddress!, m: m.baseAddress!, v: v.baseAddress!,
                                                            g: g.baseAddress!, count: count, beta1: 0.9, beta2: 0.98,
                                                            epsilon: 1e-9, learningRate: 1e-3, correction1: 0.19,
                                                            correction2: 0.0396)
                            }
                        } }
                    } }
                }
                results.append(theta + m + v)
            }
            for result in results.dropFirst() {
                #expect(result.map(\.bitPattern) == results[0].map(\.bitPattern), "count \(count)")
            }
        }
    }

    /// A tensor large enough to be split over two threads gives the plain loop's result bit for bit.
    @Test func threadedAdamUpdateEqualsThePlainLoopBitForBit() {
        let count = 2 * Kernels.adamParametersPerThread + 5
        let g = randomTensor([count], seed: 70).scalars
        var results: [[Float]] = []
        for threaded in [false, true] {
            let backend = KernelBackend.current
            var theta = randomTensor([count], seed: 71).scalars
            var m = [Float](repeating: 0.01, count: count), v = [Float](repeating: 1e-4, count: count)
            theta.withUnsafeMutableBufferPointer { t in m.withUnsafeMutableBufferPointer { m in
                v.withUnsafeMutableBufferPointer { v in g.withUnsafeBufferPointer { g in
                    if threaded {
                        ComputeThreads.$limit.withValue(2) {
                            Kernels.adamUpdate(theta: t.baseAddress!, m: m.baseAddress!, v: v.baseAddress!,
                                               g: g.baseAddress!, count: count, beta1: 0.9, beta2: 0.98, epsilon: 1e-9,
                                               learningRate: 1e-3, correction1: 0.1, correction2: 0.02, backend: backend)
                        }
                    } else {
                        Kernels.referenceAdamUpdate(theta: t.baseAddress!, m: m.baseAddress!, v: v.baseAddress!,
                                                    g: g.baseAddress!, count: count, beta1: 0.9, beta2: 0.98,
                                                    epsilon: 1e-9, learningRate: 1e-3, correction1: 0.1,
                                                    correction2: 0.02)
                    }
                } }
            } }
            results.append(theta + m + v)
        }
        #expect(results[0].map(\.bitPattern) == results[1].map(\.bitPattern))
    }
}
