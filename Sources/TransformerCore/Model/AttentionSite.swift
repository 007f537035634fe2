/// One attention layer of a model and where it sits: which attention (``AttentionKind``) of which block.
/// Heads are named in the unpruned numbering: ``keptHeads``[i] is the original index of the layer's head i.
public struct AttentionSite {
    public let kind: AttentionKind
    /// The 0-based block.
    public let layer: Int
    /// Dot-product or additive; only dot-product attentions can be pruned.
    public let attention: any AttentionLayer
    /// The original (unpruned) index of each head the layer has, in order.
    public let keptHeads: [Int]

    /// "encoder 0", "cross 2": the attention and layer, for tables and messages.
    public var name: String { "\(kind.name) \(layer)" }
}

extension TransformerStack {
    /// The stack's attentions: each block's self-attention (as `selfKind`), then its cross-attention.
    func attentionSites(selfKind: AttentionKind, prunedHeads: PrunedHeads, headCount: Int) -> [AttentionSite] {
        var sites: [AttentionSite] = []
        for (index, block) in layers.enumerated() {
            sites.append(AttentionSite(kind: selfKind, layer: index, attention: block.selfAttention,
                                       keptHeads: prunedHeads.keptHeads(selfKind, layer: index, of: headCount)))
            if let cross = block.crossAttention {
                sites.append(AttentionSite(kind: .decoderCross, layer: index, attention: cross,
                                           keptHeads: prunedHeads.keptHeads(.decoderCross, layer: index, of: headCount)))
            }
        }
        return sites
    }
}

extension Transformer {
    /// Encoder self-attentions, then per decoder block its self- and cross-attention.
    public var attentionSites: [AttentionSite] {
        let pruned = configuration.prunedHeads ?? PrunedHeads(), h = configuration.headCount
        return encoder.attentionSites(selfKind: .encoderSelf, prunedHeads: pruned, headCount: h)
            + decoder.attentionSites(selfKind: .decoderSelf, prunedHeads: pruned, headCount: h)
    }
}

extension EncoderClassifier {
    /// The encoder's self-attentions.
    public var attentionSites: [AttentionSite] {
        encoder.attentionSites(selfKind: .encoderSelf, prunedHeads: configuration.prunedHeads ?? PrunedHeads(),
                               headCount: configuration.block.headCount)
    }
}

extension LanguageModel {
    /// The causal self-attentions.
    public var attentionSites: [AttentionSite] {
        decoder.attentionSites(selfKind: .decoderSelf, prunedHeads: configuration.prunedHeads ?? PrunedHeads(),
                               headCount: configuration.block.headCount)
    }
}

extension VisionTransformer {
    /// The encoder's self-attentions.
    public var attentionSites: [AttentionSite] {
        encoder.attentionSites(selfKind: .encoderSelf, prunedHeads: configuration.prunedHeads ?? PrunedHeads(),
                               headCount: configuration.block.headCount)
    }
}
