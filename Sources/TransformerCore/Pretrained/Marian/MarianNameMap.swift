/// The declarative map between Hugging Face MarianMT tensor names and this package's parameter names.
///
/// Each of our parameters (``Layer/namedParameters`` of the ``Transformer`` a ``MarianConfiguration`` builds)
/// has a list of Hugging Face names, tried in order; each name is tried as written and without its
/// `model.` prefix (exports of a bare `MarianModel`, and some older conversions, have none). The first
/// present wins. HF Linear weights are [out, in] like ours, so every tensor is copied as stored; only
/// `final_logits_bias` [1, V] is reshaped to the projection bias [V].
///
///     ours (per block l)                          Hugging Face
///     {encoder,decoder}.layers.l.selfAttention.{query,key,value,output}   model.{encoder,decoder}.layers.l.self_attn.{q,k,v,out}_proj
///     decoder.layers.l.crossAttention.*            model.decoder.layers.l.encoder_attn.*
///     *.selfAttentionResidual.norm.{gain,bias}     *.self_attn_layer_norm.{weight,bias}
///     decoder.layers.l.crossAttentionResidual.norm model.decoder.layers.l.encoder_attn_layer_norm
///     *.feedForward.{expand,contract}              *.fc1, *.fc2
///     *.feedForwardResidual.norm                   *.final_layer_norm
///     sourceEmbedding.weight (shared)              model.shared.weight | model.encoder.embed_tokens.weight | model.decoder.embed_tokens.weight | lm_head.weight
///     sourceEmbedding.weight (separate)            model.encoder.embed_tokens.weight
///     targetEmbedding.weight (separate)            model.decoder.embed_tokens.weight | lm_head.weight when tied
///     projection.weight (untied)                   lm_head.weight
///     projection.bias                              final_logits_bias (absent: zeros, as transformers initializes it)
///
/// Tensors that are known but not parameters (the sinusoid tables `*.embed_positions.weight`, which are
/// computed, and the aliases of a tied embedding) are ignored; any other tensor is an error, because it
/// means a structure the map does not express (a final layer norm, a layernorm_embedding, ...).
enum MarianNameMap {
    /// (our name inside a block, Hugging Face's name inside a layer).
    static let blockNames: [(ours: String, theirs: String)] = [
        ("selfAttention.query", "self_attn.q_proj"), ("selfAttention.key", "self_attn.k_proj"),
        ("selfAttention.value", "self_attn.v_proj"), ("selfAttention.output", "self_attn.out_proj"),
        ("selfAttentionResidual.norm", "self_attn_layer_norm"),
        ("crossAttention.query", "encoder_attn.q_proj"), ("crossAttention.key", "encoder_attn.k_proj"),
        ("crossAttention.value", "encoder_attn.v_proj"), ("crossAttention.output", "encoder_attn.out_proj"),
        ("crossAttentionResidual.norm", "encoder_attn_layer_norm"),
        ("feedForward.expand", "fc1"), ("feedForward.contract", "fc2"),
        ("feedForwardResidual.norm", "final_layer_norm"),
    ]
    /// (our tensor name, Hugging Face's) for the last component.
    static let leafNames: [(ours: String, theirs: String)] = [("weight", "weight"), ("bias", "bias"), ("gain", "weight")]

    /// The Hugging Face tensors that carry no parameter and are skipped.
    static let ignoredNames = ["model.encoder.embed_positions.weight", "model.decoder.embed_positions.weight"]

    /// The Hugging Face names for our parameter `name`, in order of preference (before prefix aliasing).
    static func candidates(for name: String, configuration c: TransformerConfiguration) -> [String] {
        switch name {
        case "sourceEmbedding.weight" where c.shareSourceEmbedding:
            return ["model.shared.weight", "model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight"]
                + (c.tieTargetEmbedding ? ["lm_head.weight"] : [])
        case "sourceEmbedding.weight": return ["model.encoder.embed_tokens.weight"]
        case "targetEmbedding.weight": return ["model.decoder.embed_tokens.weight"] + (c.tieTargetEmbedding ? ["lm_head.weight"] : [])
        case "projection.weight": return ["lm_head.weight"]
        case "projection.bias": return ["final_logits_bias"]
        default: break
        }
        // {encoder,decoder}.layers.<l>.<block name>.<leaf>
        let parts = name.split(separator: ".", maxSplits: 3).map(String.init)
        guard parts.count == 4, parts[0] == "encoder" || parts[0] == "decoder", parts[1] == "layers" else { return [] }
        let rest = parts[3]
        guard let dot = rest.lastIndex(of: ".") else { return [] }
        let (block, leaf) = (String(rest[..<dot]), String(rest[rest.index(after: dot)...]))
        guard let theirs = blockNames.first(where: { $0.ours == block })?.theirs,
              let theirLeaf = leafNames.first(where: { $0.ours == leaf })?.theirs else { return [] }
        return ["model.\(parts[0]).layers.\(parts[2]).\(theirs).\(theirLeaf)"]
    }

    /// `name` and its alias without the `model.` prefix.
    static func aliases(_ name: String) -> [String] {
        name.hasPrefix("model.") ? [name, String(name.dropFirst("model.".count))] : [name]
    }

    /// Every name a tied embedding may also be stored under (all ignored once one of them is loaded).
    static let embeddingNames = ["model.shared.weight", "model.encoder.embed_tokens.weight",
                                 "model.decoder.embed_tokens.weight", "lm_head.weight"]
}
