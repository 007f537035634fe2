import Foundation
import Testing
@testable import TransformerCore

/// The classification and language-model tasks: their data (labelled lines, windows of a stream), their
/// metrics, the Trainer end to end on each, and sampling from a language model.
@Suite struct TaskTests {
    // MARK: - LabeledTexts

    @Test func parsesLabelledLines() throws {
        let parsed = try LabeledTexts.parse("pos\tgood film\n\nneg\t bad day \n  \nneg\tworse\n", file: "file.tsv")
        #expect(parsed == LabeledTexts(labels: ["pos", "neg", "neg"], texts: ["good film", "bad day", "worse"]))
        #expect(parsed.count == 3)
        #expect(try LabeledTexts.parse("", file: "file.tsv").count == 0)
    }

    @Test func theTextKeepsLaterTabs() throws {
        let parsed = try LabeledTexts.parse("k\ta\tb\tc\n", file: "file.tsv")
        #expect(parsed.labels == ["k"] && parsed.texts == ["a\tb\tc"])
    }

    /// `\r\n` line endings: "\r\n" is one Swift Character, so the parser must split on it explicitly.
    @Test func acceptsCRLFLineEndings() throws {
        let parsed = try LabeledTexts.parse("pos\tgood\r\nneg\tbad\r\n", file: "file.tsv")
        #expect(parsed == LabeledTexts(labels: ["pos", "neg"], texts: ["good", "bad"]))
    }

