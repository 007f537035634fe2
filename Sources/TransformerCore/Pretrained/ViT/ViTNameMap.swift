/// The declarative map between Hugging Face `ViTForImageClassification` tensor names and this package's
/// ``VisionTransformer`` parameter names.
///
/// Each of our parameters has a list of Hugging Face names, tried in order; each is tried as written and
/// without its `vit.` prefix (exports of a bare `ViTModel`, and some older conversions, have none). The
/// first present wins. The names are those `save_pretrained` writes (transformers 5.25 keeps the
/// checkpoint names of 4.x); the module names transformers 5 uses in memory (`vit.layers.L.attention.q_proj`,
/// `mlp.fc1`, ...: a `state_dict()` saved directly) are accepted as aliases.
///
///     ours                                         Hugging Face (per layer L: vit.encoder.layer.L.)
///     patchEmbedding.weight [C, ch P P]            vit.embeddings.patch_embeddings.projection.weight [C, ch, P, P] (reshaped)
///     patchEmbedding.bias                          vit.embeddings.patch_embeddings.projection.bias
///     classToken [1, 1, C]                         vit.embeddings.cls_token [1, 1, C]
///     positionalEncoding.embedding.weight [1+N, C] vit.embeddings.position_embeddings [1, 1+N, C] (reshaped)
///     encoder.layers.L.selfAttention.{query,key,value}  attention.attention.{query,key,value}
///     encoder.layers.L.selfAttention.output        attention.output.dense
///     encoder.layers.L.selfAttentionResidual.norm  layernorm_before
///     encoder.layers.L.feedForward.expand          intermediate.dense
///     encoder.layers.L.feedForward.contract        output.dense
///     encoder.layers.L.feedForwardResidual.norm    layernorm_after
///     encoder.norm                                 vit.layernorm
///     head                                         classifier
///
/// HF Linear weights are [out, in] like ours and LayerNorm's `weight` is our `gain`. The pooler
/// (`vit.pooler.dense.*`, which `ViTModel` has and `ViTForImageClassification` does not) is ignored;
/// any other tensor is an error.
enum ViTNameMap {
    /// (our name inside a block, Hugging Face's names inside a layer: the saved one, then transformers 5's module name
    /// when it differs; the layer is `vit.encoder.layer.L` in the first, `vit.layers.L` in the second).
    static let blockNames: [(ours: String, theirs: [String])] = [
        ("selfAttention.query", ["attention.attention.query", "attention.q_proj"]),
        ("selfAttention.key", ["attention.attention.key", "attention.k_proj"]),
        ("selfAttention.value", ["attention.attention.value", "attention.v_proj"]),
        ("selfAttention.output", ["attention.output.dense", "attention.o_proj"]),
        ("selfAttentionResidual.norm", ["layernorm_before"]),
        ("feedForward.expand", ["intermediate.dense", "mlp.fc1"]),
        ("feedForward.contract", ["output.dense", "mlp.fc2"]),
        ("feedForwardResidual.norm", ["layernorm_after"]),
    ]
    static let leafNames: [(ours: String, theirs: String)] = [("weight", "weight"), ("bias", "bias"), ("gain", "weight")]

    /// Fixed names outside the blocks.
    static let fixedNames: [String: String] = [
        "patchEmbedding.weight": "vit.embeddings.patch_embeddings.projection.weight",
        "patchEmbedding.bias": "vit.embeddings.patch_embeddings.projection.bias",
        "classToken": "vit.embeddings.cls_token",
        "positionalEncoding.embedding.weight": "vit.embeddings.position_embeddings",
        "encoder.norm.gain": "vit.layernorm.weight",
        "encoder.norm.bias": "vit.layernorm.bias",
        "head.weight": "classifier.weight",
        "head.bias": "classifier.bias",
    ]

    /// Known tensors that carry no parameter of ``VisionTransformer`` and are skipped.
    static let ignoredNames = ["vit.pooler.dense.weight", "vit.pooler.dense.bias"]

    /// The Hugging Face names for our parameter `name`, in order of preference (before prefix aliasing).
    static func candidates(for name: String) -> [String] {
        if let fixed = fixedNames[name] { return [fixed] }
        // encoder.layers.<L>.<block name>.<leaf>
        let parts = name.split(separator: ".", maxSplits: 3).map(String.init)
        guard parts.count == 4, parts[0] == "encoder", parts[1] == "layers", let dot = parts[3].lastIndex(of: ".") else { return [] }
        let (block, leaf) = (String(parts[3][..<dot]), String(parts[3][parts[3].index(after: dot)...]))
        guard let theirs = blockNames.first(where: { $0.ours == block })?.theirs,
              let theirLeaf = leafNames.first(where: { $0.ours == leaf })?.theirs else { return [] }
        return ["vit.encoder.layer.\(parts[2]).\(theirs[0]).\(theirLeaf)", "vit.layers.\(parts[2]).\(theirs.last!).\(theirLeaf)"]
    }

    /// `name` and its alias without the `vit.` prefix.
    static func aliases(_ name: String) -> [String] {
        name.hasPrefix("vit.") ? [name, String(name.dropFirst("vit.".count))] : [name]
    }
}
