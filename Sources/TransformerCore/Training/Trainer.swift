import Foundation

/// The training loop, for any ``TrainingTask``: epochs of the task's batches ->
/// ``trainingStep(optimizer:step:schedule:maximumGradientNorm:synchronize:loss:)``, logging, the task's validation
/// after each epoch, and checkpoints (`last.safetensors` every epoch, `best.safetensors` when the
/// validation loss improves).
///
/// Reproducibility: the batch order of epoch e depends only on (seed, e), and dropout draws from the
/// model's generator, whose state is saved in each checkpoint with the optimizer's moments and step, so
/// a run stopped and resumed ends with the same weights, bit for bit, as one that never stopped.
///
/// With a ``DataParallel`` of several ranks (`mpirun -np N transformer-cli train`), each rank trains on
/// its share of every batch and the gradients are synchronised in each step (`Trainer+DataParallel.swift`);
/// only rank 0 saves checkpoints.
public final class Trainer<Task: TrainingTask> {
    public let task: Task
    public let optimizer: Adam
    public let options: TrainingOptions
    public private(set) var state: TrainingState
    let generator: SeededGenerator
    let checkpointDirectory: URL
    let logger: TrainingLogger?
    let progress: ProgressReporter?
    let say: (String) -> Void
    let shouldStop: () -> Bool
    /// Extra `__metadata__` entries written into every checkpoint (e.g. the CLI's data options).
    let extraMetadata: [String: String]
    /// The ranks training together, or nil for one process.
    public let dataParallel: DataParallel?

    /// - Parameters:
    ///   - generator: the generator the model was built with (its dropout source); its state is saved.
    ///   - state: where to start (``TrainingState()`` for a new run, a checkpoint's for `--resume`).
    ///   - say: where epoch summaries and samples go (standard output in the CLI).
    ///   - shouldStop: polled after every step and after each epoch's checkpoints; true finishes the step,
    ///     saves `last.safetensors`, and returns with ``TrainingSummary/interrupted`` set (the CLI wires
    ///     it to SIGINT / SIGTERM).
    ///   - extraMetadata: more checkpoint metadata; keys must differ from ``TrainingRecord``'s and the
    ///     checkpoint format's.
    ///   - dataParallel: the ranks training together (every rank makes its own Trainer, with the same
    ///     task and options; give only rank 0 a logger and a progress reporter; only rank 0's `say` is
    ///     called); nil: one process.
    public init(task: Task, optimizer: Adam, options: TrainingOptions, state: TrainingState = TrainingState(),
                generator: SeededGenerator, checkpointDirectory: URL, logger: TrainingLogger?, progress: ProgressReporter?,
                say: @escaping (String) -> Void = { print($0) }, shouldStop: @escaping () -> Bool = { false },
                extraMetadata: [String: String] = [:], dataParallel: DataParallel? = nil) {
        self.task = task
        self.optimizer = optimizer
        self.options = options
        self.state = state
        self.generator = generator
        self.checkpointDirectory = checkpointDirectory
        self.logger = logger
        self.progress = progress
        self.say = dataParallel?.isRoot ?? true ? say : { _ in }   // one voice: rank 0's
        self.shouldStop = shouldStop
        self.extraMetadata = extraMetadata
        self.dataParallel = dataParallel
    }

    /// The model trained (the task's).
    public var model: Task.Model { task.model }

    public var lastCheckpoint: URL { checkpointDirectory.appendingPathComponent("last.safetensors") }
    public var bestCheckpoint: URL { checkpointDirectory.appendingPathComponent("best.safetensors") }

