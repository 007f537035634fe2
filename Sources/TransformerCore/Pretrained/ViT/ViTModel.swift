import Foundation

/// A pretrained Hugging Face `ViTForImageClassification` loaded into this package's ``VisionTransformer``,
/// with its class names and the preprocessing of its `ViTImageProcessor`.
///
/// A model directory as `save_pretrained` writes it: `config.json` (``ViTConfiguration``, `id2label`),
/// `model.safetensors` (F32, F16 or BF16 tensors, mapped by ``ViTNameMap``) and `preprocessor_config.json`
/// (``ViTPreprocessorConfiguration``: its resize side, rescale factor, mean and standard deviation
/// become the model's ``VisionConfiguration/imageSize``, ``VisionConfiguration/pixelMean`` and
/// ``VisionConfiguration/pixelStandardDeviation``, so ``ImagePreprocessor`` prepares images as transformers does).
///
/// ```swift
/// let vit = try ViTModel.load(directory: URL(fileURLWithPath: "vit-base-patch16-224"))
/// let pixels = ImagePreprocessor(vit.model.configuration).pixels([image])      // [1, 3, 224, 224]
/// let (logits, attention) = vit.model.inferring { vit.model.forward(pixels) }   // [1, 1000], 12 x [1, 12, 197, 197]
/// let best = vit.labels[logits.scalars.indices.max { logits.scalars[$0] < logits.scalars[$1] }!]
/// ```
///
/// Every problem with the directory throws a ``CheckpointError`` naming the file: a missing `config.json`,
/// `model.safetensors` or `preprocessor_config.json`, a config the options cannot express, a missing,
/// misshaped, non-finite or unexpected tensor, an unsupported dtype.
public final class ViTModel {
    public let directory: URL
    public let configuration: ViTConfiguration
    public let preprocessor: ViTPreprocessorConfiguration
    /// The model, in evaluation mode.
    public let model: VisionTransformer
    /// The class names of `id2label`; class k is `labels[k]`.
    public var labels: [String] { configuration.labels }

    init(directory: URL, configuration: ViTConfiguration, preprocessor: ViTPreprocessorConfiguration, model: VisionTransformer) {
        self.directory = directory
        self.configuration = configuration
        self.preprocessor = preprocessor
        self.model = model
    }

