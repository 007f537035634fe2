import Foundation
import Testing
@testable import TransformerCore

/// Bad Hugging Face ViT directories: every problem is one thrown line naming the file, what was expected and
/// what was found (never a crash). Each test copies a fixture into a fresh temporary directory and breaks one thing.
@Suite struct ViTLoaderErrorTests {
    static let files = ["config.json", "preprocessor_config.json", "model.safetensors"]

    /// A copy of a fixture in a new temporary directory.
    static func copyOfFixture(_ name: String = ViTFixtures.rgb) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for file in files {
            try FileManager.default.copyItem(at: ViTFixtures.directory(name).appendingPathComponent(file),
                                             to: directory.appendingPathComponent(file))
        }
        return directory
    }

    /// Rewrites a JSON file of `directory` (restored from `fixture` first) with `edit` applied to its object.
    static func edit(_ directory: URL, _ file: String, fixture: String = ViTFixtures.rgb, _ edit: (inout [String: Any]) -> Void) throws {
        let url = directory.appendingPathComponent(file)
        let original = ViTFixtures.directory(fixture).appendingPathComponent(file)
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: original)) as? [String: Any])
        edit(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: url)
    }

    func load(_ directory: URL) throws { _ = try ViTModel.load(directory: directory) }

    @Test func missingFiles() throws {
        let directory = try Self.copyOfFixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = { (file: String) in directory.appendingPathComponent(file).relativePath }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("model.safetensors"))
        expectCheckpointError(.unreadable, "no such file; expected the model's weights in safetensors format",
                              file: path("model.safetensors")) { try load(directory) }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("preprocessor_config.json"))
        expectCheckpointError(.unreadable, "no such file; expected the ViTImageProcessor settings",
                              file: path("preprocessor_config.json")) { try load(directory) }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("config.json"))
        expectCheckpointError(.unreadable, "no such file; expected a Hugging Face ViTForImageClassification config.json",
                              file: path("config.json")) { try load(directory) }
        let missing = directory.appendingPathComponent("absent")
        expectCheckpointError(.unreadable, "no such directory", file: missing.relativePath) { try load(missing) }
    }

    @Test func configsTheOptionsCannotExpress() throws {
        let directory = try Self.copyOfFixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.json").relativePath
        let cases: [(edit: (inout [String: Any]) -> Void, phrase: String)] = [
            ({ $0["architectures"] = ["ViTModel"] }, "\"architectures\" is [\"ViTModel\"], expected [\"ViTForImageClassification\"]"),
            ({ $0["architectures"] = "ViT" }, "\"architectures\" is a string, expected a list of strings"),
            ({ $0["model_type"] = "deit" }, "\"model_type\" is \"deit\", expected \"vit\""),
            ({ $0["hidden_act"] = "gelu_new" }, "\"hidden_act\" is \"gelu_new\", expected one of gelu, relu, silu, swish"),
            ({ $0["qkv_bias"] = false }, "\"qkv_bias\" is false, expected true"),
            ({ $0["image_size"] = [32, 48] }, "\"image_size\" is [32, 48], expected a square"),
            ({ $0["hidden_size"] = "32" }, "\"hidden_size\" is a string, expected an integer"),
            ({ $0["num_attention_heads"] = 5 }, "describes no valid model: headCount: expected a divisor of d_model 32"),
            ({ $0["patch_size"] = 7 }, "describes no valid model: patchSize: expected a divisor of the image size 32"),
            ({ $0["num_channels"] = 4 }, "\"image_mean\" has 3 entries, expected 4 numbers"),
            ({ $0["id2label"] = ["0": "cat", "2": "dog"] }, "\"id2label\" has the key \"2\", expected each id from 0 to 1 once"),
            ({ $0["id2label"] = ["0": "cat"]; $0["label2id"] = ["cat": 0] }, "describes no valid model: classCount: expected at least 2 classes"),
            ({ $0["layer_norm_eps"] = 0 }, "\"layer_norm_eps\" is 0.0, expected a positive number"),
        ]
        for (edit, phrase) in cases {
            try Self.edit(directory, "config.json", edit)
            let file = phrase.contains("image_mean") ? directory.appendingPathComponent("preprocessor_config.json").relativePath : config
            expectCheckpointError(.invalidConfiguration, phrase, file: file) { try load(directory) }
        }
        // Older exports: [side, side] lists, no architectures, no id2label (transformers' LABEL_k names).
        try Self.edit(directory, "config.json") {
            $0["image_size"] = [32, 32]; $0["patch_size"] = [8, 8]; $0["architectures"] = nil; $0["id2label"] = nil; $0["num_labels"] = 5
        }
        #expect(try ViTModel.load(directory: directory).labels == (0..<5).map { "LABEL_\($0)" })
        try Data("{\"hidden_size\": 32,".utf8).write(to: directory.appendingPathComponent("config.json"))
        expectCheckpointError(.invalidConfiguration, "is not valid JSON", file: config) { try load(directory) }
    }

    @Test func preprocessorSettingsTheOptionsCannotExpress() throws {
        let directory = try Self.copyOfFixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("preprocessor_config.json").relativePath
        let cases: [(edit: (inout [String: Any]) -> Void, phrase: String)] = [
            ({ $0["resample"] = 3 }, "\"resample\" is 3 (bicubic), expected 2 (bilinear"),
            ({ $0["size"] = ["height": 32, "width": 48] }, "\"size\" is 32x48 (height x width), expected a square"),
            ({ $0["size"] = ["height": 64, "width": 64] }, "\"size\" is 64x64, expected the model's image_size 32x32"),
            ({ $0["size"] = ["longest_edge": 32] }, "\"size\" has the keys \"longest_edge\", expected \"height\" and \"width\" or \"shortest_edge\""),
            ({ $0["do_center_crop"] = true }, "\"do_center_crop\" is true, expected false"),
            ({ $0["image_std"] = [0.5, 0, 0.5] }, "\"image_std\" holds 0.0, expected positive numbers"),
            ({ $0["image_mean"] = [0.5, 0.5] }, "\"image_mean\" has 2 entries, expected 3 numbers"),
            ({ $0["rescale_factor"] = -1 }, "\"rescale_factor\" is -1.0, expected a positive number"),
        ]
        for (edit, phrase) in cases {
            try Self.edit(directory, "preprocessor_config.json", edit)
            expectCheckpointError(.invalidConfiguration, phrase, file: file) { try load(directory) }
        }
        // Accepted: shortest_edge equal to the side, a plain integer size, no normalisation, no rescale.
        try Self.edit(directory, "preprocessor_config.json") { $0["size"] = ["shortest_edge": 32] }
        #expect(try ViTModel.load(directory: directory).preprocessor.size == 32)
        try Self.edit(directory, "preprocessor_config.json") { $0["size"] = 32; $0["do_normalize"] = false; $0["do_rescale"] = false }
        let plain = try ViTModel.load(directory: directory).model.configuration
        // x unscaled and unnormalised: (x / 255 - 0) / (1 / 255).
        #expect(plain.pixelMean == [0, 0, 0] && plain.pixelStandardDeviation == [Float](repeating: Float(1.0 / 255), count: 3))
    }

    @Test func missingMisshapedUnexpectedAndNonFiniteTensors() throws {
        let directory = try Self.copyOfFixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.safetensors")
        let weights = url.relativePath
        let original = try SafeTensors.read(from: url).tensors

        try SafeTensors.write(original.filter { $0.name != "vit.encoder.layer.1.output.dense.weight" }, to: url)
        expectCheckpointError(.missingTensor, "no tensor for encoder.layers.1.feedForward.contract.weight [32, 64]; expected one of "
                              + "vit.encoder.layer.1.output.dense.weight, vit.layers.1.mlp.fc2.weight", file: weights) { try load(directory) }

        try SafeTensors.write(original.map { $0.name == "vit.embeddings.patch_embeddings.projection.weight"
                                  ? ($0.name, $0.tensor.reshaped([32, 192])) : $0 }, to: url)
        expectCheckpointError(.shapeMismatch, "tensor \"vit.embeddings.patch_embeddings.projection.weight\" has shape [32, 192], "
                              + "expected [32, 3, 8, 8] for patchEmbedding.weight", file: weights) { try load(directory) }

        try SafeTensors.write(original.map { $0.name == "classifier.weight" ? ($0.name, Tensor.zeros([4, 32])) : $0 }, to: url)
        expectCheckpointError(.shapeMismatch, "tensor \"classifier.weight\" has shape [4, 32], expected [5, 32] for head.weight",
                              file: weights) { try load(directory) }

        try SafeTensors.write(original + [("vit.embeddings.mask_token", Tensor.zeros([1, 1, 32]))], to: url)
        expectCheckpointError(.unexpectedTensor, "tensor \"vit.embeddings.mask_token\" has no place in a ViTForImageClassification",
                              file: weights) { try load(directory) }

        try SafeTensors.write(original.map { $0.name == "vit.layernorm.bias" ? ($0.name, Tensor(shape: [32], scalars: [.infinity] + Array(repeating: 0, count: 31))) : $0 },
                              to: url)
        expectCheckpointError(.nonFiniteValue, "tensor \"vit.layernorm.bias\" holds inf at index 0", file: weights) { try load(directory) }

        // The pooler a ViTModel export carries is ignored; transformers 5's module names load too.
        let renamed = original.map { item -> NamedParameter in
            var name = item.name.replacingOccurrences(of: "vit.encoder.layer.", with: "vit.layers.")
            for (old, new) in [("attention.attention.query", "attention.q_proj"), ("attention.attention.key", "attention.k_proj"),
                               ("attention.attention.value", "attention.v_proj"), ("attention.output.dense", "attention.o_proj"),
                               ("intermediate.dense", "mlp.fc1"), ("output.dense", "mlp.fc2")] {
                name = name.replacingOccurrences(of: old, with: new)
            }
            return (name, item.tensor)
        }
        try SafeTensors.write(renamed + [("vit.pooler.dense.bias", Tensor.zeros([32]))], to: url)
        let vit = try ViTModel.load(directory: directory)
        let pixels = try ViTFixtures.expected(ViTFixtures.rgb).pixelValues
        expectClose(vit.model.inferring { vit.model(pixels) }, try ViTFixtures.expected(ViTFixtures.rgb).logits, tolerance: Tolerance.vitLogits)
    }
}
