import CKernels
import Foundation

/// Adam (Kingma & Ba 2015) with the paper's defaults beta1 = 0.9, beta2 = 0.98, eps = 1e-9 (§5.3):
///
///     m <- beta1 m + (1 - beta1) g
///     v <- beta2 v + (1 - beta2) g^2
///     theta <- theta - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
///
/// State (m, v) is kept per parameter, in the order of `parameters`; t counts steps taken.
public final class Adam: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    /// The number of steps taken (t).
    public private(set) var stepCount = 0
    /// First-moment estimates m, one array per parameter.
    public private(set) var firstMoments: [[Float]]
    /// Second-moment estimates v, one array per parameter.
    public private(set) var secondMoments: [[Float]]

    public init(parameters: [Tensor], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.98,
                epsilon: Float = 1e-9) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        firstMoments = parameters.map { [Float](repeating: 0, count: $0.count) }
        secondMoments = parameters.map { [Float](repeating: 0, count: $0.count) }
    }

    public func step() {
        stepCount += 1
        let correction1 = 1 - Float(pow(Double(beta1), Double(stepCount)))
        let correction2 = 1 - Float(pow(Double(beta2), Double(stepCount)))
        let (b1, b2, eps, lr) = (beta1, beta2, epsilon, learningRate)
        for (index, parameter) in parameters.enumerated() {
            guard let gradient = parameter.gradientScalars else { continue }
            firstMoments[index].withUnsafeMutableBufferPointer { m in
                secondMoments[index].withUnsafeMutableBufferPointer { v in
                    gradient.withUnsafeBufferPointer { g in
                        parameter.withMutableScalars { scalars in scalars.withUnsafeMutableBufferPointer { theta in
                            guard !theta.isEmpty else { return }
                            Adam.update(theta: theta.baseAddress!, m: m.baseAddress!, v: v.baseAddress!,
                                        g: g.baseAddress!, count: theta.count, beta1: b1, beta2: b2, epsilon: eps,
                                        learningRate: lr, correction1: correction1, correction2: correction2)
                        } }
                    }
                }
            }
        }
    }

    /// One Adam update of `count` parameters, in one pass over theta, m, v and g: 16 lanes at a time in C
    /// (`ck_adam_avx512`) on CPUs with AVX-512, else 8 lanes in Swift (the compiler cannot vectorize the
    /// plain loop, as it cannot rule out that the four buffers overlap).
    /// Each lane does the arithmetic of ``referenceUpdate`` in the same order, so the results are equal.
    static func update(theta: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>,
                       v: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, count: Int,
                       beta1 b1: Float, beta2 b2: Float, epsilon eps: Float, learningRate lr: Float,
                       correction1: Float, correction2: Float) {
        if Kernels.hasAVX512 {
            // Elementwise, so the split over threads cannot change a result.
            let threads = Swift.max(1, Swift.min(ComputeThreads.effective, count / parametersPerThread))
            guard threads > 1 else {
                ck_adam_avx512(count, theta, m, v, g, b1, b2, eps, lr, correction1, correction2)
                return
            }
            let buffers = AdamBuffers(theta: theta, m: m, v: v, g: g)
            // Chunks of 16-float blocks from a shared queue (a pool worker may join late or not at all).
            Kernels.forEachPairShare(pairs: (count + 15) / 16, threads: threads) { blocks in
                let start = blocks.lowerBound * 16, end = Swift.min(count, blocks.upperBound * 16)
                ck_adam_avx512(end - start, buffers.theta + start, buffers.m + start, buffers.v + start,
                               buffers.g + start, b1, b2, eps, lr, correction1, correction2)
            }
            return
        }
        typealias V = SIMD8<Float>
        func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        func store(_ x: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: x, as: V.self) }
        let (oneMinusB1, oneMinusB2) = (1 - b1, 1 - b2)
        var i = 0
        while i + 8 <= count {
            let gi = load(g + i)
            let mi = b1 * load(m + i) + oneMinusB1 * gi
            let vi = b2 * load(v + i) + oneMinusB2 * gi * gi
            store(mi, m + i)
            store(vi, v + i)
            let mHat = mi / correction1
            let vHat = vi / correction2
            store(load(theta + i) - lr * mHat / (vHat.squareRoot() + eps), theta + i)
            i += 8
        }
        referenceUpdate(theta: theta + i, m: m + i, v: v + i, g: g + i, count: count - i, beta1: b1, beta2: b2,
                        epsilon: eps, learningRate: lr, correction1: correction1, correction2: correction2)
    }

    /// Parameters of one tensor a thread must get before its update is split over threads (about 30 us
    /// of the AVX-512 loop; base's large matrices split, tiny's and small's do not).
    static let parametersPerThread = 1 << 16

    /// The four buffers of one update, handed to the workers (each writes its own range).
    struct AdamBuffers: @unchecked Sendable {
        let theta: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>
        let g: UnsafePointer<Float>
    }

    /// The plain loop of ``update``: its oracle and its tail.
    static func referenceUpdate(theta: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>,
                                v: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, count: Int,
                                beta1 b1: Float, beta2 b2: Float, epsilon eps: Float, learningRate lr: Float,
                                correction1: Float, correction2: Float) {
        let (oneMinusB1, oneMinusB2) = (1 - b1, 1 - b2)
        for i in 0..<count {
            m[i] = b1 * m[i] + oneMinusB1 * g[i]
            v[i] = b2 * v[i] + oneMinusB2 * g[i] * g[i]
            let mHat = m[i] / correction1
            let vHat = v[i] / correction2
            theta[i] -= lr * mHat / (vHat.squareRoot() + eps)
        }
    }

    /// Restores the state saved from an earlier run (for `--resume`): the step count and both moment
    /// estimates, one array per parameter in the order of `parameters`. Throws when a count differs.
    public func restore(stepCount: Int, firstMoments: [[Float]], secondMoments: [[Float]]) throws(OptimizerStateError) {
        guard stepCount >= 0 else { throw OptimizerStateError(message: "step count \(stepCount) is negative") }
        for (name, moments) in [("first", firstMoments), ("second", secondMoments)] {
            guard moments.count == parameters.count else {
                throw OptimizerStateError(message: "expected \(parameters.count) \(name)-moment arrays, found \(moments.count)")
            }
            for (index, (moment, parameter)) in zip(moments, parameters).enumerated() where moment.count != parameter.count {
                throw OptimizerStateError(message: "\(name) moment \(index) has \(moment.count) values, its parameter has \(parameter.count)")
            }
        }
        self.stepCount = stepCount
        self.firstMoments = firstMoments
        self.secondMoments = secondMoments
    }
}

/// Saved optimizer state that does not fit the parameters it is restored into.
public struct OptimizerStateError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { "optimizer state: \(message)" }
}