    /// Loads the model directory at `directory`; `dropout` is the P_drop of the built model (0 for inference;
    /// to fine-tune, a rate, or nil for config.json's `hidden_dropout_prob`).
    public static func load(directory: URL, dropout: Float? = 0) throws(CheckpointError) -> ViTModel {
        let configURL = directory.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: directory.path) else {
            throw CheckpointError(file: directory.relativePath, kind: .unreadable,
                                  detail: "no such directory; expected a Hugging Face ViTForImageClassification directory")
        }
        let configuration = try ViTConfiguration(contentsOf: configURL)
        let preprocessorURL = directory.appendingPathComponent("preprocessor_config.json")
        let preprocessor = try ViTPreprocessorConfiguration(contentsOf: preprocessorURL, channels: configuration.channelCount,
                                                            imageSize: configuration.imageSize)
        let vision: VisionConfiguration
        do {
            vision = try configuration.visionConfiguration(pixelMean: preprocessor.pixelMean,
                                                           pixelStandardDeviation: preprocessor.pixelStandardDeviation,
                                                           dropout: dropout ?? configuration.hiddenDropout)
        } catch {
            let file = error.field == .pixelNormalization ? preprocessorURL : configURL
            throw CheckpointError(file: file.relativePath, kind: .invalidConfiguration, detail: "describes no valid model: \(error)")
        }
        let weightsURL = directory.appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: weightsURL.path) else {
            let binary = FileManager.default.fileExists(atPath: directory.appendingPathComponent("pytorch_model.bin").path)
            throw CheckpointError(file: weightsURL.relativePath, kind: .unreadable,
                                  detail: "no such file; expected the model's weights in safetensors format"
                                      + (binary ? " (found pytorch_model.bin: convert it with save_pretrained(safe_serialization=True))" : ""))
        }
        let stored = try SafeTensors.read(from: weightsURL, convertingHalfPrecision: true)
        let model: VisionTransformer
        do {
            model = try VisionTransformer(configuration: vision, generator: SeededGenerator(seed: 0))
        } catch {
            throw CheckpointError(file: configURL.relativePath, kind: .invalidConfiguration, detail: "describes no valid model: \(error)")
        }
        try assign(stored, to: model, file: weightsURL.relativePath)
        model.setTraining(false)
        return ViTModel(directory: directory, configuration: configuration, preprocessor: preprocessor, model: model)
    }

    /// The shape Hugging Face stores our parameter `name` in (`ours` its shape here).
    static func storedShape(of name: String, ours: [Int], configuration c: VisionConfiguration) -> [Int] {
        switch name {
        case "patchEmbedding.weight": [c.block.modelDimension, c.channelCount, c.patchSize, c.patchSize]   // Conv2d [C, ch, P, P]
        case "positionalEncoding.embedding.weight": [1] + ours                                             // [1, 1 + N, C]
        default: ours
        }
    }

    /// Copies every parameter of `model` from `stored` through ``ViTNameMap``; throws for a missing,
    /// misshaped, non-finite or unexpected tensor.
    static func assign(_ stored: SafeTensorsFile, to model: VisionTransformer, file: String) throws(CheckpointError) {
        func fail(_ kind: CheckpointError.Kind, _ detail: String) -> CheckpointError { CheckpointError(file: file, kind: kind, detail: detail) }
        var tensors: [String: Tensor] = [:]
        for (name, tensor) in stored.tensors { tensors[name] = tensor }
        var used = Set<String>()
        for (name, parameter) in model.namedParameters {
            let candidates = ViTNameMap.candidates(for: name)
            let expected = storedShape(of: name, ours: parameter.shape, configuration: model.configuration)
            guard let found = candidates.flatMap(ViTNameMap.aliases).first(where: { tensors[$0] != nil }), let tensor = tensors[found] else {
                throw fail(.missingTensor, "no tensor for \(name) [\(shapeText(expected))]; expected "
                    + (candidates.isEmpty ? "a name the ViT map knows" : "one of " + candidates.joined(separator: ", "))
                    + " (with or without the \"vit.\" prefix)")
            }
            guard tensor.shape == expected else {
                throw fail(.shapeMismatch, "tensor \"\(found)\" has shape [\(shapeText(tensor.shape))], expected [\(shapeText(expected))] "
                    + "for \(name) (from config.json)")
            }
            if let index = Checkpoint.firstNonFiniteIndex(tensor.scalars) {
                throw fail(.nonFiniteValue, "tensor \"\(found)\" holds \(tensor.scalars[index]) at index \(index); expected finite values")
            }
            let scalars = tensor.scalars      // the same row-major order in both shapes
            parameter.withMutableScalars { $0 = scalars }
            used.insert(found)
        }
        let ignored = Set(ViTNameMap.ignoredNames.flatMap(ViTNameMap.aliases))
        if let extra = stored.tensors.map(\.name).first(where: { !used.contains($0) && !ignored.contains($0) }) {
            throw fail(.unexpectedTensor, "tensor \"\(extra)\" has no place in a ViTForImageClassification of this config.json; "
                + "expected only the tensors transformers' ViTForImageClassification has")
        }
    }
}

private func shapeText(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: ", ") }

extension ViTModel {
    /// Whether `directory`'s config.json names a ViT (`model_type` "vit", or an `architectures` entry
    /// starting with "ViT"): how a command that takes either a MarianMT or a ViT directory picks the loader.
    /// False when config.json is missing or unreadable (the loader chosen then reports it).
    public static func isViTDirectory(_ directory: URL) -> Bool {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("config.json")),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        if let type = json["model_type"] as? String { return type == "vit" }
        return (json["architectures"] as? [String] ?? []).contains { $0.hasPrefix("ViT") }
    }
}
