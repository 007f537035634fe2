import Foundation

/// The fields of a Hugging Face MarianMT `config.json` (`MarianConfig`, transformers 5.23) that decide the
/// model's structure, with `MarianConfig`'s defaults, and their translation into a
/// ``TransformerConfiguration``.
///
/// What `MarianMTModel` is, in this package's options: post-norm blocks (`.post`, no final LayerNorm after
/// either stack), the feed-forward activation of `activation_function` ("swish"/"silu", "gelu", "relu"),
/// embeddings times sqrt(d_model) when `scale_embedding`, fixed sinusoids laid out sin-half then cos-half
/// (`.sinusoidalHalves`, positions from 0), `final_logits_bias` as the projection's bias, one embedding for
/// encoder, decoder and output projection when `share_encoder_decoder_embeddings` (else the decoder's own,
/// tied to the projection when `tie_word_embeddings`), LayerNorm epsilon 1e-5, and decoding that starts with
/// the padding id (`decoder_start_token_id` = `pad_token_id`), so target padding is not masked.
///
/// What it cannot express throws: encoder and decoder of different depth, width or heads; an activation
/// other than those three (`gelu_new` is the tanh approximation, not exact GELU); `normalize_before`,
/// `add_final_layer_norm` or `normalize_embedding` true (older exports carried these keys; transformers'
/// Marian ignores them and is always post-norm, so weights trained that way would not match it).
public struct MarianConfiguration: Equatable, Sendable {
    public var vocabularySize: Int
    public var decoderVocabularySize: Int
    public var modelDimension: Int
    public var layerCount: Int
    public var headCount: Int
    public var feedForwardDimension: Int
    public var activation: TransformerConfiguration.Activation
    public var maximumPositions: Int
    public var scaleEmbedding: Bool
    public var padToken: Int
    public var endTokens: [Int]
    public var decoderStartToken: Int
    public var forcedEndTokens: [Int]?
    public var shareEmbeddings: Bool
    public var tieWordEmbeddings: Bool
    public var dropout: Float

    /// `activation_function` values and the activation each names (transformers' ACT2FN).
    public static let activations: [String: TransformerConfiguration.Activation] = [
        "swish": .silu, "silu": .silu, "gelu": .gelu, "relu": .relu,
    ]

    /// Reads `config.json` at `url`.
    public init(contentsOf url: URL) throws(CheckpointError) {
        let json = try HuggingFaceJSON(contentsOf: url, holding: "a Hugging Face MarianMT config.json")
        func fail(_ detail: String) -> CheckpointError { CheckpointError(file: json.file, kind: .invalidConfiguration, detail: detail) }
        if let type = try json.string("model_type"), type != "marian" {
            throw fail("\"model_type\" is \"\(type)\", expected \"marian\"")
        }
        vocabularySize = try json.integer("vocab_size") ?? 58101
        decoderVocabularySize = try json.integer("decoder_vocab_size") ?? vocabularySize
        modelDimension = try json.integer("d_model") ?? 1024
        let layers = (try json.integer("encoder_layers") ?? 12, try json.integer("decoder_layers") ?? 12)
        let heads = (try json.integer("encoder_attention_heads") ?? 16, try json.integer("decoder_attention_heads") ?? 16)
        let widths = (try json.integer("encoder_ffn_dim") ?? 4096, try json.integer("decoder_ffn_dim") ?? 4096)
        for (name, pair) in [("layers", layers), ("attention_heads", heads), ("ffn_dim", widths)] where pair.0 != pair.1 {
            throw fail("encoder_\(name) \(pair.0) and decoder_\(name) \(pair.1) differ; expected equal values "
                + "(TransformerCore's encoder and decoder share one size)")
        }
        (layerCount, headCount, feedForwardDimension) = (layers.0, heads.0, widths.0)
        let activationName = try json.string("activation_function") ?? "gelu"
        guard let activation = Self.activations[activationName] else {
            throw fail("\"activation_function\" is \"\(activationName)\", expected one of "
                + Self.activations.keys.sorted().joined(separator: ", "))
        }
        self.activation = activation
        for key in ["normalize_before", "add_final_layer_norm", "normalize_embedding"] where try json.bool(key) == true {
            throw fail("\"\(key)\" is true, expected false (transformers' MarianMTModel is post-norm without extra LayerNorms)")
        }
        maximumPositions = try json.integer("max_position_embeddings") ?? 1024
        scaleEmbedding = try json.bool("scale_embedding") ?? false
        padToken = try json.integer("pad_token_id") ?? 58100
        endTokens = try json.integers("eos_token_id") ?? [0]
        decoderStartToken = try json.integer("decoder_start_token_id") ?? 58100
        // MarianConfig's default is 0; an explicit null turns the forced end token off.
        forcedEndTokens = json.members.contains { $0.key == "forced_eos_token_id" } ? try json.integers("forced_eos_token_id") : [0]
        shareEmbeddings = try json.bool("share_encoder_decoder_embeddings") ?? true
        tieWordEmbeddings = try json.bool("tie_word_embeddings") ?? true
        dropout = Float(try json.number("dropout") ?? 0.1)
        if shareEmbeddings { decoderVocabularySize = vocabularySize }
        guard !endTokens.isEmpty else { throw fail("\"eos_token_id\" is an empty list, expected at least one id") }
        // The ids are fed to the embeddings: each must be inside the vocabulary it indexes.
        let shared = min(vocabularySize, decoderVocabularySize)
        var ids: [(key: String, id: Int, size: Int)] = [("pad_token_id", padToken, shared),
                                                         ("decoder_start_token_id", decoderStartToken, decoderVocabularySize)]
        for id in endTokens { ids.append(("eos_token_id", id, decoderVocabularySize)) }
        for id in forcedEndTokens ?? [] { ids.append(("forced_eos_token_id", id, decoderVocabularySize)) }
        for (key, id, size) in ids where !(0..<size).contains(id) {
            throw fail("\"\(key)\" is \(id), expected an id in 0..<\(size) (the vocabulary it indexes)")
        }
        do {
            _ = try transformerConfiguration()
        } catch {
            throw fail("describes no valid model: \(error)")
        }
    }

    /// The model's configuration in this package's terms (see the type's documentation).
    public func transformerConfiguration() throws(ConfigurationError) -> TransformerConfiguration {
        let configuration = TransformerConfiguration(
            sourceVocabularySize: vocabularySize, targetVocabularySize: decoderVocabularySize,
            modelDimension: modelDimension, headCount: headCount, layerCount: layerCount,
            feedForwardDimension: feedForwardDimension, dropout: dropout, maximumLength: maximumPositions,
            normPlacement: .post, activation: activation, positionalEncoding: .sinusoidalHalves,
            tieTargetEmbedding: tieWordEmbeddings, layerNormEpsilon: 1e-5,
            specialTokens: SpecialTokens(padding: padToken, start: decoderStartToken, end: endTokens[0], unknown: 1),
            scaleEmbedding: scaleEmbedding, shareSourceEmbedding: shareEmbeddings, maskTargetPadding: false)
        try configuration.validate()
        return configuration
    }
}
