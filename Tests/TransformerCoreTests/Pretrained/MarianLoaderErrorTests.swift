import Foundation
import Testing
@testable import TransformerCore

/// Bad Hugging Face directories: every problem is one thrown line naming the file, what was expected and
/// what was found (never a crash). Each test copies a fixture into a fresh temporary directory and breaks
/// one thing.
@Suite struct MarianLoaderErrorTests {
    /// A copy of the F32 swish fixture in a new temporary directory.
    func copyOfFixture() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("marian-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = MarianFixtures.directory(MarianFixtures.swish)
        for file in ["config.json", "generation_config.json", "model.safetensors"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: directory.appendingPathComponent(file))
        }
        return directory
    }

    /// Rewrites config.json with `edit` applied to its JSON object.
    func editConfig(_ directory: URL, file: String = "config.json", _ edit: (inout [String: Any]) -> Void) throws {
        let url = directory.appendingPathComponent(file)
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        edit(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: url)
    }

    /// Rewrites model.safetensors with `edit` applied to its tensor list.
    func editWeights(_ directory: URL, _ edit: (inout [NamedParameter]) -> Void) throws {
        let url = directory.appendingPathComponent("model.safetensors")
        var tensors = try SafeTensors.read(from: url).tensors
        edit(&tensors)
        try SafeTensors.write(tensors, to: url)
    }

    func load(_ directory: URL) throws { _ = try MarianModel.load(directory: directory) }

    @Test func missingConfigAndWeights() throws {
        let directory = try copyOfFixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("model.safetensors"))
        expectCheckpointError(.unreadable, "no such file; expected the model's weights in safetensors format",
                              file: directory.appendingPathComponent("model.safetensors").relativePath) { try load(directory) }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("config.json"))
        expectCheckpointError(.unreadable, "no such file; expected a Hugging Face MarianMT config.json",
                              file: directory.appendingPathComponent("config.json").relativePath) { try load(directory) }
    }

    @Test func configsTheOptionsCannotExpress() throws {
        let directory = try copyOfFixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.json").relativePath
        let cases: [(edit: (inout [String: Any]) -> Void, phrase: String)] = [
            ({ $0["activation_function"] = "gelu_new" }, "\"activation_function\" is \"gelu_new\", expected one of gelu, relu, silu, swish"),
            ({ $0["decoder_layers"] = 3 }, "encoder_layers 2 and decoder_layers 3 differ"),
            ({ $0["normalize_before"] = true }, "\"normalize_before\" is true, expected false"),
            ({ $0["d_model"] = "sixteen" }, "\"d_model\" is a string, expected an integer"),
            ({ $0["d_model"] = 18 }, "describes no valid model: headCount: expected a divisor of d_model 18"),
            ({ $0["model_type"] = "bart" }, "\"model_type\" is \"bart\", expected \"marian\""),
            ({ $0["pad_token_id"] = 96 }, "\"pad_token_id\" is 96, expected an id in 0..<96"),
            ({ $0["vocab_size"] = 1 << 40 }, "describes no valid model: sourceVocabularySize: expected an integer from 1 to 1048576"),
            ({ $0["share_encoder_decoder_embeddings"] = true; $0["decoder_vocab_size"] = 50 }, ""),   // shared: decoder_vocab_size is ignored
        ]
        for (edit, phrase) in cases {
            try FileManager.default.removeItem(at: directory.appendingPathComponent("config.json"))
            try FileManager.default.copyItem(at: MarianFixtures.directory(MarianFixtures.swish).appendingPathComponent("config.json"),
                                             to: directory.appendingPathComponent("config.json"))
            try editConfig(directory, edit)
            if phrase.isEmpty {
                #expect(throws: Never.self) { try load(directory) }
            } else {
                expectCheckpointError(.invalidConfiguration, phrase, file: config) { try load(directory) }
            }
        }
        try Data("{\"d_model\": 16,".utf8).write(to: directory.appendingPathComponent("config.json"))
        expectCheckpointError(.invalidConfiguration, "is not valid JSON", file: config) { try load(directory) }
    }

    @Test func missingMisshapedUnexpectedAndNonFiniteTensors() throws {
        let directory = try copyOfFixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let weights = directory.appendingPathComponent("model.safetensors").relativePath
        let original = try SafeTensors.read(from: directory.appendingPathComponent("model.safetensors")).tensors

        try editWeights(directory) { $0.removeAll { $0.name == "model.decoder.layers.1.fc2.weight" } }
        expectCheckpointError(.missingTensor, "no tensor for decoder.layers.1.feedForward.contract.weight [16, 32]; expected one of model.decoder.layers.1.fc2.weight",
                              file: weights) { try load(directory) }

        try SafeTensors.write(original.map { $0.name == "model.encoder.layers.0.fc1.weight" ? ($0.name, $0.tensor.reshaped([16, 32])) : $0 },
                              to: directory.appendingPathComponent("model.safetensors"))
        expectCheckpointError(.shapeMismatch, "tensor \"model.encoder.layers.0.fc1.weight\" has shape [16, 32], expected [32, 16]",
                              file: weights) { try load(directory) }

        try SafeTensors.write(original + [("model.encoder.layer_norm.weight", Tensor(shape: [16], scalars: Array(repeating: 1, count: 16)))],
                              to: directory.appendingPathComponent("model.safetensors"))
        expectCheckpointError(.unexpectedTensor, "tensor \"model.encoder.layer_norm.weight\" has no place in a MarianMT model",
                              file: weights) { try load(directory) }

        try SafeTensors.write(original.map { $0.name == "final_logits_bias" ? ($0.name, Tensor(shape: [1, 96], scalars: [.nan] + Array(repeating: 0, count: 95))) : $0 },
                              to: directory.appendingPathComponent("model.safetensors"))
        expectCheckpointError(.nonFiniteValue, "tensor \"final_logits_bias\" holds nan at index 0", file: weights) { try load(directory) }
    }

    @Test func unsupportedDtype() throws {
        let directory = try copyOfFixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        // One F64 tensor: an 8-byte length, the header, 8 bytes of data.
        var header = Array("{\"final_logits_bias\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}".utf8)
        header += Array(repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
        let bytes = (0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) } + header + Array(repeating: 0, count: 8)
        try Data(bytes).write(to: directory.appendingPathComponent("model.safetensors"))
        expectCheckpointError(.unsupportedDtype, "tensor \"final_logits_bias\" has unsupported dtype F64; TransformerCore loads F32, F16 and BF16 tensors only",
                              file: directory.appendingPathComponent("model.safetensors").relativePath) { try load(directory) }
    }

    @Test func badGenerationConfig() throws {
        let directory = try copyOfFixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        try editConfig(directory, file: "generation_config.json") { $0["early_stopping"] = "sometimes" }
        expectCheckpointError(.invalidConfiguration, "\"early_stopping\" is a string, expected true, false or \"never\"",
                              file: directory.appendingPathComponent("generation_config.json").relativePath) { try load(directory) }
        try editConfig(directory, file: "generation_config.json") { $0["early_stopping"] = "never"; $0["do_sample"] = true }
        expectCheckpointError(.invalidConfiguration, "\"do_sample\" is true, expected false",
                              file: directory.appendingPathComponent("generation_config.json").relativePath) { try load(directory) }
    }
}
