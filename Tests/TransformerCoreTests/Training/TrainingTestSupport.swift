import Foundation
@testable import TransformerCore

/// A tiny synthetic task and model for the Training tests, in a namespace so the helpers cannot collide
/// with other folders'.
enum TrainingFixtures {
    /// Letters a-h: the task is to reverse a word of 2-5 letters.
    static let letters = Array("abcdefgh").map(String.init)

    /// 24 training and 4 validation pairs of seeded random words and their reversals, with tokenizers.
    static func data(seed: UInt64 = 7) throws -> (training: [Example], validation: [Example], tokenizers: TokenizerPair) {
        let generator = SeededGenerator(seed: seed)
        let words = (0..<28).map { _ in
            (0..<(2 + Int(generator.next() % 4))).map { _ in letters[Int(generator.next() % 8)] }.joined()
        }
        let tokenizer = try Tokenizer.build(kind: .character, texts: letters)
        let examples = words.map { word in
            Example(source: tokenizer.encode(word).ids, target: tokenizer.encode(String(word.reversed())).ids)
        }
        return (Array(examples.prefix(24)), Array(examples.suffix(4)), TokenizerPair(source: tokenizer, target: tokenizer))
    }

    /// d_model 16, 2 heads, 1 layer, d_ff 32, with dropout so that the generator's state matters.
    static func configuration(vocabulary: Int) -> TransformerConfiguration {
        TransformerConfiguration(sourceVocabularySize: vocabulary, targetVocabularySize: vocabulary, modelDimension: 16,
                                 headCount: 2, layerCount: 1, feedForwardDimension: 32, dropout: 0.1, maximumLength: 8)
    }

    /// 6 batches of 4 an epoch; a quick warm-up so the loss moves within a few steps.
    static func options(epochs: Int, maximumSteps: Int? = nil, seed: UInt64 = 3) -> TrainingOptions {
        TrainingOptions(epochs: epochs, maximumSteps: maximumSteps, batchSentences: 4,
                        schedule: .inverseSquareRoot(modelDimension: 16, warmupSteps: 10, scale: 1), labelSmoothing: 0.1,
                        maximumGradientNorm: 1, seed: seed, logInterval: 2, sampleCount: 1, maximumDecodeLength: 8)
    }

    /// A fresh run: model and Adam from `seed`, a Trainer writing into `directory`.
    static func newTrainer(options: TrainingOptions, directory: URL, logger: TrainingLogger? = nil,
                           shouldStop: @escaping () -> Bool = { false }) throws -> Trainer<TranslationTask<Transformer>> {
        let (training, validation, tokenizers) = try data()
        let generator = SeededGenerator(seed: options.seed)
        let model = try Transformer(configuration: configuration(vocabulary: tokenizers.source.vocabularySize),
                                    generator: generator)
        let optimizer = Adam(parameters: model.parameters, beta1: 0.9, beta2: 0.98, epsilon: 1e-9)
        return Trainer(model: model, optimizer: optimizer, tokenizers: tokenizers,
                       training: training, validation: validation, options: options, generator: generator,
                       checkpointDirectory: directory, logger: logger, progress: nil, say: { _ in },
                       shouldStop: shouldStop)
    }

    /// A Trainer continuing the run saved in `checkpoint`, with `epochs` / `maximumSteps` changed.
    static func resumedTrainer(from checkpoint: URL, epochs: Int, maximumSteps: Int? = nil,
                               directory: URL) throws -> Trainer<TranslationTask<Transformer>> {
        let (training, validation, tokenizers) = try data()
        let generator = SeededGenerator(seed: 12345)   // its state is restored from the checkpoint
        let loaded = try Checkpoint.load(from: checkpoint, generator: generator)
        let resume = try TrainingResume(checkpoint: loaded, generator: generator)
        var options = resume.options
        options.epochs = epochs
        options.maximumSteps = maximumSteps
        return Trainer(model: try loaded.model(Transformer.self), optimizer: resume.optimizer, tokenizers: tokenizers,
                       training: training, validation: validation, options: options, state: resume.state,
                       generator: generator, checkpointDirectory: directory, logger: nil, progress: nil, say: { _ in })
    }

    /// Every parameter's bits, by name: equal only when the weights are bitwise identical.
    static func weightBits(_ model: Transformer) -> [String: [UInt32]] {
        Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, $0.tensor.scalars.map(\.bitPattern)) })
    }

    /// The first parameter whose bits differ between the two models ("projection.weight[3]: 0.1 vs 0.2"),
    /// or nil when the weights are bitwise identical (a short message instead of two weight dumps).
    static func firstDifference(_ a: Transformer, _ b: Transformer) -> String? {
        for ((name, x), (_, y)) in zip(a.namedParameters, b.namedParameters) {
            if let index = x.scalars.indices.first(where: { x.scalars[$0].bitPattern != y.scalars[$0].bitPattern }) {
                return "\(name)[\(index)]: \(x.scalars[index]) vs \(y.scalars[index])"
            }
        }
        return nil
    }

    /// A new empty directory under the system's temporary directory; removed after `body`.
    static func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("TransformerCoreTraining-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url)
    }
}
