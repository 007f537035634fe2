import Foundation

/// A batch of training windows: inputs `[B, T]` and their next tokens `[B * T]` (the inputs shifted left).
public struct LanguageModelBatch: Sendable {
    public let inputs: [[Int]]
    public let targets: [Int]
}

/// Next-token prediction with the decoder-only ``LanguageModel`` on one long token stream.
///
/// Each epoch cuts the training ids into windows of T + 1 tokens (T = `context`), starting at a random
/// offset in 0..<T drawn from (seed, epoch), T tokens apart, shuffles them and groups them into batches:
/// window w gives inputs w[0..<T] and targets w[1...T]. Validation reads its own ids (the end of the text,
/// never overlapping the training part) in consecutive windows and reports loss per token, perplexity and
/// bits per character.
public final class LanguageModelTask: TrainingTask {
    public static let name = "lm"
    public static let tokenizerKey = "tokenizer"

    public let model: LanguageModel
    public let tokenizer: AnyTokenizer
    public let trainingIDs: [Int]
    public let validationIDs: [Int]
    /// Characters of the validation text (for bits per character).
    public let validationCharacters: Int
    /// T, tokens a window.
    public let context: Int
    /// Windows a batch.
    public let batchSize: Int
    public let seed: UInt64

    public init(model: LanguageModel, tokenizer: some AnyTokenizerConvertible, trainingIDs: [Int], validationIDs: [Int],
                validationCharacters: Int, context: Int, batchSize: Int, seed: UInt64) {
        precondition(context >= 1 && context <= model.configuration.maximumLength,
                     "context \(context) must be in 1...\(model.configuration.maximumLength)")
        self.model = model
        self.tokenizer = tokenizer.anyTokenizer
        self.trainingIDs = trainingIDs
        self.validationIDs = validationIDs
        self.validationCharacters = validationCharacters
        self.context = context
        self.batchSize = max(1, batchSize)
        self.seed = seed
    }

    /// The windows' start positions of epoch `epoch`, in training order.
    func windowStarts(epoch: Int) -> [Int] {
        let generator = SeededGenerator.derived(seed: seed, stream: UInt64(epoch))
        guard trainingIDs.count > context else { return [] }
        let offset = generator.nextIndex(below: context)
        var starts = Array(stride(from: offset, through: trainingIDs.count - context - 1, by: context))
        if starts.isEmpty { starts = [0] }
        return starts.seededShuffled(using: generator)
    }

    public func batches(epoch: Int) -> [LanguageModelBatch] {
        let starts = windowStarts(epoch: epoch)
        return stride(from: 0, to: starts.count, by: batchSize).map { first in
            let chunk = starts[first..<min(first + batchSize, starts.count)]
            return LanguageModelBatch(inputs: chunk.map { Array(trainingIDs[$0..<($0 + context)]) },
                                      targets: chunk.flatMap { trainingIDs[($0 + 1)...($0 + context)] })
        }
    }

    public func loss(on batch: LanguageModelBatch, labelSmoothing: Float) -> (loss: Tensor, tokenCount: Int) {
        (crossEntropy(logits: model(batch.inputs), targets: batch.targets, ignoreIndex: nil, labelSmoothing: labelSmoothing),
         batch.targets.count)
    }

    public func validate(sampleCount: Int) throws -> (any ValidationResult)? {
        guard validationIDs.count > 1 else { return nil }
        return Self.evaluate(model: model, ids: validationIDs, characters: validationCharacters, context: context, batchSize: batchSize)
    }

    public func checkpointMetadata() throws -> [String: String] { [Self.tokenizerKey: sortedJSON(tokenizer)] }

    /// Loss per token of `model` on `ids`, predicting every token after the first from the previous ones
    /// in consecutive windows of `context` (each window starts fresh: the first tokens of a window see a
    /// shorter past, as in training). Evaluation mode, no gradients.
    public static func evaluate(model: LanguageModel, ids: [Int], characters: Int, context: Int,
                                batchSize: Int) -> LanguageModelReport {
        model.inferring {
            var lossSum: Double = 0, tokens = 0
            let starts = Array(stride(from: 0, to: ids.count - 1, by: context))
            for first in stride(from: 0, to: starts.count, by: max(1, batchSize)) {
                // Windows of equal length batch together; the last, shorter window goes alone.
                for group in Dictionary(grouping: starts[first..<min(first + max(1, batchSize), starts.count)],
                                        by: { min(context, ids.count - 1 - $0) }).sorted(by: { $0.key < $1.key }) {
                    let length = group.key
                    let inputs = group.value.map { Array(ids[$0..<($0 + length)]) }
                    let targets = group.value.flatMap { ids[($0 + 1)...($0 + length)] }
                    let loss = crossEntropy(logits: model(inputs), targets: targets, ignoreIndex: nil)
                    lossSum += Double(loss.item) * Double(targets.count)
                    tokens += targets.count
                }
            }
            return LanguageModelReport(loss: Float(lossSum / Double(max(1, tokens))), tokenCount: tokens,
                                       characterCount: characters)
        }
    }
}

/// What a language model's validation or evaluation measured.
public struct LanguageModelReport: ValidationResult, Sendable {
    /// Mean cross-entropy per predicted token, nats.
    public let loss: Float
    /// Tokens predicted.
    public let tokenCount: Int
    /// Characters of the text evaluated.
    public let characterCount: Int

    /// exp(loss).
    public var perplexity: Double { Foundation.exp(Double(loss)) }
    /// Total nats / ln 2 / characters: bits per character, comparable across tokenizers.
    public var bitsPerCharacter: Double {
        characterCount == 0 ? 0 : Double(loss) * Double(tokenCount) / Foundation.log(2) / Double(characterCount)
    }

    public var scalars: [(tag: String, value: Float)] {
        [("val/loss", loss), ("val/perplexity", Float(perplexity)), ("val/bits_per_character", Float(bitsPerCharacter))]
    }
    public var summary: String {
        String(format: "validation: loss %.4f nats/token  perplexity %.3f  %.4f bits/character", loss, perplexity, bitsPerCharacter)
    }
    public var sampleLines: [String] { [] }
    public var metric: TaskMetric { TaskMetric(name: "perplexity", value: perplexity, higherIsBetter: false) }
}
