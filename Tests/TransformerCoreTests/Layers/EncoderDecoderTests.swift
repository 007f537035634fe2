import Testing
@testable import TransformerCore

@Suite struct EncoderDecoderTests {
    static func configuration(_ placement: TransformerConfiguration.NormPlacement) -> TransformerConfiguration {
        TransformerConfiguration(sourceVocabularySize: 7, targetVocabularySize: 6, modelDimension: 4, headCount: 2,
                                 layerCount: 1, feedForwardDimension: 6, dropout: 0, maximumLength: 8,
                                 normPlacement: placement)
    }

    @Test(arguments: [TransformerConfiguration.NormPlacement.pre, .post])
    func encoderLayerGradients(placement: TransformerConfiguration.NormPlacement) throws {
        let layer = try TransformerBlock(configuration: Self.configuration(placement).block, causal: false, crossAttention: false,
                                         generator: SeededGenerator(seed: 1))
        let mask = AttentionMask.keyPadding([[3, 4, 0]], paddingIndex: 0)
        let x = randomTensor([1, 3, 4], seed: 2)
        #expect(layer(x, mask: mask).selfWeights?.shape == [1, 2, 3, 3])
        #expect(layer(x, mask: mask).crossWeights == nil)
        expectGradientsMatch([x] + layer.parameters, step: reluSafeStep) { t in weightedSum(layer(t[0], mask: mask).output) }
    }

    @Test(arguments: [TransformerConfiguration.NormPlacement.pre, .post])
    func decoderLayerGradients(placement: TransformerConfiguration.NormPlacement) throws {
        let layer = try TransformerBlock(configuration: Self.configuration(placement).block, causal: true, crossAttention: true,
                                         generator: SeededGenerator(seed: 3))
        let sourceMask = AttentionMask.keyPadding([[3, 4, 5, 0]], paddingIndex: 0)
        let targetMask = AttentionMask.target([[1, 3, 0]], paddingIndex: 0)
        let (x, memory) = (randomTensor([1, 3, 4], seed: 4), randomTensor([1, 4, 4], seed: 5))
        let step = layer(x, mask: targetMask, memory: memory, memoryMask: sourceMask)
        #expect(step.selfWeights?.shape == [1, 2, 3, 3])
        #expect(step.crossWeights?.shape == [1, 2, 3, 4])
        expectGradientsMatch([x, memory] + layer.parameters, step: reluSafeStep) { t in
            weightedSum(layer(t[0], mask: targetMask, memory: t[1], memoryMask: sourceMask).output)
        }
    }

    /// The decoder is causal end to end: changing a later target token leaves earlier logits unchanged.
    @Test func decoderOutputsDoNotSeeTheFuture() throws {
        let model = try Transformer(configuration: Self.configuration(.pre), generator: SeededGenerator(seed: 6))
        let a = model(source: [[3, 4, 5]], targetInput: [[1, 3, 4, 5]])
        let b = model(source: [[3, 4, 5]], targetInput: [[1, 3, 2, 2]])
        let v = 6
        expectClose(Array(a.scalars[0..<(2 * v)]), Array(b.scalars[0..<(2 * v)]), tolerance: Tolerance.exact)
        #expect(Array(a.scalars[(2 * v)...]) != Array(b.scalars[(2 * v)...]))
    }

    /// Padding in the source does not change the output for the real tokens.
    @Test func sourcePaddingIsInvisible() throws {
        let model = try Transformer(configuration: Self.configuration(.pre), generator: SeededGenerator(seed: 7))
        let short = model(source: [[3, 4]], targetInput: [[1, 5]])
        let padded = model(source: [[3, 4, 0, 0]], targetInput: [[1, 5]])
        expectClose(short, padded, tolerance: Tolerance.float32)
    }
}
