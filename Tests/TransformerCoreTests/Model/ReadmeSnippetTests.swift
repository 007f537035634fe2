import Foundation
import Testing
import TransformerCore

/// The README's second library snippet (the classifier, the language model, the task-generic trainer),
/// run as written but for the checkpoint directory: the shapes its comments promise, and the loaded family.
@Suite struct ReadmeSnippetTests {
    @Test func theFamiliesSnippetRunsAsDocumented() throws {
        let block = BlockConfiguration(modelDimension: 32, headCount: 4, feedForwardDimension: 64, dropout: 0.1)
        let classifierGenerator = SeededGenerator(seed: 1)
        let classifier = try EncoderClassifier(configuration: ClassifierConfiguration(
            vocabularySize: 20, classCount: 2, block: block, layerCount: 2, maximumLength: 65, pooling: .classToken),
            generator: classifierGenerator)
        let classLogits = classifier([[4, 5, 6], [7, 8, 0]])
        #expect(classLogits.shape == [2, 2])
        #expect(crossEntropy(logits: classLogits, targets: [1, 0], ignoreIndex: nil).item.isFinite)

        let lm = try LanguageModel(configuration: LanguageModelConfiguration(
            vocabularySize: 30, block: block, layerCount: 2, maximumLength: 64), generator: SeededGenerator(seed: 2))
        #expect(lm([[5, 6, 7, 8]]).shape == [1, 4, 30])
        let continuation = TextGenerator(model: lm).generate(prompt: [5, 6], maximumNewTokens: 10,
                                                             sampling: SamplingSettings(temperature: 0.8, topK: 5, seed: 3))
        #expect(continuation.count == 10)

        let tokenizer = try Tokenizer.build(kind: .word, texts: ["a fine film", "a dull film"])
        let examples = [LabeledExample(ids: tokenizer.encodeIDs("a fine film"), label: 1),
                        LabeledExample(ids: tokenizer.encodeIDs("a dull film"), label: 0)]
        let task = ClassificationTask(model: classifier, tokenizer: tokenizer, labels: ["neg", "pos"], training: examples,
                                      validation: examples, batchSize: .sentences(2), seed: 0)
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let trainer = Trainer(task: task, optimizer: Adam(parameters: classifier.parameters),
                              options: TrainingOptions(epochs: 5, schedule: .constant(1e-3), patience: 3),
                              generator: classifierGenerator, checkpointDirectory: directory, logger: nil, progress: nil,
                              say: { _ in })
        let summary = try trainer.run()
        #expect(summary.state.completedEpochs >= 1)
        let loaded = try Checkpoint.load(from: trainer.bestCheckpoint)
        let model = try loaded.model(EncoderClassifier.self)
        #expect(loaded.family == .encoderClassifier && model.configuration.classCount == 2)
    }
}
