import Foundation

/// One labelled image, already prepared (``ImagePreprocessor/prepared(_:)``: the model's channels and size).
public struct ImageExample: Equatable, Sendable {
    public var image: PixelImage
    public var label: Int

    public init(image: PixelImage, label: Int) {
        self.image = image
        self.label = label
    }
}

/// A batch of images: which examples, in which epoch (the augmentation's draws depend on both), so the
/// pixels are built only when the batch is trained on.
public struct ImageBatch: Sendable {
    /// Indices into the task's training examples.
    public let members: [Int]
    public let epoch: Int
}

/// Image classification with the ``VisionTransformer``: shuffled batches of images (augmented when
/// asked), cross-entropy over the classes, validation by loss, accuracy and macro-F1.
///
/// Reproducibility: epoch e's order and every augmentation draw of image i in epoch e come from
/// sub-streams of the seed, so a resumed run sees the same pixels.
public final class ImageClassificationTask: TrainingTask {
    public static let name = "image-classify"
    /// Checkpoint metadata key of the class names.
    public static let labelsKey = "labels"

    public let model: VisionTransformer
    public let preprocessor: ImagePreprocessor
    /// The class names; class k is `labels[k]`.
    public let labels: [String]
    public let training: [ImageExample]
    public let validation: [ImageExample]
    public let batchSize: Int
    public let augmentation: ImageAugmentation
    public let seed: UInt64

    public init(model: VisionTransformer, labels: [String], training: [ImageExample], validation: [ImageExample],
                batchSize: Int, augmentation: ImageAugmentation = .none, seed: UInt64) {
        precondition(batchSize > 0, "ImageClassificationTask needs a positive batch size")
        self.model = model
        preprocessor = ImagePreprocessor(model.configuration)
        self.labels = labels
        self.training = training
        self.validation = validation
        self.batchSize = batchSize
        self.augmentation = augmentation
        self.seed = seed
    }

    public func batches(epoch: Int) -> [ImageBatch] {
        let order = Array(0..<training.count).seededShuffled(using: .derived(seed: seed, stream: UInt64(epoch)))
        return stride(from: 0, to: order.count, by: batchSize).map {
            ImageBatch(members: Array(order[$0..<min($0 + batchSize, order.count)]), epoch: epoch)
        }
    }

    /// The batch's input `[B, ch, S, S]`, augmented, and its labels.
    public func inputs(of batch: ImageBatch) -> (pixels: Tensor, labels: [Int]) {
        let images = batch.members.map { index -> PixelImage in
            let stream = UInt64(batch.epoch) &* UInt64(training.count) &+ UInt64(index)
            return augmentation.apply(training[index].image, generator: .derived(seed: seed ^ 0xA5A5_5A5A, stream: stream))
        }
        return (preprocessor.normalised(images), batch.members.map { training[$0].label })
    }

    /// CE(model(pixels), labels): one target per image.
    public func loss(on batch: ImageBatch, labelSmoothing: Float) -> (loss: Tensor, tokenCount: Int) {
        let (pixels, labels) = inputs(of: batch)
        return (crossEntropy(logits: model(pixels), targets: labels, ignoreIndex: nil, labelSmoothing: labelSmoothing),
                labels.count)
    }

    public func validate(sampleCount: Int) throws -> (any ValidationResult)? {
        guard !validation.isEmpty else { return nil }
        return Self.evaluate(model: model, examples: validation, batchSize: batchSize)
    }

    public func checkpointMetadata() throws -> [String: String] {
        [Self.labelsKey: sortedJSON(labels)]
    }

    /// Loss, predictions and metrics of `model` on prepared `examples`, in evaluation mode without gradients.
    public static func evaluate(model: VisionTransformer, examples: [ImageExample], batchSize: Int) -> ClassificationReport {
        let probabilities = probabilities(model: model, images: examples.map(\.image), batchSize: batchSize)
        let k = model.configuration.classCount
        var lossSum: Double = 0
        var predictions = [Int](repeating: 0, count: examples.count)
        for (i, example) in examples.enumerated() {
            let p = Array(probabilities[(i * k)..<((i + 1) * k)])                                  // [K]
            lossSum -= Double(Foundation.log(max(p[example.label], Float.leastNormalMagnitude)))
            predictions[i] = (0..<k).max { p[$0] < p[$1] || (p[$0] == p[$1] && $0 > $1) }!       // first of ties
        }
        let metrics = ClassificationMetrics(predictions: predictions, labels: examples.map(\.label), classCount: k)
        return ClassificationReport(loss: Float(lossSum / Double(max(1, examples.count))), predictions: predictions, metrics: metrics)
    }

    /// Class probabilities `[n K]` (row-major) of prepared images, in evaluation mode without gradients.
    public static func probabilities(model: VisionTransformer, images: [PixelImage], batchSize: Int) -> [Float] {
        let preprocessor = ImagePreprocessor(model.configuration)
        return model.inferring {
            var result: [Float] = []
            result.reserveCapacity(images.count * model.configuration.classCount)
            for start in stride(from: 0, to: images.count, by: max(1, batchSize)) {
                let chunk = Array(images[start..<min(start + batchSize, images.count)])
                result += model(preprocessor.normalised(chunk)).softmax().scalars          // [B, K]
            }
            return result
        }
    }
}