    /// Tabs inside the text survive trimming, and a line of only a tab is an error, not skipped.
    @Test func innerTabsAreKeptAndATabAloneIsAnError() throws {
        #expect(try LabeledTexts.parse("k\ta\t\tb\n", file: "file.tsv").texts == ["a\t\tb"])
        #expect(throws: TextFileError(file: "file.tsv", line: 2, reason: "expected a label before the tab, found none")) {
            try LabeledTexts.parse("k\ta\n\t\n", file: "file.tsv")
        }
    }

    @Test(arguments: [
        ("pos\tok\nno tab here\n", "file.tsv:2: expected 'label<TAB>text', found no tab"),
        ("pos\tok\n\n\tsome text\n", "file.tsv:3: expected a label before the tab, found none"),
        ("pos\n", "file.tsv:1: expected 'label<TAB>text', found no tab"),
        ("pos\tok\nneg\t\n", "file.tsv:2: expected a text after the tab, found none"),
        ("neg\t   \n", "file.tsv:1: expected a text after the tab, found none"),
    ])
    func badLinesNameTheLine(contents: String, message: String) {
        do {
            let parsed = try LabeledTexts.parse(contents, file: "file.tsv")
            Issue.record("expected \"\(message)\", parsed \(parsed)")
        } catch {
            #expect("\(error)" == message)
        }
    }

    // MARK: - ClassificationMetrics

    /// True   0 0 0 1 1 2 2 2 2, predicted 0 1 1 1 2 2 2 0 2:
    ///
    ///     confusion  [1 2 0]   precision 1/2 1/3 3/4   recall 1/3 1/2 3/4   F1 2/5 2/5 3/4
    ///                [0 1 1]
    ///                [1 0 3]
    @Test func threeClassMetricsByHand() {
        let labels = [0, 0, 0, 1, 1, 2, 2, 2, 2], predictions = [0, 1, 1, 1, 2, 2, 2, 0, 2]
        let m = ClassificationMetrics(predictions: predictions, labels: labels, classCount: 3)
        #expect(m.confusion == [[1, 2, 0], [0, 1, 1], [1, 0, 3]])
        #expect(m.total == 9)
        #expect(abs(m.accuracy - 5.0 / 9) < 1e-12)
        let (precision, recall, f1) = ([0.5, 1.0 / 3, 0.75], [1.0 / 3, 0.5, 0.75], [0.4, 0.4, 0.75])
        for k in 0..<3 {
            #expect(abs(m.precision(k) - precision[k]) < 1e-12, "precision \(k)")
            #expect(abs(m.recall(k) - recall[k]) < 1e-12, "recall \(k)")
            #expect(abs(m.f1(k) - f1[k]) < 1e-12, "F1 \(k)")
        }
        #expect(abs(m.macroF1 - 1.55 / 3) < 1e-12)
        // A fourth class with no examples and no predictions counts F1 0 in the macro mean.
        let four = ClassificationMetrics(predictions: predictions, labels: labels, classCount: 4)
        #expect(four.f1(3) == 0 && abs(four.macroF1 - 1.55 / 4) < 1e-12)
        #expect(ClassificationMetrics(predictions: [], labels: [], classCount: 2).accuracy == 0)
    }

    // MARK: - LanguageModelTask windows

    static func languageModel(vocabulary: Int = 12, maximumLength: Int = 8,
                              generator: SeededGenerator = SeededGenerator(seed: 1)) throws -> LanguageModel {
        try LanguageModel(configuration: LanguageModelConfiguration(
            vocabularySize: vocabulary, block: BlockConfiguration(modelDimension: 16, headCount: 2, feedForwardDimension: 32, dropout: 0),
            layerCount: 1, maximumLength: maximumLength), generator: generator)
    }

    static let characterTokenizer = try! Tokenizer.build(kind: .character, texts: ["abcdefgh"])

    /// Training ids 100..<153 (each id is its position + 100, so a window's start can be read off),
    /// validation ids 200..<220: the windowing never looks the ids up in the model.
    static func windowTask(seed: UInt64 = 5, context: Int = 6) throws -> LanguageModelTask {
        LanguageModelTask(model: try languageModel(), tokenizer: characterTokenizer, trainingIDs: Array(100..<153),
                          validationIDs: Array(200..<220), validationCharacters: 20, context: context, batchSize: 3, seed: seed)
    }

    @Test func targetsAreTheInputsShiftedByOneInTheStream() throws {
        let task = try Self.windowTask()
        for epoch in 0..<4 {
            let batches = task.batches(epoch: epoch)
            #expect(!batches.isEmpty)
            var starts: [Int] = []
            for batch in batches {
                #expect(batch.inputs.count >= 1 && batch.inputs.count <= 3)
                #expect(batch.targets.count == batch.inputs.count * 6)
                for (row, input) in batch.inputs.enumerated() {
                    let start = input[0] - 100
                    starts.append(start)
                    #expect(input == Array(task.trainingIDs[start..<(start + 6)]))
                    #expect(Array(batch.targets[(row * 6)..<((row + 1) * 6)]) == Array(task.trainingIDs[(start + 1)...(start + 6)]))
                }
            }
            // Windows T apart from an offset in 0..<T, covering the stream without running past it.
            let sorted = starts.sorted()
            #expect(sorted[0] < 6 && sorted.last! + 6 < task.trainingIDs.count)
            #expect(zip(sorted, sorted.dropFirst()).allSatisfy { $1 - $0 == 6 })
            #expect(sorted.last! + 6 + 6 >= task.trainingIDs.count, "a whole window was left out at the end")
        }
    }

    @Test func epochPlansAreDeterministicForASeedAndDifferBetweenEpochs() throws {
        let (a, b, other) = (try Self.windowTask(seed: 5), try Self.windowTask(seed: 5), try Self.windowTask(seed: 6))
        func plan(_ task: LanguageModelTask, _ epoch: Int) -> [[[Int]]] { task.batches(epoch: epoch).map(\.inputs) }
        for epoch in 0..<3 {
            #expect(plan(a, epoch) == plan(b, epoch))
            #expect(a.batches(epoch: epoch).map(\.targets) == b.batches(epoch: epoch).map(\.targets))
        }
        #expect(plan(a, 0) != plan(a, 1) && plan(a, 1) != plan(a, 2))
        #expect(plan(a, 0) != plan(other, 0))
    }

    @Test func validationIDsAreNeverInTrainingWindows() throws {
        let task = try Self.windowTask()
        let validation = Set(task.validationIDs)
        for epoch in 0..<5 {
            for batch in task.batches(epoch: epoch) {
                #expect(batch.inputs.joined().allSatisfy { !validation.contains($0) })
                #expect(batch.targets.allSatisfy { !validation.contains($0) })
            }
        }
    }

    // MARK: - Trainer end to end

    static func options(epochs: Int, seed: UInt64 = 3) -> TrainingOptions {
        TrainingOptions(epochs: epochs, batchSentences: 8, schedule: .constant(3e-3), labelSmoothing: 0,
                        maximumGradientNorm: 1, seed: seed, logInterval: 5, sampleCount: 0, maximumDecodeLength: 8)
    }

    /// 40 texts of 3 letters from a-f; the label is whether the text contains "a". 32 to train, 8 to validate.
    static func containsAData() throws -> (tokenizer: Tokenizer, training: [LabeledExample], validation: [LabeledExample]) {
        let generator = SeededGenerator(seed: 21)
        let letters = Array("abcdef").map(String.init)
        let texts = (0..<40).map { _ in (0..<3).map { _ in letters[generator.nextIndex(below: 6)] }.joined() }
        let tokenizer = try Tokenizer.build(kind: .character, texts: letters)
        let examples = texts.map { LabeledExample(ids: tokenizer.encodeIDs($0), label: $0.contains("a") ? 1 : 0) }
        return (tokenizer, Array(examples.prefix(32)), Array(examples.suffix(8)))
    }

    @Test func trainerLearnsAClassificationTask() throws {
        let (tokenizer, training, validation) = try Self.containsAData()
        #expect(Set(training.map(\.label)) == [0, 1] && Set(validation.map(\.label)) == [0, 1])
        let options = Self.options(epochs: 12)
        let generator = SeededGenerator(seed: options.seed)
        let model = try EncoderClassifier(configuration: ClassifierConfiguration(
            vocabularySize: tokenizer.vocabularySize, classCount: 2,
            block: BlockConfiguration(modelDimension: 16, headCount: 2, feedForwardDimension: 32, dropout: 0),
            layerCount: 1, maximumLength: 8, pooling: .mean), generator: generator)
        let task = ClassificationTask(model: model, tokenizer: tokenizer, labels: ["no", "yes"], training: training,
                                      validation: validation, batchSize: .sentences(8), seed: options.seed)
        let before = ClassificationTask.evaluate(model: model, examples: validation, batchSize: .sentences(8))
        try TrainingFixtures.withTemporaryDirectory { directory in
            let trainer = Trainer(task: task, optimizer: Adam(parameters: model.parameters, beta1: 0.9, beta2: 0.98, epsilon: 1e-9),
                                  options: options, generator: generator, checkpointDirectory: directory,
                                  logger: nil, progress: nil, say: { _ in })
            let summary = try trainer.run()
            #expect(summary.state.completedEpochs == 12 && summary.state.step >= 48)
            let report = try #require(summary.lastReport as? ClassificationReport)
            #expect(report.loss < before.loss, "validation loss \(before.loss) -> \(report.loss)")
            #expect(report.metrics.total == 8)
            let best = try Checkpoint.load(from: trainer.bestCheckpoint)
            #expect(best.family == .encoderClassifier)
            #expect(best.metadata[TrainingRecord.taskKey] == "classify")
            #expect(best.metadata[ClassificationTask.labelsKey] == "[\"no\",\"yes\"]")
            let loaded = try best.model(EncoderClassifier.self)
            let bestLoss = try #require(summary.state.bestValidationLoss)
            let reloaded = ClassificationTask.evaluate(model: loaded, examples: validation, batchSize: .sentences(8))
            #expect(abs(reloaded.loss - bestLoss) < Tolerance.float32)
        }
    }

    static let repeatingText = String(repeating: "abcdefgh", count: 14)

    @Test func trainerLearnsALanguageModelTask() throws {
        let tokenizer = try Tokenizer.build(kind: .character, texts: [Self.repeatingText])
        let ids = tokenizer.encodeIDs(Self.repeatingText)                 // 112 ids
        let (trainingIDs, validationIDs) = (Array(ids.prefix(96)), Array(ids.suffix(16)))
        let options = Self.options(epochs: 6)
        let generator = SeededGenerator(seed: options.seed)
        let model = try Self.languageModel(vocabulary: tokenizer.vocabularySize, maximumLength: 8, generator: generator)
        let task = LanguageModelTask(model: model, tokenizer: tokenizer, trainingIDs: trainingIDs, validationIDs: validationIDs,
                                     validationCharacters: 16, context: 8, batchSize: 4, seed: options.seed)
        let before = LanguageModelTask.evaluate(model: model, ids: validationIDs, characters: 16, context: 8, batchSize: 4)
        try TrainingFixtures.withTemporaryDirectory { directory in
            let trainer = Trainer(task: task, optimizer: Adam(parameters: model.parameters, beta1: 0.9, beta2: 0.98, epsilon: 1e-9),
                                  options: options, generator: generator, checkpointDirectory: directory,
                                  logger: nil, progress: nil, say: { _ in })
            let summary = try trainer.run()
            #expect(summary.state.completedEpochs == 6)
            let report = try #require(summary.lastReport as? LanguageModelReport)
            #expect(report.loss < 0.5 * before.loss, "validation loss \(before.loss) -> \(report.loss)")
            #expect(report.tokenCount == 15)
            #expect(abs(report.perplexity - Foundation.exp(Double(report.loss))) < 1e-9)
            let best = try Checkpoint.load(from: trainer.bestCheckpoint)
            #expect(best.family == .decoderLanguageModel)
            #expect(best.metadata[TrainingRecord.taskKey] == "lm")
            #expect(best.metadata[LanguageModelTask.tokenizerKey] != nil)
            _ = try best.model(LanguageModel.self)
        }
    }

    // MARK: - Sampling and TextGenerator

    /// V 12 (ids 0-3 special), a context of 8, dropout on (generation runs under `inferring`).
    static func generatorModel(seed: UInt64 = 31) throws -> LanguageModel {
        try LanguageModel(configuration: LanguageModelConfiguration(
            vocabularySize: 12, block: BlockConfiguration(modelDimension: 8, headCount: 2, feedForwardDimension: 16, dropout: 0.1),
            layerCount: 2, maximumLength: 8), generator: SeededGenerator(seed: seed))
    }

    /// Greedy continuation the slow way: the whole history through the model at every step, the last
    /// position's argmax over the non-special ids (ties to the lowest id).
    static func naiveGreedy(_ model: LanguageModel, prompt: [Int], count: Int) -> [Int] {
        model.inferring {
            var history = prompt
            for _ in 0..<count {
                let logits = model([history]).scalars
                let last = Array(logits[((history.count - 1) * 12)...])
                var best = 4
                for id in 5..<12 where last[id] > last[best] { best = id }
                history.append(best)
            }
            return Array(history.dropFirst(prompt.count))
        }
    }

    @Test func temperatureZeroIsTheArgmaxOfFullForwards() throws {
        let model = try Self.generatorModel()
        let generator = TextGenerator(model: model)
        var streamed: [Int] = []
        let ids = generator.generate(prompt: [4, 7], maximumNewTokens: 6, sampling: SamplingSettings(temperature: 0)) { streamed.append($0) }
        #expect(ids == Self.naiveGreedy(model, prompt: [4, 7], count: 6))
        #expect(streamed == ids)
        #expect(model.isInTrainingMode)
    }

    @Test func theSameSeedGivesTheSameTokens() throws {
        let generator = TextGenerator(model: try Self.generatorModel())
        func sample(_ settings: SamplingSettings) -> [Int] { generator.generate(prompt: [5], maximumNewTokens: 20, sampling: settings) }
        let settings = SamplingSettings(temperature: 1.5, topK: 6, topP: 0.95, seed: 7)
        #expect(sample(settings) == sample(settings))
        #expect(sample(SamplingSettings(temperature: 1.5, seed: 8)) == sample(SamplingSettings(temperature: 1.5, seed: 8)))
        #expect(sample(SamplingSettings(temperature: 1.5, seed: 8)) != sample(SamplingSettings(temperature: 1.5, seed: 9)))
    }

    @Test func topKOneIsGreedy() throws {
        let generator = TextGenerator(model: try Self.generatorModel(seed: 32))
        let greedy = generator.generate(prompt: [6, 4], maximumNewTokens: 12, sampling: SamplingSettings(temperature: 0))
        for seed: UInt64 in [1, 2] {
            #expect(generator.generate(prompt: [6, 4], maximumNewTokens: 12,
                                       sampling: SamplingSettings(temperature: 2, topK: 1, seed: seed)) == greedy)
        }
        // A tiny top-p keeps only the most probable token too.
        #expect(generator.generate(prompt: [6, 4], maximumNewTokens: 12, sampling: SamplingSettings(temperature: 1, topP: 1e-6)) == greedy)
    }

    @Test func sampleNeverPicksADisallowedIDAndHonoursTopK() {
        let settings = SamplingSettings(temperature: 1, topK: 2, seed: 4)
        let random = SeededGenerator(seed: 4)
        let logits: [Float] = [9, 9, 0, 1, 2, 3]
        let allowed = [false, false, true, true, true, true]
        let draws = (0..<200).map { _ in settings.sample(logits, allowed: allowed, generator: random) }
        #expect(Set(draws).isSubset(of: [4, 5]) && Set(draws).count == 2)
        #expect(SamplingSettings(temperature: 0).sample([0, 5, 5, 1], allowed: [true, true, true, true], generator: random) == 1)
    }

    /// Twenty tokens with a context of 8: the cache is rebuilt from the last half when full.
    @Test(arguments: [SamplingSettings(temperature: 1, seed: 3), SamplingSettings(temperature: 0)])
    func generationGoesPastTheContext(sampling: SamplingSettings) throws {
        let model = try Self.generatorModel(seed: 33)
        // A strong bias towards the special ids: they must still never be emitted.
        model.projection.bias!.withMutableScalars { for id in 0..<4 { $0[id] += 5 } }
        let generator = TextGenerator(model: model)
        for prompt in [[4, 5, 6], Array(repeating: 7, count: 10)] {
            let ids = generator.generate(prompt: prompt, maximumNewTokens: 20, sampling: sampling)
            #expect(ids.count == 20)
            #expect(ids.allSatisfy { (4..<12).contains($0) }, "\(ids)")
        }
    }
}
