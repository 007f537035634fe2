import Foundation
@testable import TransformerCore

/// Tasks, trainers and runs on N in-process ranks for the Distributed tests.
enum DistributedFixtures {
    /// N ranks against one process on the same global batch: the same computation up to the order of
    /// Float32 sums (the ranks' partial gradients are added in another order than one backward pass's).
    static let sameComputation: Float = 1e-5

    /// The Training tests' word-reversal data on a model like theirs, with `dropout` (0: deterministic,
    /// so that N ranks and one process draw no masks at all).
    static func translationTask(batchSentences: Int = 4, dropout: Float = 0, seed: UInt64 = 3,
                                generator: SeededGenerator? = nil) throws -> TranslationTask<Transformer> {
        let (training, validation, tokenizers) = try TrainingFixtures.data()
        var configuration = TrainingFixtures.configuration(vocabulary: tokenizers.source.vocabularySize)
        configuration.dropout = dropout
        let model = try Transformer(configuration: configuration, generator: generator ?? SeededGenerator(seed: seed))
        return TranslationTask(model: model, tokenizers: tokenizers, training: training, validation: validation,
                               batchSize: .sentences(batchSentences), seed: seed, maximumDecodeLength: 8)
    }

    static func classificationTask(generator: SeededGenerator = SeededGenerator(seed: 3)) throws -> ClassificationTask {
        let (tokenizer, training, validation) = try TaskTests.containsAData()
        let model = try EncoderClassifier(configuration: ClassifierConfiguration(
            vocabularySize: tokenizer.vocabularySize, classCount: 2,
            block: BlockConfiguration(modelDimension: 16, headCount: 2, feedForwardDimension: 32, dropout: 0),
            layerCount: 1, maximumLength: 8, pooling: .mean), generator: generator)
        return ClassificationTask(model: model, tokenizer: tokenizer, labels: ["no", "yes"], training: training,
                                  validation: validation, batchSize: .sentences(7), seed: 3)
    }

    static func languageModelTask(generator: SeededGenerator = SeededGenerator(seed: 3)) throws -> LanguageModelTask {
        let tokenizer = try Tokenizer.build(kind: .character, texts: [TaskTests.repeatingText])
        let ids = tokenizer.encodeIDs(TaskTests.repeatingText)
        let model = try TaskTests.languageModel(vocabulary: tokenizer.vocabularySize, maximumLength: 8, generator: generator)
        return LanguageModelTask(model: model, tokenizer: tokenizer, trainingIDs: Array(ids.prefix(96)),
                                 validationIDs: Array(ids.suffix(16)), validationCharacters: 16, context: 8, batchSize: 5, seed: 3)
    }

    /// The Vision Transformer tests' bright-square images on their tiny ViT, augmented (random crops:
    /// each image's draws depend only on the epoch and the image, so a share sees the same pixels).
    static func imageTask(generator: SeededGenerator = SeededGenerator(seed: 3)) throws -> ImageClassificationTask {
        let vit = try VisionTransformer(configuration: VisionTransformerTests.configuration(), generator: generator)
        return ImageClassificationTask(model: vit, labels: ["left", "right", "bottom"],
                                       training: VisionTransformerTests.squares(count: 30, seed: 11),
                                       validation: VisionTransformerTests.squares(count: 6, seed: 12), batchSize: 7,
                                       augmentation: ImageAugmentation(cropPadding: 1), seed: 3)
    }

    /// Options with clipping on (so the global norm matters) and label smoothing.
    static func options(steps: Int, epochs: Int = 100, seed: UInt64 = 3) -> TrainingOptions {
        TrainingOptions(epochs: epochs, maximumSteps: steps, batchSentences: 4,
                        schedule: .inverseSquareRoot(modelDimension: 16, warmupSteps: 10, scale: 1), labelSmoothing: 0.1,
                        maximumGradientNorm: 0.5, seed: seed, logInterval: 2, sampleCount: 0, maximumDecodeLength: 8)
    }

    /// What one rank ended with.
    struct RankOutcome {
        /// The parameters' names, in the order of `weights`.
        let names: [String]
        let weights: [[Float]]
        let summary: TrainingSummary
        /// The files in the rank's checkpoint directory.
        let files: [String]
    }

