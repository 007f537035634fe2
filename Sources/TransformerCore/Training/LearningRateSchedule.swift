import Foundation

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
    /// Linear warm-up to `peak`, then a half cosine down to 0 at `totalSteps` (Loshchilov & Hutter 2017,
    /// without restarts; the schedule ViT and most image models train with):
    ///
    ///     lr(step) = peak * step / warmup                                              step <= warmup
    ///     lr(step) = peak * (1 + cos(pi * (step - warmup) / (total - warmup))) / 2      warmup < step <= total
    ///     lr(step) = 0                                                                 step > total
    case cosine(peak: Float, warmupSteps: Int, totalSteps: Int)

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
        case let .cosine(peak, warmupSteps, totalSteps):
            let warmup = Swift.max(warmupSteps, 1)
            if step <= warmup { return peak * Float(Swift.max(step, 1)) / Float(warmup) }
            guard step <= totalSteps, totalSteps > warmup else { return 0 }
            let progress = Double(step - warmup) / Double(totalSteps - warmup)
            return Float(Double(peak) * (1 + cos(Double.pi * progress)) / 2)
        }
    }
}
