import Foundation

/// The training loop: epochs of batches -> ``trainingStep(model:optimizer:source:targetInput:targetOutput:step:schedule:labelSmoothing:maximumGradientNorm:)``,
/// logging, validation after each epoch, and checkpoints (`last.safetensors` every epoch, `best.safetensors`
/// when the validation loss improves).
///
/// Reproducibility: the batch order of epoch e depends only on (seed, e), and dropout draws from the
/// model's generator, whose state is saved in each checkpoint with the optimizer's moments and step, so
/// a run stopped and resumed ends with the same weights, bit for bit, as one that never stopped.
public final class Trainer {
    public let model: Transformer
    public let optimizer: Adam
    public let tokenizers: (source: Tokenizer, target: Tokenizer)
    public let options: TrainingOptions
    public private(set) var state: TrainingState
    let training: [Example]
    let validation: [Example]
    let generator: SeededGenerator
    let checkpointDirectory: URL
    let logger: TrainingLogger?
    let progress: ProgressReporter?
    let say: (String) -> Void
    let shouldStop: () -> Bool
    /// Extra `__metadata__` entries written into every checkpoint (e.g. the CLI's data options).
    let extraMetadata: [String: String]

    /// - Parameters:
    ///   - generator: the generator the model was built with (its dropout source); its state is saved.
    ///   - state: where to start (``TrainingState()`` for a new run, a checkpoint's for `--resume`).
    ///   - say: where epoch summaries and samples go (standard output in the CLI).
    ///   - shouldStop: polled after every step and after each epoch's checkpoints; true finishes the step,
    ///     saves `last.safetensors`, and returns with ``TrainingSummary/interrupted`` set (the CLI wires
    ///     it to SIGINT / SIGTERM).
    ///   - extraMetadata: more checkpoint metadata; keys must differ from ``TrainingRecord``'s and the
    ///     checkpoint format's.
    public init(model: Transformer, optimizer: Adam, tokenizers: (source: Tokenizer, target: Tokenizer),
                training: [Example], validation: [Example], options: TrainingOptions, state: TrainingState = TrainingState(),
                generator: SeededGenerator, checkpointDirectory: URL, logger: TrainingLogger?, progress: ProgressReporter?,
                say: @escaping (String) -> Void = { print($0) }, shouldStop: @escaping () -> Bool = { false },
                extraMetadata: [String: String] = [:]) {
        self.model = model
        self.optimizer = optimizer
        self.tokenizers = tokenizers
        self.training = training
        self.validation = validation
        self.options = options
        self.state = state
        self.generator = generator
        self.checkpointDirectory = checkpointDirectory
        self.logger = logger
        self.progress = progress
        self.say = say
        self.shouldStop = shouldStop
        self.extraMetadata = extraMetadata
    }

    public var lastCheckpoint: URL { checkpointDirectory.appendingPathComponent("last.safetensors") }
    public var bestCheckpoint: URL { checkpointDirectory.appendingPathComponent("best.safetensors") }

