import Foundation
import Testing
@testable import TransformerCore

/// ``VisionTransformer``: patch order, the patch embedding as a convolution, shapes, gradients,
/// parameter count, configuration errors, checkpoints, and training on a learnable image task.
@Suite struct VisionTransformerTests {
    /// 8x8 pixels, patches of 4 (a 2x2 grid: 5 positions with [CLS]), d_model 8, 1 block, 3 classes.
    static func configuration(channels: Int = 1, dropout: Float = 0, layers: Int = 1) -> VisionConfiguration {
        VisionConfiguration(imageSize: 8, patchSize: 4, channelCount: channels, classCount: 3,
                            block: BlockConfiguration(modelDimension: 8, headCount: 2, feedForwardDimension: 12, dropout: dropout,
                                                      activation: .gelu),
                            layerCount: layers)
    }

    static func model(channels: Int = 1, seed: UInt64 = 1, layers: Int = 1) throws -> VisionTransformer {
        try VisionTransformer(configuration: configuration(channels: channels, layers: layers), generator: SeededGenerator(seed: seed))
    }

    @Test func logitsAndAttentionShapes() throws {
        let vit = try Self.model(layers: 2)
        let (logits, weights) = vit.forward(randomTensor([3, 1, 8, 8], seed: 2))
        #expect(logits.shape == [3, 3])
        #expect(weights.map(\.shape) == [[3, 2, 5, 5], [3, 2, 5, 5]])
        #expect(vit.attentionSites.map(\.name) == ["encoder 0", "encoder 1"])
    }

    /// Patch n = (gy, gx) in row-major grid order, flattened (channel, y, x).
    @Test func patchesAreFlattenedChannelYX() throws {
        let vit = try VisionTransformer(configuration: VisionConfiguration(imageSize: 4, patchSize: 2, channelCount: 3, classCount: 2,
                                                                           block: BlockConfiguration(modelDimension: 4, headCount: 1, feedForwardDimension: 4),
                                                                           layerCount: 1), generator: SeededGenerator(seed: 0))
        // pixel value = 100 c + 10 y + x
        var values: [Float] = []
        for c in 0..<3 { for y in 0..<4 { for x in 0..<4 { values.append(Float(100 * c + 10 * y + x)) } } }
        let pixels = Tensor(shape: [1, 3, 4, 4], scalars: values)
        let patches = vit.patches(pixels)
        #expect(patches.shape == [1, 4, 12])
        var expected: [Float] = []
        for gy in 0..<2 { for gx in 0..<2 { for c in 0..<3 { for y in 0..<2 { for x in 0..<2 {
            expected.append(Float(100 * c + 10 * (2 * gy + y) + 2 * gx + x))
        } } } } }
        #expect(patches.scalars == expected)
    }

    /// The patch embedding equals a convolution with kernel and stride P whose weight [C, ch, P, P] is the
    /// Linear weight [C, ch P P] (how Hugging Face's Conv2d weights load).
    @Test func patchEmbeddingIsAStridedConvolution() throws {
        let vit = try Self.model(channels: 3, seed: 5)
        let pixels = randomTensor([2, 3, 8, 8], seed: 6)
        let embedded = vit.patchEmbedding(vit.patches(pixels))                          // [2, 4, 8]
        let w = vit.patchEmbedding.weight.scalars, b = vit.patchEmbedding.bias!.scalars, x = pixels.scalars
        var convolution: [Float] = []
        for batch in 0..<2 { for gy in 0..<2 { for gx in 0..<2 { for out in 0..<8 {
            var sum = b[out]
            for c in 0..<3 { for y in 0..<4 { for xx in 0..<4 {
                sum += w[((out * 3 + c) * 4 + y) * 4 + xx] * x[((batch * 3 + c) * 8 + gy * 4 + y) * 8 + gx * 4 + xx]
            } } }
            convolution.append(sum)
        } } } }
        expectClose(embedded.scalars, convolution, tolerance: Tolerance.float32)
    }

