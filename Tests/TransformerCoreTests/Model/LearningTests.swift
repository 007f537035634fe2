import Testing
@testable import TransformerCore

/// End-to-end: a tiny seeded Transformer must actually learn simple sequence tasks with Adam.
@Suite struct LearningTests {
    /// Token ids: 0 padding, 1 start, 2 end, 3..<vocabulary symbols.
    static let vocabulary = 8
    static let steps = 300
    /// The loss compared is the mean over this many final steps, so one lucky batch cannot pass.
    static let averagedSteps = 10
    /// Mean cross-entropy (nats) the model must get below; chance level is log(8) = 2.08.
    static let lossThreshold: Float = 0.1

    static let configuration = TransformerConfiguration(
        sourceVocabularySize: vocabulary, targetVocabularySize: vocabulary, modelDimension: 16, headCount: 2,
        layerCount: 1, feedForwardDimension: 32, dropout: 0, maximumLength: 16)

    /// Trains on random sequences mapped by `task`; returns the mean loss of the last `averagedSteps` steps.
    static func finalLoss(task: ([Int]) -> [Int], seed: UInt64) throws -> Float {
        let generator = SeededGenerator(seed: seed)
        let model = try Transformer(configuration: configuration, generator: generator)
        let optimizer = Adam(parameters: model.parameters, learningRate: 0.005)
        var losses: [Float] = []
        for _ in 0..<steps {
            let sources = (0..<16).map { _ in (0..<4).map { _ in 3 + Int(generator.next() % UInt64(vocabulary - 3)) } }
            let targets = sources.map { task($0) + [2] }                     // [B, T] with T = 5
            let targetInputs = targets.map { [1] + $0.dropLast() }           // shifted right behind <sos>
            optimizer.zeroGradients()
            let logits = model(source: sources, targetInput: targetInputs)   // [B, T, V]
            let batchLoss = crossEntropy(logits: logits, targets: targets.flatMap { $0 }, ignoreIndex: 0)
            batchLoss.backward()
            optimizer.step()
            losses.append(batchLoss.item)
        }
        return losses.suffix(averagedSteps).reduce(0, +) / Float(averagedSteps)
    }

    @Test func learnsToCopy() throws {
        let loss = try Self.finalLoss(task: { $0 }, seed: 1)
        #expect(loss < Self.lossThreshold, "copy loss after \(Self.steps) steps: \(loss)")
    }

    @Test func learnsToReverse() throws {
        let loss = try Self.finalLoss(task: { $0.reversed() }, seed: 2)
        #expect(loss < Self.lossThreshold, "reverse loss after \(Self.steps) steps: \(loss)")
    }
}
