import Foundation
import Testing
@testable import TransformerCore

/// Parity with Hugging Face `transformers` 5.23 on the tiny random MarianMT fixtures (see ``MarianFixtures``):
/// the encoder output and decoder logits of a teacher-forced pass within ``Tolerance/marianLogits``, and
/// `generate`'s token ids exactly (greedy, beam search with length penalties 0.6 / 1.5 / 2, early stopping
/// true / false / "never", max_new_tokens, and the directory's own generation_config.json), with the beam
/// scores within ``Tolerance/marianLogits``.
@Suite struct MarianParityTests {
    @Test(arguments: MarianFixtures.all)
    func teacherForcedEncoderOutputAndLogits(fixture: String) throws {
        let marian = try MarianModel.load(directory: MarianFixtures.directory(fixture))
        // Marian is scaled dot-product attention everywhere (the checkpoint schema has no additive scorer).
        #expect(marian.model.configuration.selfAttention == .dotProduct && marian.model.configuration.crossAttention == .dotProduct)
        #expect((marian.model.encoder.layers + marian.model.decoder.layers).allSatisfy {
            $0.selfAttention is MultiHeadAttention && ($0.crossAttention == nil || $0.crossAttention is MultiHeadAttention)
        })
        let expected = try MarianFixtures.expected(fixture)
        let padded = paddedSources(expected.sources, padding: marian.configuration.padToken)
        let output = Tensor.withoutGradients { () -> (Tensor, Tensor) in
            let encoded = marian.model.encode(padded)
            let logits = marian.model.decode(expected.decoderInput, memory: encoded.memory, sourceMask: encoded.sourceMask).logits
            return (encoded.memory, logits)
        }
        #expect(output.0.shape == expected.memoryShape)
        #expect(output.1.shape == expected.logitsShape)
        expectClose(output.0.scalars, expected.memory, tolerance: Tolerance.marianLogits)
        expectClose(output.1.scalars, expected.logits, tolerance: Tolerance.marianLogits)
    }

    @Test(arguments: MarianFixtures.all)
    func generateMatchesTransformers(fixture: String) throws {
        let marian = try MarianModel.load(directory: MarianFixtures.directory(fixture))
        let expected = try MarianFixtures.expected(fixture)
        #expect(expected.cases.count == 6)
        for (name, testCase) in expected.cases.sorted(by: { $0.key < $1.key }) {
            let settings = MarianFixtures.settings(marian.generationSettings, arguments: testCase.arguments)
            let results = try marian.generate(expected.sources, settings: settings)
            #expect(results.map(\.tokens) == testCase.outputs.map(\.tokens), "\(fixture) \(name)")
            for (result, reference) in zip(results, testCase.outputs) {
                #expect((result.score == nil) == (reference.score == nil), "\(fixture) \(name)")
                if let score = result.score, let referenceScore = reference.score {
                    #expect(abs(score - referenceScore) <= Tolerance.marianLogits, "\(fixture) \(name): \(score) vs \(referenceScore)")
                }
            }
        }
    }

    /// Decoding a source alone gives what it gives in the padded batch (rows are independent).
    @Test func batchedAndSingleSourcesAgree() throws {
        let marian = try MarianModel.load(directory: MarianFixtures.directory(MarianFixtures.swish))
        let sources = try MarianFixtures.expected(MarianFixtures.swish).sources
        let batched = try marian.generate(sources)
        for (index, source) in sources.enumerated() {
            #expect(try marian.generate([source])[0].tokens == batched[index].tokens)
        }
        #expect(try marian.generate(sources, batchSize: 2) == batched)
        var greedy = marian.generationSettings
        greedy.beamCount = 1
        #expect(try marian.generate(sources, settings: greedy, batchSize: 1) == marian.generate(sources, settings: greedy))
    }

    func paddedSources(_ sources: [[Int]], padding: Int) -> [[Int]] {
        let width = sources.map(\.count).max() ?? 0
        return sources.map { $0 + Array(repeating: padding, count: width - $0.count) }
    }
}

extension Tolerance {
    /// Our Float32 forward pass against PyTorch's: different summation orders (blocked GEMM, fused
    /// attention) on values of size ~10 leave differences of a few 1e-6; 1e-4 is the bound.
    static let marianLogits: Float = 1e-4
}

/// A loaded Marian model is an ordinary ``Transformer``: saved as a TransformerCore checkpoint and loaded
/// back it computes the same logits and decodes the same ids (so `translate --checkpoint` can run converted
/// models once a tokenizer is wired).
@Suite struct MarianCheckpointRoundTripTests {
    @Test(arguments: [MarianFixtures.swish, MarianFixtures.gelu])
    func savedAsCheckpointAndLoadedBack(fixture: String) throws {
        let marian = try MarianModel.load(directory: MarianFixtures.directory(fixture))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("marian-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(model: marian.model, to: url)
        let reloaded = try Checkpoint.load(from: url).model(Transformer.self)
        #expect(reloaded.configuration == marian.model.configuration)
        reloaded.setTraining(false)
        let source = [[3, 4, 5, 0]], target = [[marian.configuration.decoderStartToken, 6, 7]]
        let (a, b) = Tensor.withoutGradients { (marian.model(source: source, targetInput: target), reloaded(source: source, targetInput: target)) }
        #expect(a.scalars == b.scalars)
        #expect(try HuggingFaceGenerator.generate(model: reloaded, sources: source, settings: marian.generationSettings)
                == marian.generate(source))
    }
}
