/// A training run restored from one of its checkpoints, ready to continue (`--resume`).
///
/// ```swift
/// let generator = SeededGenerator(seed: 0)   // any seed: its state is overwritten
/// let loaded = try Checkpoint.load(from: url, generator: generator)
/// let resumed = try TrainingResume(checkpoint: loaded, generator: generator)
/// let trainer = Trainer(model: loaded.model, optimizer: resumed.optimizer, ..., options: resumed.options,
///                       state: resumed.state, generator: generator, ...)
/// ```
///
/// Continuing from here reproduces the run that never stopped, bit for bit: the weights come from the
/// checkpoint, Adam gets its moments and step count back (with the paper's betas and epsilon, as
/// ``Trainer`` runs use), the generator behind dropout its saved state, and the ``TrainingState`` says
/// which epoch and batch come next (the batch order depends only on the seed and the epoch).
public struct TrainingResume {
    public let record: TrainingRecord
    public let options: TrainingOptions
    public let state: TrainingState
    public let optimizer: Adam

    /// - Parameters:
    ///   - checkpoint: a checkpoint saved by ``Trainer``.
    ///   - generator: the generator `checkpoint` was loaded with (the model's dropout source); its state
    ///     is set to the saved one.
    /// - Throws: ``CheckpointError`` when the checkpoint lacks the training record, the options, the state
    ///   or the optimizer's moments, or when they do not fit the model.
    public init(checkpoint: LoadedCheckpoint, generator: SeededGenerator) throws(CheckpointError) {
        let record = try TrainingRecord(metadata: checkpoint.metadata, file: checkpoint.file)
        guard let options = record.options, let state = record.state else {
            throw CheckpointError(file: checkpoint.file, kind: .invalidMetadata,
                                  detail: "has no training options or state (a model saved for inference only?); it cannot be resumed")
        }
        guard let moments = try checkpoint.adamMoments() else {
            throw CheckpointError(file: checkpoint.file, kind: .missingTensor,
                                  detail: "has no optimizer moments (optimizer.m.*, optimizer.v.*); it cannot be resumed exactly")
        }
        let optimizer = Adam(parameters: checkpoint.model.parameters, learningRate: options.schedule.rate(at: state.step + 1),
                             beta1: 0.9, beta2: 0.98, epsilon: 1e-9)
        do {
            try optimizer.restore(stepCount: record.optimizerStep ?? state.step, firstMoments: moments.first,
                                  secondMoments: moments.second)
        } catch {
            throw CheckpointError(file: checkpoint.file, kind: .shapeMismatch, detail: "\(error)")
        }
        generator.currentState = state.generatorState
        self.record = record
        self.options = options
        self.state = state
        self.optimizer = optimizer
    }
}
