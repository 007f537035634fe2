/// What one optimization step measured.
public struct StepResult: Sendable {
    /// The label-smoothed cross-entropy, averaged over the batch's non-padding target tokens.
    public let loss: Float
    /// The global gradient norm before clipping.
    public let gradientNorm: Float
    /// The learning rate the step used.
    public let learningRate: Float
    /// Non-padding target tokens in the batch.
    public let tokenCount: Int
}

/// A step whose loss or gradients are not finite: training has diverged.
public struct DivergenceError: Error, CustomStringConvertible {
    /// The step (counted from 1) that produced the non-finite value.
    public let step: Int
    public let loss: Float
    public let gradientNorm: Float
    /// True when the training steps stayed finite but the validation loss after `step` did not: the
    /// weights of that epoch were updated in memory but not saved.
    public var duringValidation = false

    public var description: String {
        duringValidation
            ? "training diverged at step \(step): validation loss \(loss); this epoch's weights were not saved"
            : "training diverged at step \(step): loss \(loss), gradient norm \(gradientNorm); the parameters were not updated"
    }
}

/// One optimization step on one batch, the unit of training, for any model and task:
///
///     zero gradients -> (loss, tokens) = loss() -> backward -> [synchronize] -> clip by global norm
///     -> optimizer step with lr(step)
///
/// `loss` runs the model's forward on the batch and returns the differentiable loss and the number of
/// targets it averages over (a ``TrainingTask``'s ``TrainingTask/loss(on:labelSmoothing:)``).
/// `synchronize`, in data-parallel training (``DataParallel/synchronizeGradients(_:loss:tokenCount:)``),
/// turns this process's gradients, loss and count into those of the global batch of all processes;
/// clipping then sees the global norm. Throws ``DivergenceError`` and leaves the parameters untouched
/// when the loss or a gradient is not finite.
public func trainingStep(optimizer: any Optimizer, step: Int, schedule: LearningRateSchedule,
                         maximumGradientNorm: Float?,
                         synchronize: ((_ parameters: [Tensor], _ loss: Float, _ tokenCount: Int) -> (loss: Float, tokenCount: Int))? = nil,
                         loss: () -> (loss: Tensor, tokenCount: Int)) throws(DivergenceError) -> StepResult {
    optimizer.zeroGradients()
    let (localLoss, localTokens) = loss()
    localLoss.backward()
    let (loss, tokens) = synchronize?(optimizer.parameters, localLoss.item, localTokens) ?? (localLoss.item, localTokens)
    let norm = clipGradientNorm(optimizer.parameters, maximumNorm: maximumGradientNorm ?? .infinity)
    guard loss.isFinite, norm.isFinite else {
        optimizer.zeroGradients()
        throw DivergenceError(step: step, loss: loss, gradientNorm: norm)
    }
    let rate = schedule.rate(at: step)
    optimizer.learningRate = rate
    optimizer.step()
    return StepResult(loss: loss, gradientNorm: norm, learningRate: rate, tokenCount: tokens)
}

/// ``trainingStep(optimizer:step:schedule:maximumGradientNorm:synchronize:loss:)`` for the encoder-decoder on one
/// padded batch: loss = CE(model(source, targetInput), targetOutput). Shapes: source `[B, S]`,
/// targetInput `[B, T]` (starting with the start token), targetOutput `B * T` labels (the target shifted
/// left, the model's padding id ignored).
public func trainingStep(model: Transformer, optimizer: any Optimizer, source: [[Int]], targetInput: [[Int]],
                         targetOutput: [Int], step: Int, schedule: LearningRateSchedule,
                         labelSmoothing: Float, maximumGradientNorm: Float?) throws(DivergenceError) -> StepResult {
    try trainingStep(optimizer: optimizer, step: step, schedule: schedule, maximumGradientNorm: maximumGradientNorm) {
        let logits = model(source: source, targetInput: targetInput)                   // [B, T, V]
        let padding = model.specialTokens.padding
        return (crossEntropy(logits: logits, targets: targetOutput, ignoreIndex: padding, labelSmoothing: labelSmoothing),
                targetOutput.lazy.filter { $0 != padding }.count)
    }
}
