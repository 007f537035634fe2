import Testing
@testable import TransformerCore

/// One optimization step: loss, backward, clipping, Adam with the scheduled rate; divergence detection.
@Suite struct TrainingStepTests {
    func setUp() throws -> (model: Transformer, optimizer: Adam, batch: Batch) {
        let (training, _, tokenizers) = try TrainingFixtures.data()
        var configuration = TrainingFixtures.configuration(vocabulary: tokenizers.source.vocabularySize)
        configuration.dropout = 0
        let model = try Transformer(configuration: configuration, generator: SeededGenerator(seed: 1))
        return (model, Adam(parameters: model.parameters), Batch(examples: Array(training.prefix(8)), specialTokens: .standard))
    }

    @Test func repeatedStepsReduceTheLoss() throws {
        let (model, optimizer, batch) = try setUp()
        var results: [StepResult] = []
        for step in 1...30 {
            results.append(try trainingStep(model: model, optimizer: optimizer, source: batch.source,
                                            targetInput: batch.targetInput, targetOutput: batch.targetOutput, step: step,
                                            schedule: .constant(0.01), labelSmoothing: 0, maximumGradientNorm: 1))
        }
        #expect(results.last!.loss < results.first!.loss * 0.5, "\(results.map(\.loss))")
        #expect(results.allSatisfy { $0.tokenCount == batch.tokenCount && $0.learningRate == 0.01 })
        #expect(optimizer.stepCount == 30)
    }

    @Test func reportsTheScheduledRateAndTheNormBeforeClipping() throws {
        let (model, optimizer, batch) = try setUp()
        let schedule = LearningRateSchedule.inverseSquareRoot(modelDimension: 16, warmupSteps: 10, scale: 1)
        let result = try trainingStep(model: model, optimizer: optimizer, source: batch.source, targetInput: batch.targetInput,
                                      targetOutput: batch.targetOutput, step: 7, schedule: schedule, labelSmoothing: 0.1,
                                      maximumGradientNorm: 1e-3)
        #expect(result.learningRate == schedule.rate(at: 7))
        #expect(result.gradientNorm > 1e-3)   // the norm before clipping
        let after = clipGradientNorm(optimizer.parameters, maximumNorm: .infinity)
        #expect(abs(after - 1e-3) < 1e-6)     // the gradients Adam used were clipped
    }

    @Test func nonFiniteLossThrowsAndLeavesParametersUntouched() throws {
        let (model, optimizer, batch) = try setUp()
        // One NaN in the source embedding poisons every logit of the row that uses it.
        let embedding = model.sourceEmbedding.weight
        embedding.withMutableScalars { $0[embedding.shape[1] * batch.source[0][0]] = .nan }
        let before = TrainingFixtures.weightBits(model)
        #expect(throws: DivergenceError.self) {
            try trainingStep(model: model, optimizer: optimizer, source: batch.source, targetInput: batch.targetInput,
                             targetOutput: batch.targetOutput, step: 5, schedule: .constant(0.01), labelSmoothing: 0.1,
                             maximumGradientNorm: 1)
        }
        do {
            _ = try trainingStep(model: model, optimizer: optimizer, source: batch.source, targetInput: batch.targetInput,
                                 targetOutput: batch.targetOutput, step: 5, schedule: .constant(0.01), labelSmoothing: 0.1,
                                 maximumGradientNorm: nil)
        } catch {
            #expect(error.step == 5)
            #expect(!error.loss.isFinite || !error.gradientNorm.isFinite)
            #expect(error.description.hasPrefix("training diverged at step 5: loss "))
        }
        #expect(TrainingFixtures.weightBits(model) == before)
        #expect(optimizer.stepCount == 0)
        #expect(optimizer.firstMoments.allSatisfy { $0.allSatisfy { $0 == 0 } })
    }
}
