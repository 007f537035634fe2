import Foundation
import Testing
@testable import TransformerCore

/// Parity with Hugging Face `transformers` 5.25 on the tiny random ViTForImageClassification fixtures (see
/// ``ViTFixtures``): the processor's pixel values from the same uint8 images within ``Tolerance/vitPixels``,
/// and the logits and every layer's attention map on those pixel values within ``Tolerance/vitLogits``.
@Suite struct ViTParityTests {
    @Test(arguments: ViTFixtures.all)
    func logitsAndEveryAttentionMap(fixture: String) throws {
        let vit = try ViTModel.load(directory: ViTFixtures.directory(fixture))
        let expected = try ViTFixtures.expected(fixture)
        let (logits, attentions) = vit.model.inferring { vit.model.forward(expected.pixelValues) }
        expectClose(logits, expected.logits, tolerance: Tolerance.vitLogits)
        #expect(attentions.count == expected.attentions.count)
        #expect(attentions.count == vit.configuration.layerCount)
        for (ours, theirs) in zip(attentions, expected.attentions) {
            expectClose(ours, theirs, tolerance: Tolerance.vitLogits)
        }
    }

    /// ViTImageProcessor (Pillow's bilinear resize, rescale, normalise) on uint8 images of other sizes.
    @Test(arguments: ViTFixtures.all)
    func preprocessingMatchesTheImageProcessor(fixture: String) throws {
        let vit = try ViTModel.load(directory: ViTFixtures.directory(fixture))
        let expected = try ViTFixtures.expected(fixture)
        let c = vit.model.configuration
        #expect(expected.images.allSatisfy { $0.width != c.imageSize && $0.channels == c.channelCount })
        let pixels = ImagePreprocessor(c).pixels(expected.images)
        expectClose(pixels, expected.pixelValues, tolerance: Tolerance.vitPixels)
        // From the image to the logits, as classify-image runs it.
        let logits = vit.model.inferring { vit.model(pixels) }
        expectClose(logits, expected.logits, tolerance: Tolerance.vitLogits)
    }

    @Test func configurationLabelsAndPreprocessing() throws {
        let rgb = try ViTModel.load(directory: ViTFixtures.directory(ViTFixtures.rgb))
        #expect(rgb.labels == ["cat", "dog", "ship", "truck", "frog"])
        let c = rgb.model.configuration
        #expect(c.imageSize == 32 && c.patchSize == 8 && c.channelCount == 3 && c.classCount == 5 && c.layerCount == 2)
        #expect(c.block == BlockConfiguration(modelDimension: 32, headCount: 4, feedForwardDimension: 64, dropout: 0,
                                              normPlacement: .pre, activation: .gelu, layerNormEpsilon: 1e-12))
        #expect(c.pixelMean == [0.5, 0.5, 0.5] && c.pixelStandardDeviation == [0.5, 0.5, 0.5])
        #expect(rgb.model.parameterCount == c.parameterCount)
        // rescale_factor 1/127.5 folded into the mean and std: (x / 127.5 - 0.5) / 0.25 = (x / 255 - 0.25) / 0.125.
        let grey = try ViTModel.load(directory: ViTFixtures.directory(ViTFixtures.grey))
        #expect(grey.model.configuration.pixelMean == [0.25] && grey.model.configuration.pixelStandardDeviation == [0.125])
        #expect(grey.preprocessor.rescaleFactor == 1 / 127.5)
    }

    /// A loaded ViT is an ordinary ``VisionTransformer``: saved as a TransformerCore checkpoint and loaded
    /// back it computes the same logits bit for bit.
    @Test func savedAsCheckpointAndLoadedBack() throws {
        let vit = try ViTModel.load(directory: ViTFixtures.directory(ViTFixtures.bf16))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vit-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(model: vit.model, to: url)
        let reloaded = try Checkpoint.load(from: url).model(VisionTransformer.self)
        #expect(reloaded.configuration == vit.model.configuration)
        reloaded.setTraining(false)
        let pixels = try ViTFixtures.expected(ViTFixtures.bf16).pixelValues
        #expect(reloaded.inferring { reloaded(pixels) }.scalars == vit.model.inferring { vit.model(pixels) }.scalars)
    }
}

/// The Swift snippet of docs/vision-transformer.md and ``ViTModel``'s documentation, on a fixture.
@Suite struct ViTDocumentationSnippetTests {
    @Test func documentationSnippet() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vit-snippet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let png = directory.appendingPathComponent("cat.png")
        try CLIPretrainedViTTests.writePNG(try ViTFixtures.expected(ViTFixtures.rgb).images[0], to: png)

        let vit = try ViTModel.load(directory: ViTFixtures.directory(ViTFixtures.rgb))
        let image = try ImageDataset.image(at: png)
        let pixels = ImagePreprocessor(vit.model.configuration).pixels([image])        // [1, 3, 32, 32]
        let (logits, attention) = vit.model.inferring { vit.model.forward(pixels) }    // [1, 5], 2 x [1, 4, 17, 17]
        let best = vit.labels[logits.scalars.indices.max { logits.scalars[$0] < logits.scalars[$1] }!]

        #expect(pixels.shape == [1, 3, 32, 32] && logits.shape == [1, 5] && attention.map(\.shape) == [[1, 4, 17, 17], [1, 4, 17, 17]])
        let expected = Array(try ViTFixtures.expected(ViTFixtures.rgb).logits.scalars[0..<5])
        #expect(best == vit.labels[expected.indices.max { expected[$0] < expected[$1] }!])
    }
}

extension Tolerance {
    /// Our Float32 forward pass against PyTorch's: different summation orders (blocked GEMM, fused attention)
    /// on values of size ~1 leave differences of a few 1e-6 (the fixtures' float32-to-float64 spread is
    /// below 1e-6); 1e-4 is the bound.
    static let vitLogits: Float = 1e-4
    /// Our (x / 255 - mean') / std' against transformers' (x r - mean) / std in float64 then float32: the
    /// same resized bytes, different rounding of the rescale, a few ulps of values up to ~2.
    static let vitPixels: Float = 1e-5
}
