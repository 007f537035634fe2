import Foundation

/// The fields of a Hugging Face `ViTForImageClassification` `config.json` (`ViTConfig`, transformers 5.25)
/// that decide the model's structure, with `ViTConfig`'s defaults, and the class names of `id2label`.
///
/// What `ViTForImageClassification` is, in this package's options: pre-norm blocks (`layernorm_before`,
/// `layernorm_after`, then `vit.layernorm`), the feed-forward activation of `hidden_act` (exact erf GELU for
/// "gelu"; "relu", "silu"/"swish" also map), LayerNorm epsilon `layer_norm_eps` (1e-12), biased query, key
/// and value projections, learned positions for `[CLS]` and the (image_size / patch_size)^2 patches, and a
/// linear head on the final `[CLS]` row.
///
/// What it cannot express throws: `qkv_bias` false; an activation other than those ("gelu_new" and
/// "gelu_pytorch_tanh" are the tanh approximation, "quick_gelu" is x sigmoid(1.702 x)); a non-square
/// `image_size` or `patch_size`; channels other than 1 or 3; an `architectures` entry other than
/// `ViTForImageClassification` (a bare `ViTModel` has no classifier; `ViTForMaskedImageModeling` no
/// head of classes). Dropout (`hidden_dropout_prob`, `attention_probs_dropout_prob`) is read but the loaded
/// model runs without it (inference; transformers' defaults are 0 too).
public struct ViTConfiguration: Equatable, Sendable {
    public var modelDimension: Int
    public var layerCount: Int
    public var headCount: Int
    public var feedForwardDimension: Int
    public var activation: BlockConfiguration.Activation
    public var layerNormEpsilon: Float
    public var imageSize: Int
    public var patchSize: Int
    public var channelCount: Int
    /// `id2label` in id order: class k is `labels[k]`. Names may repeat (ImageNet-1k has two "crane"s).
    public var labels: [String]
    public var hiddenDropout: Float
    public var attentionDropout: Float

    /// The architecture this loader reads.
    public static let architecture = "ViTForImageClassification"

    /// `hidden_act` values and the activation each names (transformers' ACT2FN).
    public static let activations: [String: BlockConfiguration.Activation] = [
        "gelu": .gelu, "relu": .relu, "silu": .silu, "swish": .silu,
    ]