    @Test func gradientsMatchFiniteDifferencesForPixelsAndParameters() throws {
        let vit = try Self.model(seed: 7)
        let pixels = Tensor.uniform([2, 1, 8, 8], in: -1...1, generator: SeededGenerator(seed: 8), requiresGradient: true)
        expectGradientsMatch([pixels]) { t in weightedSum(vit(t[0])) }
        let checked = [vit.classToken, vit.patchEmbedding.weight, vit.positionalEncoding.learned!.weight, vit.head.bias!]
        let report = GradientCheck.check(checked) { _ in weightedSum(vit(pixels)) }
        #expect(report.maximumError <= Tolerance.gradient, "\(report)")
    }

    @Test func parameterCountInClosedForm() throws {
        for channels in [1, 3] {
            let vit = try Self.model(channels: channels)
            #expect(vit.parameterCount == vit.configuration.parameterCount)
        }
    }

    @Test(arguments: [
        (VisionConfiguration(imageSize: 10, patchSize: 4, channelCount: 1, classCount: 3), "patchSize: expected a divisor of the image size 10, got 4"),
        (VisionConfiguration(imageSize: 8, patchSize: 4, channelCount: 2, classCount: 3), "channelCount: expected 1 (grey) or 3 (RGB), got 2"),
        (VisionConfiguration(imageSize: 8, patchSize: 4, channelCount: 1, classCount: 1), "classCount: expected at least 2 classes, got 1"),
        (VisionConfiguration(imageSize: 8, patchSize: 4, channelCount: 1, classCount: 3, pixelMean: [0.5], pixelStandardDeviation: [0]),
         "pixelNormalization: expected 1 finite means and 1 positive standard deviations, got means [0.5], standard deviations [0.0]"),
    ])
    func invalidConfigurationsNameTheField(configuration: VisionConfiguration, message: String) {
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        do { try configuration.validate() } catch { #expect(error.description == message) }
    }

    @Test func checkpointRoundTripKeepsFamilyAndLogits() throws {
        let vit = try Self.model(channels: 3, seed: 9)
        let pixels = randomTensor([2, 3, 8, 8], seed: 10)
        let before = vit.inferring { vit(pixels) }
        try SerializationFixtures.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("vit.safetensors")
            try Checkpoint.save(model: vit, to: url)
            #expect(try Checkpoint.inspect(url).family == .visionTransformer)
            let loaded = try Checkpoint.load(from: url).model(VisionTransformer.self)
            #expect(loaded.configuration == vit.configuration)
            expectClose(loaded.inferring { loaded(pixels) }, before, tolerance: Tolerance.exact)
        }
    }

    /// Three classes of 8x8 grey images told apart by where a bright square sits (top-left, top-right,
    /// bottom half), with noise: the trainer must learn it.
    static func squares(count: Int, seed: UInt64) -> [ImageExample] {
        let generator = SeededGenerator(seed: seed)
        return (0..<count).map { i in
            let label = i % 3
            var pixels = (0..<64).map { _ in UInt8(generator.nextIndex(below: 60)) }
            for y in 0..<8 { for x in 0..<8 {
                let inside = label == 0 ? (y < 4 && x < 4) : label == 1 ? (y < 4 && x >= 4) : y >= 4
                if inside { pixels[y * 8 + x] = UInt8(180 + generator.nextIndex(below: 70)) }
            } }
            return ImageExample(image: PixelImage(width: 8, height: 8, channels: 1, pixels: pixels), label: label)
        }
    }

