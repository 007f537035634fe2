import Foundation
import Testing
@testable import TransformerCore

/// Head importance by ablation and by the gradient proxy of Michel et al. 2019, and iterative pruning.
@Suite struct HeadImportanceTests {
    /// A central difference of the loss in one gate against the backward pass's derivative.
    static let gradientTolerance: Float = 1e-3
    static let gateStep: Float = 1e-2

    /// A random 2-layer, 4-head classifier and a task over 12 generated texts (training = validation).
    static func classifierTask(seed: UInt64 = 21) throws -> ClassificationTask {
        let model = try EncoderClassifier(configuration: ClassifierConfiguration(
            vocabularySize: 12, classCount: 2,
            block: BlockConfiguration(modelDimension: 16, headCount: 4, feedForwardDimension: 32, dropout: 0.1),
            layerCount: 2, maximumLength: 8, pooling: .mean), generator: SeededGenerator(seed: seed))
        let random = SeededGenerator(seed: seed + 1)
        let examples = (0..<12).map { i in
            LabeledExample(ids: (0..<(3 + i % 4)).map { _ in 4 + Int(random.next() % 8) }, label: i % 2)
        }
        let tokenizer = try Tokenizer.build(kind: .word, texts: ["a b c d e f g h"])
        return ClassificationTask(model: model, tokenizer: tokenizer, labels: ["no", "yes"], training: examples,
                                  validation: examples, batchSize: .sentences(6), seed: 0)
    }

    @Test func aHeadThatContributesNothingScoresZeroBothWays() throws {
        let task = try Self.classifierTask()
        let site = task.model.attentionSites[1]                      // encoder layer 1
        let d = site.attention.headDimension, width = site.attention.headCount * d
        let attention = try #require(site.attention as? MultiHeadAttention)
        attention.output.weight.withMutableScalars { w in             // head 2's D columns of W^O set to 0
            for row in 0..<16 { for col in (2 * d)..<(3 * d) { w[row * width + col] = 0 } }
        }
        let importance = try HeadImportance.measure(task)
        #expect(importance.heads.count == 8 && importance.gradientBatchCount == 2)
        let dead = try #require(importance.heads.first { $0.kind == .encoderSelf && $0.layer == 1 && $0.head == 2 })
        #expect(dead.ablatedLoss == importance.baselineLoss)
        #expect(dead.gradient == 0)
        let others = importance.heads.filter { $0 != dead }
        #expect(others.allSatisfy { $0.gradient > 0 }, "\(others.map(\.gradient))")
        #expect(others.contains { $0.ablatedLoss != importance.baselineLoss })
        // The gates are removed and the model is back in training mode.
        #expect(task.model.attentionSites.allSatisfy { $0.attention.headGate == nil })
        #expect(task.model.isInTrainingMode)
        #expect(importance.leastImportant(1) == PrunedHeads([.encoderSelf: [1: [2]]]))
    }

    @Test func theGradientProxyIsTheDerivativeOfTheLossInTheGate() throws {
        let task = try Self.classifierTask(seed: 31)
        let importance = try HeadImportance.measure(task, gradientBatches: 1)
        let batch = task.batches(epoch: 0)[0]
        let site = task.model.attentionSites[0]
        task.model.setTraining(false)
        defer { site.attention.headGate = nil }
        func loss(_ gate: Float) -> Float {
            site.attention.headGate = Tensor(shape: [4], scalars: [1, gate, 1, 1])
            return Tensor.withoutGradients { task.loss(on: batch, labelSmoothing: 0).loss.item }
        }
        let difference = (loss(1 + Self.gateStep) - loss(1 - Self.gateStep)) / (2 * Self.gateStep)
        let measured = try #require(importance.heads.first { $0.layer == 0 && $0.head == 1 })
        #expect(abs(Float(measured.gradient) - abs(difference)) <= Self.gradientTolerance,
                "backward \(measured.gradient), central difference \(difference)")
        let layer0 = importance.heads.filter { $0.layer == 0 }
        let norm = layer0.reduce(0) { $0 + $1.gradient * $1.gradient }.squareRoot()
        #expect(abs(measured.normalizedGradient - measured.gradient / norm) <= Double(Tolerance.exact))
    }

    @Test func leastImportantNeverTakesTheLastHeadOfAnAttention() throws {
        let importance = try HeadImportance.measure(try Self.classifierTask())
        let all = importance.leastImportant(100)
        #expect(all.count == 6)
        #expect(all.removedHeads(.encoderSelf, layer: 0).count == 3 && all.removedHeads(.encoderSelf, layer: 1).count == 3)
    }

    @Test func additiveHeadsAreMeasuredButNeverChosenForPruning() throws {
        let task = try Self.classifierTask()
        var c = task.model.configuration
        c.block.selfAttention = .additive
        let additive = ClassificationTask(model: try EncoderClassifier(configuration: c, generator: SeededGenerator(seed: 41)),
                                          tokenizer: task.tokenizer, labels: task.labels, training: task.training,
                                          validation: task.validation, batchSize: task.batchSize, seed: 0)
        let importance = try HeadImportance.measure(additive)
        #expect(importance.heads.count == 8 && importance.heads.allSatisfy { !$0.isPrunable && $0.gradient > 0 })
        #expect(importance.leastImportant(3).isEmpty)
    }

    @Test func iterativePruningStopsAtTheKeptFraction() throws {
        let task = try Self.classifierTask()
        let batchSize = task.batchSize
        var steps = 0
        let pruned = try task.model.pruningIteratively(keepFraction: 0.5, stepHeads: 1, makeTask: { model in
            ClassificationTask(model: model, tokenizer: task.tokenizer, labels: task.labels, training: task.training,
                               validation: task.validation, batchSize: batchSize, seed: 0)
        }, onStep: { _, _ in steps += 1 })
        #expect(steps == 4)
        #expect(pruned.prunedHeads.count == 4)
        #expect(pruned.attentionSites.map(\.keptHeads.count).reduce(0, +) == 4)
        #expect(pruned.parameterCount < task.model.parameterCount)
    }
}
