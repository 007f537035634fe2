/// The learning rate as a function of the training step (counted from 1).
public enum LearningRateSchedule: Equatable, Sendable, Codable {
    /// The paper's schedule (§5.3), with an extra scale factor:
    ///
    ///     lr(step) = scale * d_model^-0.5 * min(step^-0.5, step * warmup^-1.5)
    ///
    /// It rises linearly for `warmup` steps, peaks at scale / sqrt(d_model * warmup), then decays as
    /// 1 / sqrt(step).
    case inverseSquareRoot(modelDimension: Int, warmupSteps: Int, scale: Float)
    /// A fixed rate.
    case constant(Float)

    /// The rate for `step` >= 1.
    public func rate(at step: Int) -> Float {
        switch self {
        case let .constant(rate):
            return rate
        case let .inverseSquareRoot(modelDimension, warmupSteps, scale):
            let s = Double(Swift.max(step, 1))
            let warmup = Double(Swift.max(warmupSteps, 1))
            let rate = Double(scale) / Double(modelDimension).squareRoot() * Swift.min(1 / s.squareRoot(), s / (warmup * warmup.squareRoot()))
            return Float(rate)
        }
    }
}
