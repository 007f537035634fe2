/// Validation metrics after an epoch.
public struct ValidationReport: Sendable {
    /// Mean cross-entropy per target token (no label smoothing), teacher forced: nats per token.
    public let loss: Float
    /// Fraction of target tokens (including `<eos>`) whose teacher-forced argmax is right.
    public let tokenAccuracy: Double
    /// Fraction of sources whose greedy translation equals the reference exactly.
    public let exactMatch: Double
    /// Character error rate of the greedy translations: edit distance / reference characters.
    public let characterErrorRate: Double
    /// (source, translation, reference) of the first few examples.
    public let samples: [(source: String, output: String, reference: String)]
}

/// Teacher-forced metrics of a model on examples: every target position is predicted from the true
/// prefix, in evaluation mode (no dropout) and without gradients.
public struct TeacherForcedReport: Equatable, Sendable {
    /// Mean cross-entropy per non-padding target token (including `<eos>`), no label smoothing: nats per token.
    public let loss: Float
    /// Positions (including `<eos>`) whose argmax is the label.
    public let tokenAccuracy: Accuracy
}

/// Runs the model over `examples` in batches of `batchSize` (planned with seed 0, so the result does not
/// depend on the caller's seed) and returns the loss per token and the token accuracy. The model's
/// training flag is restored afterwards.
public func teacherForcedMetrics(model: any SequenceToSequenceModel, examples: [Example],
                                 batchSize: BatchPlanner.Size) throws -> TeacherForcedReport {
    try model.inferring { () throws -> TeacherForcedReport in
        var lossSum: Double = 0, tokens = 0, correct = 0
        guard !examples.isEmpty else { return TeacherForcedReport(loss: 0, tokenAccuracy: Accuracy(correct: 0, total: 0)) }
        let planner = BatchPlanner(examples: examples, size: batchSize, seed: 0)
        for batch in planner.batches(of: examples, epoch: 0, specialTokens: model.specialTokens) {
            let logits = model.logits(source: batch.source, targetInput: batch.targetInput)      // [B, T, V]
            let loss = crossEntropy(logits: logits, targets: batch.targetOutput, ignoreIndex: model.specialTokens.padding)
            lossSum += Double(loss.item) * Double(batch.tokenCount)
            tokens += batch.tokenCount
            correct += try Accuracy.tokens(logits: logits, labels: batch.targetOutput,
                                           ignoreIndex: model.specialTokens.padding).correct
        }
        return TeacherForcedReport(loss: Float(lossSum / Double(tokens)), tokenAccuracy: Accuracy(correct: correct, total: tokens))
    }
}

/// Evaluates `model` on `examples` in evaluation mode without gradients: teacher-forced loss and token
/// accuracy over batches, then greedy decoding of every source for exact match and CER. The model's
/// training flag is restored afterwards.
public func validate(model: any SequenceToSequenceModel, examples: [Example], tokenizers: TokenizerPair,
                     batchSize: BatchPlanner.Size, maximumDecodeLength: Int, sampleCount: Int) throws -> ValidationReport {
    let teacherForced = try teacherForcedMetrics(model: model, examples: examples, batchSize: batchSize)
    let hypotheses = try GreedyDecoder.decode(model: model, sources: examples.map { $0.source + [model.specialTokens.end] },
                                              maximumLength: maximumDecodeLength,
                                              startToken: model.specialTokens.start, endToken: model.specialTokens.end)
    let outputs = hypotheses.map { tokenizers.target.decode($0.tokens) }
    let references = examples.map { tokenizers.target.decode($0.target) }
    let exact = try Accuracy.exactMatch(hypotheses: hypotheses.map(\.tokens), references: examples.map { $0.target })
    let cer = try ErrorRate.characters(hypotheses: outputs, references: references)
    let samples = (0..<min(sampleCount, examples.count)).map {
        (tokenizers.source.decode(examples[$0].source), outputs[$0], references[$0])
    }
    return ValidationReport(loss: teacherForced.loss, tokenAccuracy: teacherForced.tokenAccuracy.value,
                            exactMatch: exact.value, characterErrorRate: cer.value, samples: samples)
}
