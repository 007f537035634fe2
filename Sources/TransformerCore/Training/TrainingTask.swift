import Foundation

/// What the ``Trainer`` trains: a model and its data, seen as "a batch in, a loss and a token count out",
/// with its own validation metrics. The trainer knows nothing about translation pairs, labels or text
/// windows; each task does.
///
/// The tasks of the package: ``TranslationTask`` (encoder-decoder on pairs), ``ClassificationTask``
/// (encoder classifier on labelled texts), ``LanguageModelTask`` (decoder-only model on a text).
public protocol TrainingTask: AnyObject {
    associatedtype Model: TransformerModel
    associatedtype Batch

    /// The model trained; its ``Layer/parameters`` are the optimizer's.
    var model: Model { get }
    /// The task's name as stored in checkpoints (`task` metadata): `translate`, `classify`, `lm`.
    static var name: String { get }
    /// Epoch `epoch`'s batches in training order; they depend only on the task's seed and `epoch`, so a
    /// resumed run sees the same batches.
    func batches(epoch: Int) -> [Batch]
    /// Data parallelism (``DataParallel``): rank `rank`'s shares of epoch `epoch`'s batches when `ranks`
    /// processes train together. For each batch of ``batches(epoch:)``, in order, the batch of its members
    /// rank, rank + ranks, ... (``DataParallel/share(of:rank:ranks:)``), nil where that share is empty.
    /// Returns nil when the task cannot split its batches (the default, in `TrainingTask+Shares.swift`).
    func batches(epoch: Int, rank: Int, of ranks: Int) -> [Batch?]?
    /// The differentiable training loss of `batch` (label-smoothed where the task has labels) and the
    /// number of targets it averages over.
    func loss(on batch: Batch, labelSmoothing: Float) -> (loss: Tensor, tokenCount: Int)
    /// Validation after an epoch (evaluation mode, no gradients), or nil without validation data.
    func validate(sampleCount: Int) throws -> (any ValidationResult)?
    /// Metadata the task stores in each checkpoint (its tokenizers, labels, ...), besides the trainer's.
    func checkpointMetadata() throws -> [String: String]
}

/// What a task's validation measured.
public protocol ValidationResult {
    /// The validation loss (nats per target, no label smoothing): `best.safetensors` follows it.
    var loss: Float { get }
    /// The scalars logged after each epoch, e.g. `("val/loss", 0.31)`.
    var scalars: [(tag: String, value: Float)] { get }
    /// One line printed after each epoch ("validation: loss 0.3100  accuracy 91.20%").
    var summary: String { get }
    /// Sample outputs printed under the summary.
    var sampleLines: [String] { get }
    /// The task's headline quality number (exact match, accuracy, perplexity), e.g. for head importance.
    var metric: TaskMetric { get }
}

/// One named quality number and which way is better.
public struct TaskMetric: Equatable, Sendable {
    /// "exact match", "accuracy", "perplexity".
    public let name: String
    public let value: Double
    /// Accuracy-like metrics are better higher; perplexity is better lower.
    public let higherIsBetter: Bool

    public init(name: String, value: Double, higherIsBetter: Bool) {
        self.name = name
        self.value = value
        self.higherIsBetter = higherIsBetter
    }
}