    /// Reads `config.json` at `url`.
    public init(contentsOf url: URL) throws(CheckpointError) {
        let json = try HuggingFaceJSON(contentsOf: url, holding: "a Hugging Face ViTForImageClassification config.json")
        func fail(_ detail: String) -> CheckpointError { CheckpointError(file: json.file, kind: .invalidConfiguration, detail: detail) }
        if let type = try json.string("model_type"), type != "vit" {
            throw fail("\"model_type\" is \"\(type)\", expected \"vit\"")
        }
        if let value = json["architectures"] {
            guard case .array(let items) = value, items.allSatisfy({ if case .string = $0 { true } else { false } }) else {
                throw json.fail("architectures", expected: "a list of strings", found: value)
            }
            let names = items.compactMap { if case .string(let name) = $0 { name } else { nil } }
            guard names.contains(Self.architecture) else {
                throw fail("\"architectures\" is [\(names.map { "\"\($0)\"" }.joined(separator: ", "))], expected "
                    + "[\"\(Self.architecture)\"] (TransformerCore loads ViT image classifiers)")
            }
        }
        modelDimension = try json.integer("hidden_size") ?? 768
        layerCount = try json.integer("num_hidden_layers") ?? 12
        headCount = try json.integer("num_attention_heads") ?? 12
        feedForwardDimension = try json.integer("intermediate_size") ?? 3072
        let activationName = try json.string("hidden_act") ?? "gelu"
        guard let activation = Self.activations[activationName] else {
            throw fail("\"hidden_act\" is \"\(activationName)\", expected one of " + Self.activations.keys.sorted().joined(separator: ", ")
                + " (gelu is the exact erf GELU)")
        }
        self.activation = activation
        let epsilon = try json.number("layer_norm_eps") ?? 1e-12
        guard epsilon > 0, Float(epsilon) > 0 else { throw fail("\"layer_norm_eps\" is \(epsilon), expected a positive number") }
        layerNormEpsilon = Float(epsilon)
        imageSize = try Self.squareSide(json, "image_size", default: 224)
        patchSize = try Self.squareSide(json, "patch_size", default: 16)
        channelCount = try json.integer("num_channels") ?? 3
        if try json.bool("qkv_bias") == false {
            throw fail("\"qkv_bias\" is false, expected true (TransformerCore's attention projections have biases)")
        }
        hiddenDropout = Float(try json.number("hidden_dropout_prob") ?? 0)
        attentionDropout = Float(try json.number("attention_probs_dropout_prob") ?? 0)
        labels = try Self.labels(json)
    }

    /// `image_size` / `patch_size`: an integer, or a [height, width] list of two equal integers.
    static func squareSide(_ json: HuggingFaceJSON, _ key: String, default value: Int) throws(CheckpointError) -> Int {
        guard let found = json[key] else { return value }
        if case .array(let items) = found {
            let sides = items.compactMap { if case .number(let text) = $0 { Int(text) } else { nil } }
            guard sides.count == 2, items.count == 2 else { throw json.fail(key, expected: "an integer or [height, width]", found: found) }
            guard sides[0] == sides[1] else {
                throw CheckpointError(file: json.file, kind: .invalidConfiguration,
                                      detail: "\"\(key)\" is [\(sides[0]), \(sides[1])], expected a square (TransformerCore's ViT takes square images and patches)")
            }
            return sides[0]
        }
        return try json.requiredInteger(key)
    }

    /// `id2label` as a list: keys "0" ..< "K", each once; absent: `num_labels` (default 2) names LABEL_k,
    /// as transformers makes them.
    static func labels(_ json: HuggingFaceJSON) throws(CheckpointError) -> [String] {
        guard let value = json["id2label"] else {
            let count = try json.integer("num_labels") ?? 2
            return (0..<max(0, count)).map { "LABEL_\($0)" }
        }
        guard case .object(let members) = value else { throw json.fail("id2label", expected: "an object of id: name", found: value) }
        var names = [String?](repeating: nil, count: members.count)
        for (key, name) in members {
            guard let id = Int(key), (0..<members.count).contains(id), names[id] == nil else {
                throw CheckpointError(file: json.file, kind: .invalidConfiguration,
                                      detail: "\"id2label\" has the key \"\(key)\", expected each id from 0 to \(members.count - 1) once")
            }
            guard case .string(let text) = name else { throw json.fail("id2label", expected: "class names (strings)", found: name) }
            names[id] = text
        }
        return names.map { $0 ?? "" }
    }

    /// The model in this package's terms, with the pixel normalisation of the image processor
    /// (``ViTPreprocessorConfiguration/pixelMean`` and ``ViTPreprocessorConfiguration/pixelStandardDeviation``).
    public func visionConfiguration(pixelMean: [Float], pixelStandardDeviation: [Float],
                                    dropout: Float = 0) throws(ConfigurationError) -> VisionConfiguration {
        let block = BlockConfiguration(modelDimension: modelDimension, headCount: headCount, feedForwardDimension: feedForwardDimension,
                                       dropout: dropout, normPlacement: .pre, activation: activation, layerNormEpsilon: layerNormEpsilon)
        let configuration = VisionConfiguration(imageSize: imageSize, patchSize: patchSize, channelCount: channelCount,
                                                classCount: labels.count, block: block, layerCount: layerCount,
                                                pixelMean: pixelMean, pixelStandardDeviation: pixelStandardDeviation)
        try configuration.validate()
        return configuration
    }
}
