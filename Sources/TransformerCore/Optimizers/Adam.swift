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
        let backend = KernelBackend.current
        for (index, parameter) in parameters.enumerated() {
            guard let gradient = parameter.gradientScalars else { continue }
            firstMoments[index].withUnsafeMutableBufferPointer { m in
                secondMoments[index].withUnsafeMutableBufferPointer { v in
                    gradient.withUnsafeBufferPointer { g in
                        parameter.withMutableScalars { scalars in scalars.withUnsafeMutableBufferPointer { theta in
                            guard !theta.isEmpty else { return }
                            Kernels.adamUpdate(theta: theta.baseAddress!, m: m.baseAddress!, v: v.baseAddress!,
                                               g: g.baseAddress!, count: theta.count, beta1: b1, beta2: b2, epsilon: eps,
                                               learningRate: lr, correction1: correction1, correction2: correction2,
                                               backend: backend)
                        } }
                    }
                }
            }
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
