/// Stochastic gradient descent with optional momentum:
///
///     v <- mu v + g;   theta <- theta - lr v      (mu = 0: theta <- theta - lr g)
public final class SGD: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let momentum: Float
    /// Velocity per parameter, same order as `parameters`.
    private var velocities: [[Float]]

    public init(parameters: [Tensor], learningRate: Float, momentum: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        velocities = parameters.map { [Float](repeating: 0, count: $0.count) }
    }

    public func step() {
        for (index, parameter) in parameters.enumerated() {
            guard let gradient = parameter.gradientScalars else { continue }
            let (lr, mu) = (learningRate, momentum)
            velocities[index].withUnsafeMutableBufferPointer { v in
                parameter.withMutableScalars { scalars in scalars.withUnsafeMutableBufferPointer { theta in
                    for i in 0..<theta.count {
                        v[i] = mu * v[i] + gradient[i]
                        theta[i] -= lr * v[i]
                    }
                } }
            }
        }
    }
}
