import Foundation
import TransformerCore

/// `train --task image-classify`: read the images, build the Vision Transformer (or take it from the
/// --resume checkpoint) and its task; `TrainCommand+Tasks.swift` runs it with the same trainer as every task.
extension TrainCommand {
    /// `--augment flip,crop:3` -> the augmentation; `none` -> none.
    static func augmentation(parsing text: String) throws(UsageError) -> ImageAugmentation {
        var result = ImageAugmentation.none
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !items.isEmpty else { throw .invalidValue(option: "augment", expected: "none, flip, crop or crop:N", found: "'\(text)'") }
        for item in items {
            if item == "none", items.count == 1 { continue }
            if item == "flip" { result.flip = true; continue }
            if item == "crop" { result.cropPadding = 2; continue }
            if item.hasPrefix("crop:"), let n = Int(item.dropFirst(5)), (1...64).contains(n) { result.cropPadding = n; continue }
            throw .invalidValue(option: "augment", expected: "a comma-separated list of flip, crop, crop:N (N from 1 to 64), or none",
                                found: "'\(item)'")
        }
        return result
    }

    /// One split of an image dataset, as a one-line error naming the directory or file when it cannot be read.
    static func readImages(_ path: String, split: ImageDataset.Split) throws -> ImageDataset {
        do { return try ImageDataset.read(URL(fileURLWithPath: path), split: split) }
        catch { throw CommandFailure("\(error)", status: ExitCode.dataError) }
    }

    /// The image task of a new run (`resumed` nil) or of the checkpoint being resumed, and the summary lines.
    func imageTask(_ dataOptions: TaskDataOptions, resumed: LoadedCheckpoint?, block: BlockConfiguration, layers: Int,
                   generator: SeededGenerator) throws -> (ImageClassificationTask, [String]) {
        let dataPath = dataOptions.data
        let all = try Self.readImages(dataPath, split: .train)
        var training = all.examples, held: [(image: PixelImage, label: Int)] = []
        var validationName = "none"
        if let path = dataOptions.validationData {
            let validation = try Self.readImages(path, split: .test)
            guard validation.classes == all.classes else {
                throw CommandFailure("\(path): its classes (\(validation.classes.joined(separator: ", "))) differ from those of "
                                     + "\(dataPath) (\(all.classes.joined(separator: ", ")))", status: ExitCode.dataError)
            }
            held = validation.examples
            validationName = path
        } else if dataOptions.validationFraction > 0 {
            let order = Array(0..<all.examples.count).seededShuffled(using: SeededGenerator(seed: dataOptions.seed))
            let heldSet = Set(order.prefix(Int((Double(all.examples.count) * dataOptions.validationFraction).rounded())))
            training = all.examples.indices.filter { !heldSet.contains($0) }.map { all.examples[$0] }
            held = all.examples.indices.filter { heldSet.contains($0) }.map { all.examples[$0] }
            validationName = "\(Int((dataOptions.validationFraction * 100).rounded()))% of \(dataPath) held out"
        }
        guard !training.isEmpty else {
            throw CommandFailure("\(dataPath): no training images are left after holding out --val-fraction", status: ExitCode.dataError)
        }
        let model: VisionTransformer, labels: [String]
        if let resumed {
            let bundle = try FamilyCheckpoint.vision(resumePath ?? "", loaded: resumed)
            guard bundle.labels == all.classes else {
                throw CommandFailure("\(dataPath): the data now gives the classes \(all.classes.joined(separator: ", ")), "
                                     + "the checkpoint has \(bundle.labels.joined(separator: ", "))", status: ExitCode.dataError)
            }
            (model, labels) = (bundle.model, bundle.labels)
        } else {
            let first = training[0].image
            let size = dataOptions.imageSize ?? first.width
            let channels = training.contains { $0.image.channels >= 3 } ? 3 : 1
            let shape = ImagePreprocessor(size: size, channels: channels, mean: [Float](repeating: 0, count: channels),
                                          standardDeviation: [Float](repeating: 1, count: channels))
            let statistics = ImagePreprocessor.statistics(of: training.map { shape.prepared($0.image) }, channels: channels)
            let configuration = VisionConfiguration(
                imageSize: size, patchSize: dataOptions.patchSize ?? 4, channelCount: channels, classCount: all.classes.count,
                block: block, layerCount: layers, pixelMean: statistics.mean, pixelStandardDeviation: statistics.standardDeviation)
            do { model = try VisionTransformer(configuration: configuration, generator: generator) }
            catch {
                let names: [ConfigurationError.Field: String] = [.imageSize: "image-size", .patchSize: "patch-size"]
                if let option = names[error.field] ?? ConfigurationOptions.option(for: error.field) {
                    throw CommandFailure("--\(option): expected \(error.expected), got \(error.found)", status: ExitCode.usage)
                }
                throw CommandFailure("configuration: \(error)", status: ExitCode.usage)
            }
            labels = all.classes
        }
        let preprocessor = ImagePreprocessor(model.configuration)
        func prepare(_ examples: [(image: PixelImage, label: Int)]) -> [ImageExample] {
            examples.map { ImageExample(image: preprocessor.prepared($0.image), label: $0.label) }
        }
        let trainingExamples = prepare(training), validationExamples = prepare(held)
        let task = ImageClassificationTask(model: model, labels: labels, training: trainingExamples, validation: validationExamples,
                                           batchSize: dataOptions.batchSize, augmentation: dataOptions.augmentation ?? .none,
                                           seed: dataOptions.seed)
        let c = model.configuration
        let augment = task.augmentation.isNone ? "no augmentation"
            : "augmented by " + ([task.augmentation.flip ? "horizontal flips" : nil,
                                  task.augmentation.cropPadding > 0 ? "shifts of up to \(task.augmentation.cropPadding) pixels" : nil]
                                 .compactMap { $0 }.joined(separator: " and "))
        let lines = [
            "Data: \(TextFormatting.grouped(trainingExamples.count)) training and \(TextFormatting.grouped(validationExamples.count)) "
                + "validation images (\(validationName)), \(labels.count) classes (\(labels.joined(separator: ", ")))",
            "Images: \(c.imageSize)x\(c.imageSize), \(c.channelCount == 1 ? "grey" : "RGB"), \(c.gridSize)x\(c.gridSize) patches of "
                + "\(c.patchSize)x\(c.patchSize) pixels (\(c.sequenceLength) positions with [CLS]), normalised by mean "
                + c.pixelMean.map { String(format: "%.4f", $0) }.joined(separator: "/") + " and std "
                + c.pixelStandardDeviation.map { String(format: "%.4f", $0) }.joined(separator: "/") + "; \(augment)",
        ]
        return (task, lines)
    }
}
