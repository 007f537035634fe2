import Foundation
import TransformerCore

/// `--model DIR` of `classify-image` and `evaluate`, and `train --init-from DIR`: a Hugging Face
/// `ViTForImageClassification` directory (config.json, model.safetensors, preprocessor_config.json) as a
/// vision bundle: the model with its `ViTImageProcessor` preprocessing, and the `id2label` names.
enum PretrainedVision {
    static let modelOption = OptionSpec.text("model", default: nil,
        help: "A Hugging Face ViTForImageClassification directory (config.json, model.safetensors, preprocessor_config.json) "
            + "instead of --checkpoint.")

    static func load(_ path: String, dropout: Float? = 0) throws -> ViTModel {
        try ViTModel.load(directory: URL(fileURLWithPath: path, isDirectory: true), dropout: dropout)
    }

    static func bundle(_ path: String) throws -> FamilyCheckpoint.VisionBundle {
        let vit = try load(path)
        return FamilyCheckpoint.VisionBundle(model: vit.model, labels: vit.labels)
    }

    static func isViT(_ path: String) -> Bool { ViTModel.isViTDirectory(URL(fileURLWithPath: path, isDirectory: true)) }
}
