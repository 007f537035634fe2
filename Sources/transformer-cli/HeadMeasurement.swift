import Foundation
import TransformerCore

/// A checkpoint of any family with the task that measures it on a data file (training batches and
/// validation both from that file), for `heads` and `prune`: head importance, iterative pruning, and the
/// metadata a pruned copy keeps.
struct HeadMeasurement {
    let path: String
    let model: any TransformerModel
    /// H of the unpruned model.
    let headCount: Int
    /// The checkpoint's metadata, less what belongs to the format or to a training run's exact state.
    let keptMetadata: [String: String]
    /// Head importance of the loaded model (progress: ablations done, total).
    let measure: (_ gradientBatches: Int?, _ progress: @escaping (Int, Int) -> Void) throws -> HeadImportance
    /// Iterative pruning of the loaded model by importance (Michel et al. 2019, §4).
    let pruneIteratively: (_ keepFraction: Double, _ stepHeads: Int,
                           _ onStep: @escaping (any TransformerModel, HeadImportance) -> Void) throws -> any TransformerModel

    /// Metadata not carried into a pruned checkpoint: the resumable training state and optimizer step
    /// (a pruned model has no optimizer moments to resume with).
    static let droppedMetadata: Set<String> = [TrainingRecord.stateKey, TrainingRecord.optimizerStepKey]

    /// Loads `path` and, when `dataPath` is given, reads it as the checkpoint's family reads data.
    static func load(_ path: String, data dataPath: String?, batchSize: Int, skipInvalid: Bool) throws -> HeadMeasurement {
        func needData() throws -> String {
            guard let dataPath else { throw UsageError("--data: expected the file to measure head importance on, got nothing") }
            return dataPath
        }
        func metadata(_ loaded: LoadedCheckpoint) -> [String: String] {
            loaded.metadata.filter { !Checkpoint.reservedMetadataKeys.contains($0.key) && !droppedMetadata.contains($0.key) }
        }
        switch try FamilyCheckpoint.family(path) {
        case .encoderDecoder:
            let checkpoint = try TrainedCheckpoint.load(path)
            let transformer = try checkpoint.transformer(for: "measuring and pruning heads")
            transformer.setTraining(false)
            let examples = try dataPath.map { try CheckpointData.pairs($0, checkpoint: checkpoint, skipInvalid: skipInvalid).encoded.examples }
            func task(_ model: Transformer) throws -> TranslationTask<Transformer> {
                _ = try needData()
                return TranslationTask(model: model, tokenizers: checkpoint.tokenizers, training: examples ?? [], validation: examples ?? [],
                                       batchSize: .sentences(batchSize), seed: 0, maximumDecodeLength: model.configuration.maximumLength)
            }
            return measuring(path, model: transformer, headCount: transformer.configuration.headCount, keptMetadata: metadata(checkpoint.loaded), task: task)
        case .encoderClassifier:
            let loaded = try loadedCheckpoint(path)
            let classifier = try FamilyCheckpoint.classifier(path, loaded: loaded)
            let examples = try dataPath.map { try CheckpointData.labeledExamples($0, classifier: classifier) }
            func task(_ model: EncoderClassifier) throws -> ClassificationTask {
                _ = try needData()
                return ClassificationTask(model: model, tokenizer: classifier.tokenizer, labels: classifier.labels, training: examples ?? [],
                                          validation: examples ?? [], batchSize: .sentences(batchSize), seed: 0)
            }
            return measuring(path, model: classifier.model, headCount: classifier.model.configuration.block.headCount, keptMetadata: metadata(loaded), task: task)
        case .decoderLanguageModel:
            let loaded = try loadedCheckpoint(path)
            let bundle = try FamilyCheckpoint.languageModel(path, loaded: loaded)
            let text = try dataPath.map { try CheckpointData.text($0, languageModel: bundle) }
            func task(_ model: LanguageModel) throws -> LanguageModelTask {
                _ = try needData()
                let ids = text?.ids ?? []
                return LanguageModelTask(model: model, tokenizer: bundle.tokenizer, trainingIDs: ids, validationIDs: ids,
                                         validationCharacters: text?.text.count ?? 0,
                                         context: min(model.configuration.maximumLength, max(1, ids.count - 1)),
                                         batchSize: batchSize, seed: 0)
            }
            return measuring(path, model: bundle.model, headCount: bundle.model.configuration.block.headCount, keptMetadata: metadata(loaded), task: task)
        case .visionTransformer:
            let loaded = try loadedCheckpoint(path)
            let bundle = try FamilyCheckpoint.vision(path, loaded: loaded)
            let preprocessor = ImagePreprocessor(bundle.model.configuration)
            let examples = try dataPath.map { path -> [ImageExample] in
                let dataset = try TrainCommand.readImages(path, split: .test)
                guard dataset.classes == bundle.labels else {
                    throw CommandFailure("\(path): its classes (\(dataset.classes.joined(separator: ", "))) differ from the model's "
                                         + "(\(bundle.labels.joined(separator: ", ")))", status: ExitCode.dataError)
                }
                return dataset.examples.map { ImageExample(image: preprocessor.prepared($0.image), label: $0.label) }
            }
            func task(_ model: VisionTransformer) throws -> ImageClassificationTask {
                _ = try needData()
                return ImageClassificationTask(model: model, labels: bundle.labels, training: examples ?? [], validation: examples ?? [],
                                               batchSize: batchSize, seed: 0)
            }
            return measuring(path, model: bundle.model, headCount: bundle.model.configuration.block.headCount, keptMetadata: metadata(loaded), task: task)
        }
    }

    /// The measurement of `model` by the tasks `task` builds (for it and for each pruned intermediate).
    static func measuring<T: TrainingTask>(_ path: String, model: T.Model, headCount: Int, keptMetadata: [String: String],
                                           task: @escaping (T.Model) throws -> T) -> HeadMeasurement {
        HeadMeasurement(path: path, model: model, headCount: headCount, keptMetadata: keptMetadata,
                        measure: { try HeadImportance.measure(try task(model), gradientBatches: $0, progress: $1) },
                        pruneIteratively: { fraction, step, onStep in
                            _ = try task(model)   // fails before any work when there is no data
                            return try model.pruningIteratively(keepFraction: fraction, stepHeads: step,
                                                                makeTask: { try! task($0) }, onStep: { onStep($0, $1) })
                        })
    }

    /// The checkpoint at `path` in evaluation mode; errors name the path as typed.
    private static func loadedCheckpoint(_ path: String) throws -> LoadedCheckpoint {
        do {
            let loaded = try Checkpoint.load(from: URL(fileURLWithPath: path))
            loaded.model.setTraining(false)
            return loaded
        } catch {
            throw CheckpointError(file: path, kind: error.kind, detail: error.detail)
        }
    }
}