    /// Trains `makeTask(generator)` with `options` on `ranks` in-process ranks (1: one ordinary process,
    /// no ``DataParallel``), each rank with its own model and checkpoint directory `directory/rank<r>`;
    /// `state` and `prepare` continue a run (see ``resumed(from:)``).
    static func train<T: TrainingTask>(ranks: Int, options: TrainingOptions, directory: URL,
                                       shouldStop: @escaping (_ rank: Int, _ polls: Int) -> Bool = { _, _ in false },
                                       makeTask: @escaping (SeededGenerator) throws -> (task: T, optimizer: Adam?, state: TrainingState))
        throws -> [RankOutcome] {
        try runRanks(ranks) { backend in
            let generator = SeededGenerator(seed: options.seed)
            let (task, restored, state) = try makeTask(generator)
            let optimizer = restored ?? Adam(parameters: task.model.parameters, beta1: 0.9, beta2: 0.98, epsilon: 1e-9)
            let rankDirectory = directory.appendingPathComponent("rank\(backend.rank)")
            try FileManager.default.createDirectory(at: rankDirectory, withIntermediateDirectories: true)
            var polls = 0
            let trainer = Trainer(task: task, optimizer: optimizer, options: options, state: state, generator: generator,
                                  checkpointDirectory: rankDirectory, logger: nil, progress: nil, say: { _ in },
                                  shouldStop: { polls += 1; return shouldStop(backend.rank, polls) },
                                  dataParallel: ranks > 1 ? DataParallel(backend: backend, bucketCapacity: 500) : nil)
            let summary = try trainer.run()
            return RankOutcome(names: task.model.namedParameters.map(\.name), weights: task.model.parameters.map(\.scalars),
                               summary: summary,
                               files: try FileManager.default.contentsOfDirectory(atPath: rankDirectory.path).sorted())
        }
    }

    /// A translation run continued from `checkpoint`: its model, Adam and state (and generator state).
    static func resumed(from checkpoint: URL, generator: SeededGenerator) throws -> (task: TranslationTask<Transformer>, optimizer: Adam?, state: TrainingState) {
        let loaded = try Checkpoint.load(from: checkpoint, generator: generator)
        let resume = try TrainingResume(checkpoint: loaded, generator: generator)
        let (training, validation, tokenizers) = try TrainingFixtures.data()
        let task = TranslationTask(model: try loaded.model(Transformer.self), tokenizers: tokenizers, training: training,
                                   validation: validation, batchSize: resume.options.batchSize, seed: resume.options.seed,
                                   maximumDecodeLength: 8)
        return (task, resume.optimizer, resume.state)
    }

    /// The largest |a - b| over the parameters whose gradient is not zero by construction.
    ///
    /// Left out: the key projections' biases. Softmax is invariant to adding one number to all scores
    /// of a query, and q · (W^K x + b^K) adds q · b^K to all of them, so ∂L/∂b^K = 0 exactly; computed, it
    /// is Float32 rounding noise (~1e-9), which differs with the summation order, and Adam divides it by
    /// its own magnitude (m / sqrt(v) = ±1 at step 1): those biases take steps of ±lr in any two runs
    /// whose sums are ordered differently, one process against N ranks as much as one thread count
    /// against another. (Measured: after 5 steps only the 3 key biases of the translation model differ
    /// by more than 1e-5, by 0.012-0.020 at lr 0.008.)
    static func largestDifference(_ a: RankOutcome, _ b: RankOutcome) -> Float {
        precondition(a.names == b.names, "different models")
        return a.names.indices.filter { !a.names[$0].hasSuffix("key.bias") }
            .map { index in zip(a.weights[index], b.weights[index]).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
    }

    /// The largest |a - b| over all parameters (for runs that must be bitwise the same).
    static func largestDifferenceOfAll(_ a: RankOutcome, _ b: RankOutcome) -> Float {
        zip(a.weights, b.weights).map { x, y in zip(x, y).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
    }

    /// Whether all ranks hold bitwise the same parameters.
    static func bitwiseEqual(_ outcomes: [RankOutcome]) -> Bool {
        let bits = outcomes.map { $0.weights.map { $0.map(\.bitPattern) } }
        return bits.allSatisfy { $0 == bits[0] }
    }
}