    @Test func trainerLearnsAnImageTask() throws {
        let training = Self.squares(count: 48, seed: 11), validation = Self.squares(count: 12, seed: 12)
        let options = TrainingOptions(epochs: 15, batchSentences: 8, schedule: .constant(3e-3), labelSmoothing: 0,
                                      maximumGradientNorm: 1, seed: 3, logInterval: 5, sampleCount: 0, maximumDecodeLength: 0)
        let generator = SeededGenerator(seed: 3)
        var c = Self.configuration()
        let statistics = ImagePreprocessor.statistics(of: training.map(\.image), channels: 1)
        (c.pixelMean, c.pixelStandardDeviation) = (statistics.mean, statistics.standardDeviation)
        let vit = try VisionTransformer(configuration: c, generator: generator)
        let task = ImageClassificationTask(model: vit, labels: ["left", "right", "bottom"], training: training, validation: validation,
                                           batchSize: 8, augmentation: ImageAugmentation(cropPadding: 1), seed: 3)
        let before = ImageClassificationTask.evaluate(model: vit, examples: validation, batchSize: 8)
        try TrainingFixtures.withTemporaryDirectory { directory in
            let trainer = Trainer(task: task, optimizer: Adam(parameters: vit.parameters, beta1: 0.9, beta2: 0.98, epsilon: 1e-9),
                                  options: options, generator: generator, checkpointDirectory: directory,
                                  logger: nil, progress: nil, say: { _ in })
            let summary = try trainer.run()
            let report = try #require(summary.lastReport as? ClassificationReport)
            #expect(report.loss < before.loss / 2, "validation loss \(before.loss) -> \(report.loss)")
            #expect(report.metrics.accuracy == 1, "accuracy \(report.metrics.accuracy)")
            let best = try Checkpoint.load(from: trainer.bestCheckpoint)
            #expect(best.metadata[TrainingRecord.taskKey] == "image-classify")
            #expect(best.metadata[ImageClassificationTask.labelsKey] == "[\"left\",\"right\",\"bottom\"]")
        }
    }

    @Test func epochsVisitEveryImageOnceInASeededOrder() throws {
        let vit = try Self.model()
        let examples = Self.squares(count: 20, seed: 13)
        func task(_ seed: UInt64) -> ImageClassificationTask {
            ImageClassificationTask(model: vit, labels: ["a", "b", "c"], training: examples, validation: [], batchSize: 6, seed: seed)
        }
        let plan = task(4).batches(epoch: 0).map(\.members)
        #expect(plan.map(\.count) == [6, 6, 6, 2])
        #expect(plan.flatMap { $0 }.sorted() == Array(0..<20))
        #expect(task(4).batches(epoch: 0).map(\.members) == plan)
        #expect(task(4).batches(epoch: 1).map(\.members) != plan)
        #expect(task(5).batches(epoch: 0).map(\.members) != plan)
        // Augmented pixels depend on (seed, epoch, image) only.
        let augmented = ImageClassificationTask(model: vit, labels: ["a", "b", "c"], training: examples, validation: [], batchSize: 6,
                                                augmentation: ImageAugmentation(flip: true, cropPadding: 2), seed: 4)
        let batch = augmented.batches(epoch: 2)[1]
        #expect(augmented.inputs(of: batch).pixels.scalars == augmented.inputs(of: batch).pixels.scalars)
        #expect(augmented.inputs(of: batch).labels == batch.members.map { examples[$0].label })
    }

    /// The Swift snippet of docs/vision-transformer.md, with the image written first.
    @Test func documentationSnippetRuns() throws {
        try SerializationFixtures.withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("boot.pgm").path
            try (Data("P5\n28 28\n255\n".utf8) + Data((0..<784).map { UInt8($0 % 256) })).write(to: URL(fileURLWithPath: path))
            let c = VisionConfiguration(imageSize: 28, patchSize: 4, channelCount: 1, classCount: 10,
                                        block: BlockConfiguration(modelDimension: 64, headCount: 4, feedForwardDimension: 128,
                                                                  dropout: 0, activation: .gelu),
                                        layerCount: 4, pixelMean: [0.2860], pixelStandardDeviation: [0.3530])
            let vit = try VisionTransformer(configuration: c, generator: SeededGenerator(seed: 0))
            let preprocessor = ImagePreprocessor(c)
            let image = try ImageDataset.image(at: URL(fileURLWithPath: path))
            let logits = vit.inferring { vit(preprocessor.pixels([image])) }   // [1, 10]
            #expect(logits.shape == [1, 10] && logits.scalars.allSatisfy(\.isFinite))
        }
    }
}
