/// Sequence-to-sequence training of an encoder-decoder (the ``Transformer``, or the recurrent
/// ``RecurrentEncoderDecoder``: any ``SequenceToSequenceModel``) on tokenized pairs: batches of similar
/// lengths (``BatchPlanner``), teacher-forced cross-entropy, and validation by loss, token accuracy, and
/// greedy decoding's exact match and character error rate.
public final class TranslationTask<Model: SequenceToSequenceModel>: TrainingTask {
    public static var name: String { "translate" }

    public let model: Model
    public let tokenizers: TokenizerPair
    public let training: [Example]
    public let validation: [Example]
    public let batchSize: BatchPlanner.Size
    /// Longest output greedy decoding may produce during validation, in tokens.
    public let maximumDecodeLength: Int
    let planner: BatchPlanner

    public init(model: Model, tokenizers: TokenizerPair, training: [Example], validation: [Example],
                batchSize: BatchPlanner.Size, seed: UInt64, maximumDecodeLength: Int) {
        self.model = model
        self.tokenizers = tokenizers
        self.training = training
        self.validation = validation
        self.batchSize = batchSize
        self.maximumDecodeLength = maximumDecodeLength
        planner = BatchPlanner(examples: training, size: batchSize, seed: seed)
    }

    public func batches(epoch: Int) -> [Batch] {
        planner.batches(of: training, epoch: epoch, specialTokens: model.specialTokens)
    }

    /// CE(model(source, targetInput), targetOutput), padding ignored.
    public func loss(on batch: Batch, labelSmoothing: Float) -> (loss: Tensor, tokenCount: Int) {
        let logits = model.logits(source: batch.source, targetInput: batch.targetInput)            // [B, T, V]
        return (crossEntropy(logits: logits, targets: batch.targetOutput, ignoreIndex: model.specialTokens.padding,
                             labelSmoothing: labelSmoothing), batch.tokenCount)
    }

    public func validate(sampleCount: Int) throws -> (any ValidationResult)? {
        guard !validation.isEmpty else { return nil }
        return try TransformerCore.validate(model: model, examples: validation, tokenizers: tokenizers,
                                            batchSize: batchSize, maximumDecodeLength: maximumDecodeLength,
                                            sampleCount: sampleCount)
    }

    public func checkpointMetadata() throws -> [String: String] {
        [TrainingRecord.tokenizersKey: sortedJSON(tokenizers)]
    }
}

extension ValidationReport: ValidationResult {
    public var scalars: [(tag: String, value: Float)] {
        [("val/loss", loss), ("val/token_accuracy", Float(tokenAccuracy)), ("val/exact_match", Float(exactMatch)),
         ("val/cer", Float(characterErrorRate))]
    }

    public var summary: String {
        String(format: "validation: loss %.4f  token accuracy %.2f%%  exact match %.2f%%  CER %.2f%%",
               loss, 100 * tokenAccuracy, 100 * exactMatch, 100 * characterErrorRate)
    }

    /// Greedy decoding's exact match.
    public var metric: TaskMetric { TaskMetric(name: "exact match", value: exactMatch, higherIsBetter: true) }

    public var sampleLines: [String] {
        samples.map { "  \($0.source) -> \($0.output)\($0.output == $0.reference ? "" : "  (expected \($0.reference))")" }
    }
}
