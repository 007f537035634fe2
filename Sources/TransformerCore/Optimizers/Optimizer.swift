/// Updates parameters in place from their accumulated gradients.
public protocol Optimizer: AnyObject {
    /// The parameters being optimized, in a fixed order (the model's ``Layer/parameters``).
    var parameters: [Tensor] { get }
    /// The step size used by the next ``step()``; schedules set it before each step.
    var learningRate: Float { get set }
    /// Applies one update using the current gradients. Parameters without a gradient are skipped.
    func step()
}

extension Optimizer {
    /// Clears every parameter's gradient (call before each backward pass).
    public func zeroGradients() {
        for parameter in parameters { parameter.zeroGradient() }
    }
}
