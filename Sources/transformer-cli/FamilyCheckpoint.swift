import Foundation
import TransformerCore

/// A classifier, language-model or image-classifier checkpoint written by `train --task classify|lm|image-classify`,
/// loaded with its tokenizer and/or labels. A checkpoint of another family is a one-line error naming the file and both families.
enum FamilyCheckpoint {
    struct Classifier {
        let model: EncoderClassifier
        let tokenizer: AnyTokenizer
        let labels: [String]
    }

    struct LanguageModelBundle {
        let model: LanguageModel
        let tokenizer: AnyTokenizer
    }

    struct VisionBundle {
        let model: VisionTransformer
        let labels: [String]
    }

    /// The family stored in the checkpoint at `path` (reads the header only).
    static func family(_ path: String) throws -> ModelFamily {
        do { return try Checkpoint.inspect(URL(fileURLWithPath: path)).family }
        catch { throw CheckpointError(file: path, kind: error.kind, detail: error.detail) }
    }

    static func classifier(_ path: String, loaded given: LoadedCheckpoint? = nil) throws -> Classifier {
        let (loaded, metadata) = try given.map { ($0, $0.metadata) } ?? load(path)
        let model = try named(path) { () throws(CheckpointError) in try loaded.model(EncoderClassifier.self) }
        let tokenizer = try decode(AnyTokenizer.self, ClassificationTask.tokenizerKey, metadata, path)
        let labels = try decode([String].self, ClassificationTask.labelsKey, metadata, path)
        guard labels.count == model.configuration.classCount, tokenizer.vocabularySize == model.configuration.vocabularySize else {
            throw CheckpointError(file: path, kind: .invalidMetadata,
                                  detail: "the stored labels (\(labels.count)) or vocabulary (\(tokenizer.vocabularySize)) do not fit the model")
        }
        return Classifier(model: model, tokenizer: tokenizer, labels: labels)
    }

    static func languageModel(_ path: String, loaded given: LoadedCheckpoint? = nil) throws -> LanguageModelBundle {
        let (loaded, metadata) = try given.map { ($0, $0.metadata) } ?? load(path)
        let model = try named(path) { () throws(CheckpointError) in try loaded.model(LanguageModel.self) }
        let tokenizer = try decode(AnyTokenizer.self, LanguageModelTask.tokenizerKey, metadata, path)
        guard tokenizer.vocabularySize == model.configuration.vocabularySize else {
            throw CheckpointError(file: path, kind: .invalidMetadata,
                                  detail: "the stored vocabulary (\(tokenizer.vocabularySize)) does not fit the model")
        }
        return LanguageModelBundle(model: model, tokenizer: tokenizer)
    }

    static func vision(_ path: String, loaded given: LoadedCheckpoint? = nil) throws -> VisionBundle {
        let (loaded, metadata) = try given.map { ($0, $0.metadata) } ?? load(path)
        let model = try named(path) { () throws(CheckpointError) in try loaded.model(VisionTransformer.self) }
        let labels = try decode([String].self, ImageClassificationTask.labelsKey, metadata, path)
        guard labels.count == model.configuration.classCount else {
            throw CheckpointError(file: path, kind: .invalidMetadata,
                                  detail: "the stored labels (\(labels.count)) do not fit the model's \(model.configuration.classCount) classes")
        }
        return VisionBundle(model: model, labels: labels)
    }

    private static func load(_ path: String) throws -> (LoadedCheckpoint, [String: String]) {
        let loaded = try named(path) { () throws(CheckpointError) in try Checkpoint.load(from: URL(fileURLWithPath: path)) }
        loaded.model.setTraining(false)
        return (loaded, loaded.metadata)
    }

    private static func named<T>(_ path: String, _ body: () throws(CheckpointError) -> T) throws(CheckpointError) -> T {
        do { return try body() } catch { throw CheckpointError(file: path, kind: error.kind, detail: error.detail) }
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ key: String, _ metadata: [String: String], _ path: String) throws -> T {
        guard let text = metadata[key] else {
            throw CheckpointError(file: path, kind: .invalidMetadata, detail: "metadata has no \"\(key)\"; was it written by train?")
        }
        do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) }
        catch { throw CheckpointError(file: path, kind: .invalidMetadata, detail: "metadata \"\(key)\" is not valid: \(error)") }
    }
}

/// Inputs given as arguments, or else the lines of standard input, with where each came from.
func commandInputs(_ texts: [String]) -> [(text: String, place: String)] {
    if !texts.isEmpty { return texts.enumerated().map { ($0.element, "argument \($0.offset + 1)") } }
    var lines: [(String, String)] = []
    while let line = readLine(strippingNewline: true) { lines.append((line, "<stdin>:\(lines.count + 1)")) }
    return lines
}
