/// Everything about a training run except the model's shape (``TransformerConfiguration``) and the data.
public struct TrainingOptions: Codable, Equatable, Sendable {
    /// Passes over the training data; training stops at whichever of `epochs` / `maximumSteps` comes first.
    public var epochs: Int
    /// Optimizer steps in all; nil for no limit other than `epochs`.
    public var maximumSteps: Int?
    /// Sentences per batch (`batchTokens` nil) or the token budget per batch.
    public var batchSentences: Int
    /// Padded tokens per side per batch, overriding `batchSentences` when set.
    public var batchTokens: Int?
    public var schedule: LearningRateSchedule
    /// epsilon_ls of the loss (the paper uses 0.1).
    public var labelSmoothing: Float
    /// Clip gradients to this global norm; nil: no clipping.
    public var maximumGradientNorm: Float?
    /// Seeds the data split, the batch order of each epoch, and (through the model's generator) dropout.
    public var seed: UInt64
    /// Steps between logged training scalars (and plain progress lines).
    public var logInterval: Int
    /// Validation translations printed after each epoch.
    public var sampleCount: Int
    /// Longest output greedy decoding may produce during validation, in tokens.
    public var maximumDecodeLength: Int

    public init(epochs: Int = 10, maximumSteps: Int? = nil, batchSentences: Int = 64, batchTokens: Int? = nil,
                schedule: LearningRateSchedule = .inverseSquareRoot(modelDimension: 512, warmupSteps: 4000, scale: 1),
                labelSmoothing: Float = 0.1, maximumGradientNorm: Float? = 1, seed: UInt64 = 0, logInterval: Int = 50,
                sampleCount: Int = 3, maximumDecodeLength: Int = 64) {
        self.epochs = epochs
        self.maximumSteps = maximumSteps
        self.batchSentences = batchSentences
        self.batchTokens = batchTokens
        self.schedule = schedule
        self.labelSmoothing = labelSmoothing
        self.maximumGradientNorm = maximumGradientNorm
        self.seed = seed
        self.logInterval = logInterval
        self.sampleCount = sampleCount
        self.maximumDecodeLength = maximumDecodeLength
    }

    /// The batch size for ``BatchPlanner``.
    public var batchSize: BatchPlanner.Size {
        batchTokens.map { .tokens($0) } ?? .sentences(batchSentences)
    }
}

/// Where a run is: enough to continue it exactly after a stop (`--resume`).
public struct TrainingState: Codable, Equatable, Sendable {
    /// Epochs finished.
    public var completedEpochs = 0
    /// Batches of the current (unfinished) epoch already trained on; 0 at an epoch boundary.
    public var batchesIntoEpoch = 0
    /// Optimizer steps taken.
    public var step = 0
    /// The lowest validation loss seen, for `best.safetensors`.
    public var bestValidationLoss: Float?
    /// The state of the generator behind dropout, when this state was saved.
    public var generatorState: UInt64 = 0
    /// Wall-clock seconds spent training so far, across resumptions.
    public var trainingSeconds: Double = 0
    /// Non-padding target tokens trained on so far (for tokens per second).
    public var targetTokens = 0

    public init() {}
}
