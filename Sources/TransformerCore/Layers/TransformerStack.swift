/// N ``TransformerBlock``s, then a final LayerNorm when residuals are pre-norm: the encoder, the decoder,
/// or a decoder-only model's body, depending on the blocks' structure.
///
/// Deviation stated: with pre-norm the stack output would otherwise be un-normalized, so a final
/// LayerNorm follows (as in most modern implementations); with post-norm (the paper) every block already
/// ends in a LayerNorm and there is no final one. Shapes: `[B, T, C]` -> `[B, T, C]`.
public final class TransformerStack: Layer {
    public let layers: [TransformerBlock]
    public let norm: LayerNorm?

    /// N blocks of configuration `c`. `prunedHeads` names the heads each block's attentions no longer have:
    /// the self-attentions are `selfAttentionKind`'s entries (``AttentionKind/encoderSelf`` for an encoder,
    /// ``AttentionKind/decoderSelf`` for a decoder), the cross-attentions ``AttentionKind/decoderCross``'s.
    /// `positions` is the model's positional encoding: with `.rotary` or `.linearBiases` every block's
    /// self-attention gets RoPE or ALiBi (the slopes of its kept heads); other kinds (and nil) add nothing
    /// inside the blocks.
    public init(configuration c: BlockConfiguration, layerCount: Int, causal: Bool, crossAttention: Bool,
                prunedHeads: PrunedHeads = PrunedHeads(), selfAttentionKind: AttentionKind = .encoderSelf,
                positions: TransformerConfiguration.PositionalEncodingKind? = nil,
                generator: SeededGenerator) throws(ConfigurationError) {
        if let positions, positions.entersAttention {
            try c.validate()
            try positions.validate(block: c)
        }
        var layers: [TransformerBlock] = []
        for index in 0..<layerCount {
            func kept(_ kind: AttentionKind) -> Int? {
                let removed = prunedHeads.removedHeads(kind, layer: index).count
                return removed == 0 ? nil : c.headCount - removed
            }
            let selfPositions = positions.flatMap {
                AttentionPositions($0, headCount: c.headCount, headDimension: c.headDimension,
                                   keptHeads: prunedHeads.keptHeads(selfAttentionKind, layer: index, of: c.headCount))
            }
            layers.append(try TransformerBlock(configuration: c, causal: causal, crossAttention: crossAttention,
                                               selfAttentionHeads: kept(selfAttentionKind),
                                               crossAttentionHeads: crossAttention ? kept(.decoderCross) : nil,
                                               selfAttentionPositions: selfPositions, generator: generator))
        }
        self.layers = layers
        norm = c.normPlacement == .pre ? LayerNorm(dimension: c.modelDimension, epsilon: c.layerNormEpsilon) : nil
    }

    public var children: [(name: String, layer: any Layer)] {
        indexedChildren("layers", layers) + (norm.map { [("norm", $0 as any Layer)] } ?? [])
    }

    /// Runs every block in turn; returns the output and each block's self- and cross-attention weights
    /// (empty lists when a cache was used, or for the cross weights when the blocks have none).
    /// `cache`, when given, holds one ``BlockCache`` per block.
    public func callAsFunction(_ x: Tensor, mask: Tensor?, memory: Tensor? = nil, memoryMask: Tensor? = nil,
                               cache: KeyValueCache? = nil) -> StackOutput {
        var hidden = x
        var selfWeights: [Tensor] = [], crossWeights: [Tensor] = []
        for (index, layer) in layers.enumerated() {
            let step = layer(hidden, mask: mask, memory: memory, memoryMask: memoryMask, cache: cache?.blocks[index])
            hidden = step.output
            if let w = step.selfWeights { selfWeights.append(w) }
            if let w = step.crossWeights { crossWeights.append(w) }
        }
        return StackOutput(output: norm.map { $0(hidden) } ?? hidden, selfWeights: selfWeights, crossWeights: crossWeights)
    }
}

/// What a stack computed.
public struct StackOutput {
    /// `[B, T, C]`.
    public let output: Tensor
    /// One `[B, H, T, T]` per block.
    public let selfWeights: [Tensor]
    /// One `[B, H, T, S]` per block with cross-attention.
    public let crossWeights: [Tensor]
}