    /// Trains until `options.epochs` or `options.maximumSteps`, until `options.patience` epochs pass without
    /// a lower validation loss (``TrainingSummary/stoppedEarly``), or until `shouldStop()`.
    /// Throws ``DivergenceError`` (the last checkpoint on disk is the last good one), or the first
    /// checkpoint / logging error.
    public func run() throws -> TrainingSummary {
        var lastReport: (any ValidationResult)?
        model.setTraining(true)
        joinRanks()
        epochs: while state.completedEpochs < options.epochs, !reachedStepLimit {
            let epoch = state.completedEpochs
            let batches = try epochBatches(epoch)   // the whole batches, or this rank's shares of them
            progress?.beginEpoch(epoch + 1, of: options.epochs, stepCount: batches.count)
            var interval = (loss: 0.0, steps: 0, tokens: 0, started: ProgressReporter.monotonicSeconds())
            let epochStarted = ProgressReporter.monotonicSeconds()
            for batch in batches.dropFirst(state.batchesIntoEpoch) {
                if reachedStepLimit { break }
                dataParallel?.beginStep(state.step + 1, generator: generator, seed: options.seed)
                let result = try trainingStep(optimizer: optimizer, step: state.step + 1, schedule: options.schedule,
                                              maximumGradientNorm: options.maximumGradientNorm,
                                              synchronize: dataParallel?.synchronizeGradients) {
                    batch.map { task.loss(on: $0, labelSmoothing: options.labelSmoothing) } ?? DataParallel.emptyShareLoss()
                }
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
                if stopRequested() {
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
            if let patience = options.patience, let best = state.bestEpoch, state.completedEpochs - best >= patience,
               state.completedEpochs < options.epochs {
                say("early stop: no lower validation loss for \(patience) epochs (best at epoch \(best)); "
                    + "best.safetensors holds that epoch")
                try logger?.flush()
                return TrainingSummary(state: state, lastReport: lastReport, interrupted: false, stoppedEarly: true)
            }
            // A stop asked for during validation: the epoch's checkpoint is saved, nothing more to do.
            if stopRequested() && (state.completedEpochs < options.epochs && !reachedStepLimit) {
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
    func endOfEpoch() throws -> (any ValidationResult)? {
        let report = try task.validate(sampleCount: options.sampleCount)
        let validationLoss = report.map { dataParallel?.rootValue($0.loss) ?? $0.loss }   // all ranks decide alike
        if let r = report, let validationLoss {
            try logger?.log(r.scalars.map { ($0.tag, $0.value) }, step: state.step)
            say(r.summary)
            // Finite steps can still leave weights whose validation loss is NaN or infinite (e.g. a huge
            // learning rate): stop before such weights are saved, so the checkpoints on disk stay good.
            guard validationLoss.isFinite else {
                throw DivergenceError(step: state.step, loss: validationLoss, gradientNorm: .nan, duringValidation: true)
            }
            for line in r.sampleLines { say(line) }
        }
        let improved = validationLoss.map { loss in state.bestValidationLoss.map { loss < $0 } ?? true } ?? false
        if improved {
            state.bestValidationLoss = validationLoss
            state.bestEpoch = state.completedEpochs
        }
        try saveCheckpoint(to: lastCheckpoint)
        let savedBest = improved || report == nil
        if savedBest { try saveCheckpoint(to: bestCheckpoint) }
        say("saved \(lastCheckpoint.relativePath)" + (savedBest ? " and \(bestCheckpoint.lastPathComponent)" : ""))
        try logger?.flush()
        return report
    }

    /// Writes the model, the optimizer's moments, the task's metadata (tokenizers, ...), the options and the state.
    public func saveCheckpoint(to url: URL) throws {
        guard dataParallel?.isRoot ?? true else { return }   // one writer: rank 0
        state.generatorState = generator.currentState
        let record = TrainingRecord(tokenizers: nil, options: options, state: state, optimizerStep: optimizer.stepCount)
        let metadata = try record.metadata().merging(task.checkpointMetadata()) { recordValue, _ in recordValue }
            .merging([TrainingRecord.taskKey: Task.name]) { recordValue, _ in recordValue }
            .merging(extraMetadata) { recordValue, _ in recordValue }
        try Checkpoint.save(model: model, extraTensors: Checkpoint.optimizerTensors(optimizer, model: model),
                            metadata: metadata, to: url)
    }
}

/// How a run ended.
public struct TrainingSummary {
    public let state: TrainingState
    /// The last validation, if any ran.
    public let lastReport: (any ValidationResult)?
    /// True when `shouldStop` ended the run (the checkpoint was saved first).
    public let interrupted: Bool
    /// True when early stopping ended the run (``TrainingOptions/patience`` epochs without improvement).
    public var stoppedEarly = false

    public init(state: TrainingState, lastReport: (any ValidationResult)?, interrupted: Bool, stoppedEarly: Bool = false) {
        self.state = state
        self.lastReport = lastReport
        self.interrupted = interrupted
        self.stoppedEarly = stoppedEarly
    }
}

extension Trainer where Task == TranslationTask<Transformer> {
    /// A trainer of the encoder-decoder on translation pairs (a ``TranslationTask`` made from the arguments).
    public convenience init(model: Transformer, optimizer: Adam, tokenizers: TokenizerPair,
                            training: [Example], validation: [Example], options: TrainingOptions, state: TrainingState = TrainingState(),
                            generator: SeededGenerator, checkpointDirectory: URL, logger: TrainingLogger?, progress: ProgressReporter?,
                            say: @escaping (String) -> Void = { print($0) }, shouldStop: @escaping () -> Bool = { false },
                            extraMetadata: [String: String] = [:], dataParallel: DataParallel? = nil) {
        let task = TranslationTask(model: model, tokenizers: tokenizers,
                                   training: training, validation: validation, batchSize: options.batchSize,
                                   seed: options.seed, maximumDecodeLength: options.maximumDecodeLength)
        self.init(task: task, optimizer: optimizer, options: options, state: state, generator: generator,
                  checkpointDirectory: checkpointDirectory, logger: logger, progress: progress, say: say,
                  shouldStop: shouldStop, extraMetadata: extraMetadata, dataParallel: dataParallel)
    }

    /// The tokenizers of the translation task.
    public var tokenizers: TokenizerPair { task.tokenizers }
}