    /// Trains until `options.epochs` or `options.maximumSteps`, or until `shouldStop()`.
    /// Throws ``DivergenceError`` (the last checkpoint on disk is the last good one), or the first
    /// checkpoint / logging error.
    public func run() throws -> TrainingSummary {
        let planner = BatchPlanner(examples: training, size: options.batchSize, seed: options.seed)
        var lastReport: ValidationReport?
        model.setTraining(true)
        epochs: while state.completedEpochs < options.epochs, !reachedStepLimit {
            let epoch = state.completedEpochs
            let batches = planner.batches(of: training, epoch: epoch, specialTokens: model.specialTokens)
            progress?.beginEpoch(epoch + 1, of: options.epochs, stepCount: batches.count)
            var interval = (loss: 0.0, steps: 0, tokens: 0, started: ProgressReporter.monotonicSeconds())
            let epochStarted = ProgressReporter.monotonicSeconds()
            for batch in batches.dropFirst(state.batchesIntoEpoch) {
                if reachedStepLimit { break }
                let result = try trainingStep(model: model, optimizer: optimizer, source: batch.source,
                                              targetInput: batch.targetInput, targetOutput: batch.targetOutput,
                                              step: state.step + 1, schedule: options.schedule,
                                              labelSmoothing: options.labelSmoothing,
                                              maximumGradientNorm: options.maximumGradientNorm)
                state.step += 1
                state.batchesIntoEpoch += 1
                state.targetTokens += result.tokenCount
                progress?.update(step: state.batchesIntoEpoch, loss: result.loss, tokens: result.tokenCount)
                interval.loss += Double(result.loss)
                interval.steps += 1
                interval.tokens += result.tokenCount
                if state.step % options.logInterval == 0 {
                    let now = ProgressReporter.monotonicSeconds()
                    try logger?.log([("train/loss", Float(interval.loss / Double(interval.steps))),
                                     ("train/lr", result.learningRate), ("train/grad_norm", result.gradientNorm),
                                     ("train/tokens_per_s", Float(Double(interval.tokens) / max(now - interval.started, 1e-9)))],
                                    step: state.step)
                    interval = (0, 0, 0, now)
                }
                if shouldStop() {
                    state.trainingSeconds += ProgressReporter.monotonicSeconds() - epochStarted
                    progress?.endEpoch(extra: "interrupted")
                    try saveCheckpoint(to: lastCheckpoint)
                    try logger?.flush()
                    return TrainingSummary(state: state, lastReport: lastReport, interrupted: true)
                }
            }
            state.trainingSeconds += ProgressReporter.monotonicSeconds() - epochStarted
            progress?.endEpoch()
            if state.batchesIntoEpoch < batches.count { break epochs }   // the step limit ended it mid-epoch
            state.completedEpochs += 1
            state.batchesIntoEpoch = 0
            lastReport = try endOfEpoch()
            // A stop asked for during validation: the epoch's checkpoint is saved, nothing more to do.
            if shouldStop() && (state.completedEpochs < options.epochs && !reachedStepLimit) {
                return TrainingSummary(state: state, lastReport: lastReport, interrupted: true)
            }
        }
        if state.batchesIntoEpoch > 0 {   // stopped by --steps inside an epoch: validate and save once more
            lastReport = try endOfEpoch()
        }
        try logger?.flush()
        return TrainingSummary(state: state, lastReport: lastReport, interrupted: false)
    }

    var reachedStepLimit: Bool { options.maximumSteps.map { state.step >= $0 } ?? false }

    /// Validation, logging, samples and checkpoints after an epoch (or at the step limit).
    func endOfEpoch() throws -> ValidationReport? {
        var report: ValidationReport?
        if !validation.isEmpty {
            let r = try validate(model: model, examples: validation, tokenizers: tokenizers, batchSize: options.batchSize,
                                 maximumDecodeLength: options.maximumDecodeLength, sampleCount: options.sampleCount)
            report = r
            try logger?.log([("val/loss", r.loss), ("val/token_accuracy", Float(r.tokenAccuracy)),
                             ("val/exact_match", Float(r.exactMatch)), ("val/cer", Float(r.characterErrorRate))],
                            step: state.step)
            say(String(format: "validation: loss %.4f  token accuracy %.2f%%  exact match %.2f%%  CER %.2f%%",
                       r.loss, 100 * r.tokenAccuracy, 100 * r.exactMatch, 100 * r.characterErrorRate))
            // Finite steps can still leave weights whose validation loss is NaN or infinite (e.g. a huge
            // learning rate): stop before such weights are saved, so the checkpoints on disk stay good.
            guard r.loss.isFinite else {
                throw DivergenceError(step: state.step, loss: r.loss, gradientNorm: .nan, duringValidation: true)
            }
            for sample in r.samples {
                say("  \(sample.source) -> \(sample.output)\(sample.output == sample.reference ? "" : "  (expected \(sample.reference))")")
            }
        }
        let improved = report.map { r in state.bestValidationLoss.map { r.loss < $0 } ?? true } ?? false
        if improved { state.bestValidationLoss = report!.loss }
        try saveCheckpoint(to: lastCheckpoint)
        let savedBest = improved || validation.isEmpty
        if savedBest { try saveCheckpoint(to: bestCheckpoint) }
        say("saved \(lastCheckpoint.relativePath)" + (savedBest ? " and \(bestCheckpoint.lastPathComponent)" : ""))
        try logger?.flush()
        return report
    }

    /// Writes the model, the optimizer's moments, the tokenizers, the options and the state.
    public func saveCheckpoint(to url: URL) throws {
        state.generatorState = generator.currentState
        let record = TrainingRecord(tokenizers: TokenizerPair(source: tokenizers.source, target: tokenizers.target),
                                    options: options, state: state, optimizerStep: optimizer.stepCount)
        let metadata = try record.metadata().merging(extraMetadata) { recordValue, _ in recordValue }
        try Checkpoint.save(model: model, extraTensors: Checkpoint.optimizerTensors(optimizer, model: model),
                            metadata: metadata, to: url)
    }
}

/// How a run ended.
public struct TrainingSummary: Sendable {
    public let state: TrainingState
    /// The last validation, if any ran.
    public let lastReport: ValidationReport?
    /// True when `shouldStop` ended the run (the checkpoint was saved first).
    public let interrupted: Bool
}
