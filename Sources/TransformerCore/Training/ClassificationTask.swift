/// One labelled text as ids: the tokenizer's ids (no special tokens) and the class index.
public struct LabeledExample: Equatable, Sendable {
    public var ids: [Int]
    public var label: Int

    public init(ids: [Int], label: Int) {
        self.ids = ids
        self.label = label
    }
}

/// A padded batch of labelled texts: ids `[B, S]` right-padded with the padding id, labels `[B]`.
public struct ClassificationBatch: Sendable {
    public let ids: [[Int]]
    public let labels: [Int]

    public init(examples: [LabeledExample], specialTokens: SpecialTokens) {
        let length = max(1, examples.map(\.ids.count).max() ?? 1)
        ids = examples.map { $0.ids + [Int](repeating: specialTokens.padding, count: length - $0.ids.count) }
        labels = examples.map(\.label)
    }
}

/// Text classification with the ``EncoderClassifier``: length-grouped batches of texts, cross-entropy
/// over the classes, validation by loss, accuracy and macro-F1.
public final class ClassificationTask: TrainingTask {
    public static let name = "classify"
    /// Checkpoint metadata keys of the task.
    public static let tokenizerKey = "tokenizer", labelsKey = "labels"

    public let model: EncoderClassifier
    public let tokenizer: AnyTokenizer
    /// The class names; class k is `labels[k]`.
    public let labels: [String]
    public let training: [LabeledExample]
    public let validation: [LabeledExample]
    public let batchSize: BatchPlanner.Size
    let planner: BatchPlanner

    public init(model: EncoderClassifier, tokenizer: some AnyTokenizerConvertible, labels: [String], training: [LabeledExample],
                validation: [LabeledExample], batchSize: BatchPlanner.Size, seed: UInt64) {
        self.model = model
        self.tokenizer = tokenizer.anyTokenizer
        self.labels = labels
        self.training = training
        self.validation = validation
        self.batchSize = batchSize
        planner = BatchPlanner(lengths: training.map { ($0.ids.count, 1) }, size: batchSize, seed: seed)
    }

    public func batches(epoch: Int) -> [ClassificationBatch] {
        planner.plan(epoch: epoch).map { ClassificationBatch(examples: $0.map { training[$0] }, specialTokens: model.specialTokens) }
    }

    /// CE(model(ids), labels): one target per text.
    public func loss(on batch: ClassificationBatch, labelSmoothing: Float) -> (loss: Tensor, tokenCount: Int) {
        (crossEntropy(logits: model(batch.ids), targets: batch.labels, ignoreIndex: nil, labelSmoothing: labelSmoothing),
         batch.labels.count)
    }

    public func validate(sampleCount: Int) throws -> (any ValidationResult)? {
        guard !validation.isEmpty else { return nil }
        return Self.evaluate(model: model, examples: validation, batchSize: batchSize)
    }

    public func checkpointMetadata() throws -> [String: String] {
        [Self.tokenizerKey: sortedJSON(tokenizer), Self.labelsKey: sortedJSON(labels)]
    }

    /// Loss, predictions and metrics of `model` on `examples`, in evaluation mode without gradients.
    public static func evaluate(model: EncoderClassifier, examples: [LabeledExample],
                                batchSize: BatchPlanner.Size) -> ClassificationReport {
        model.inferring {
            var lossSum: Double = 0
            var predictions = [Int](repeating: 0, count: examples.count)
            let planner = BatchPlanner(lengths: examples.map { ($0.ids.count, 1) }, size: batchSize, seed: 0)
            let k = model.configuration.classCount
            for members in planner.plan(epoch: 0) {
                let batch = ClassificationBatch(examples: members.map { examples[$0] }, specialTokens: model.specialTokens)
                let logits = model(batch.ids)                                                      // [B, K]
                lossSum += Double(crossEntropy(logits: logits, targets: batch.labels, ignoreIndex: nil).item) * Double(members.count)
                let z = logits.scalars
                for (row, index) in members.enumerated() {
                    predictions[index] = (0..<k).max { z[row * k + $0] < z[row * k + $1] || (z[row * k + $0] == z[row * k + $1] && $0 > $1) }!
                }
            }
            let metrics = ClassificationMetrics(predictions: predictions, labels: examples.map(\.label), classCount: k)
            return ClassificationReport(loss: Float(lossSum / Double(max(1, examples.count))), predictions: predictions, metrics: metrics)
        }
    }
}

/// What a classifier's validation or evaluation measured.
public struct ClassificationReport: ValidationResult, Sendable {
    /// Mean cross-entropy per text (no label smoothing), nats.
    public let loss: Float
    /// The predicted class of each example, in order.
    public let predictions: [Int]
    public let metrics: ClassificationMetrics

    public var scalars: [(tag: String, value: Float)] {
        [("val/loss", loss), ("val/accuracy", Float(metrics.accuracy)), ("val/macro_f1", Float(metrics.macroF1))]
    }
    public var summary: String {
        String(format: "validation: loss %.4f  accuracy %.2f%%  macro-F1 %.2f%%", loss, 100 * metrics.accuracy, 100 * metrics.macroF1)
    }
    public var sampleLines: [String] { [] }
    public var metric: TaskMetric { TaskMetric(name: "accuracy", value: metrics.accuracy, higherIsBetter: true) }
}
