/// One Transformer block (paper §3.1), named by its structure rather than its role:
///
///     self-attention (causal or not) -> [cross-attention over a memory] -> feed-forward
///
/// each sublayer inside its own ``ResidualConnection``. An encoder block is self-attention + FFN; the
/// paper's decoder block adds cross-attention and a causal mask; a GPT block is an encoder block with a
/// causal mask. Shapes: x `[B, T, C]`, self mask broadcastable to `[B, H, T, T]`, memory `[B, S, C]`,
/// memory mask broadcastable to `[B, H, T, S]` -> `[B, T, C]`, self weights `[B, H, T, T]`, cross weights
/// `[B, H, T, S]`.
///
/// Each attention is an ``AttentionLayer`` of the kind the configuration names
/// (``BlockConfiguration/selfAttention``, ``BlockConfiguration/crossAttention``): scaled dot-product
/// (``MultiHeadAttention``, the default) or additive (``AdditiveAttention``); both return the same shapes.
///
/// With a ``BlockCache`` the block runs incrementally (one new position per row; see ``AttentionCache``):
/// the same code, with each attention reading its cached keys and values.
public final class TransformerBlock: Layer {
    /// Whether the self-attention is causal (position t sees 0...t). The causal mask itself is passed in
    /// (or implicit when decoding with a cache); this records the block's structure.
    public let isCausal: Bool
    /// Dot-product or additive, as the configuration's ``BlockConfiguration/selfAttention`` says.
    public let selfAttention: any AttentionLayer
    public let selfAttentionResidual: ResidualConnection
    /// Dot-product or additive, as the configuration's ``BlockConfiguration/crossAttention`` says.
    public let crossAttention: (any AttentionLayer)?
    public let crossAttentionResidual: ResidualConnection?
    public let feedForward: FeedForward
    public let feedForwardResidual: ResidualConnection

    /// Builds the block's layers from `generator`, in the order self-attention, cross-attention, FFN.
    /// `selfAttentionHeads` / `crossAttentionHeads` are the heads a pruned attention keeps (each of width
    /// D = C / H); nil: all H. `selfAttentionPositions` (RoPE or ALiBi, for the kept heads) goes to the
    /// self-attention only; the cross-attention never has positions (see ``AttentionPositions``).
    public init(configuration c: BlockConfiguration, causal: Bool, crossAttention hasCrossAttention: Bool,
                selfAttentionHeads: Int? = nil, crossAttentionHeads: Int? = nil,
                selfAttentionPositions: AttentionPositions? = nil,
                generator: SeededGenerator) throws(ConfigurationError) {
        func residual() -> ResidualConnection {
            ResidualConnection(dimension: c.modelDimension, placement: c.normPlacement, dropout: c.dropout,
                               epsilon: c.layerNormEpsilon, generator: generator)
        }
        func attention(_ scoring: AttentionScoring, heads: Int?,
                       positions: AttentionPositions? = nil) throws(ConfigurationError) -> any AttentionLayer {
            guard let heads, heads != c.headCount else {
                return try makeAttention(scoring, modelDimension: c.modelDimension, headCount: c.headCount,
                                         dropout: c.dropout, positions: positions, generator: generator)
            }
            try c.validate()
            guard scoring == .dotProduct else {
                throw ConfigurationError(field: .prunedHeads, expected: "dot-product attention (pruning additive attention is not supported)",
                                         found: "heads pruned from an additive attention")
            }
            guard (1..<c.headCount).contains(heads) else {
                throw ConfigurationError(field: .prunedHeads, expected: "from 1 to \(c.headCount) heads kept", found: "\(heads)")
            }
            return try MultiHeadAttention(querySize: c.modelDimension, keySize: c.modelDimension, valueSize: c.modelDimension,
                                          headCount: heads, headDimension: c.headDimension, outputSize: c.modelDimension,
                                          dropout: c.dropout, positions: positions, generator: generator)
        }
        isCausal = causal
        selfAttention = try attention(c.selfAttention, heads: selfAttentionHeads, positions: selfAttentionPositions)
        selfAttentionResidual = residual()
        if hasCrossAttention {
            crossAttention = try attention(c.crossAttention, heads: crossAttentionHeads)
            crossAttentionResidual = residual()
        } else {
            (crossAttention, crossAttentionResidual) = (nil, nil)
        }
        feedForward = FeedForward(modelDimension: c.modelDimension, hiddenDimension: c.feedForwardDimension,
                                  activation: c.activation, dropout: c.dropout, generator: generator)
        feedForwardResidual = residual()
    }

    public var children: [(name: String, layer: any Layer)] {
        var result: [(name: String, layer: any Layer)] = [("selfAttention", selfAttention), ("selfAttentionResidual", selfAttentionResidual)]
        if let crossAttention, let crossAttentionResidual {
            result += [("crossAttention", crossAttention), ("crossAttentionResidual", crossAttentionResidual)]
        }
        return result + [("feedForward", feedForward), ("feedForwardResidual", feedForwardResidual)]
    }

    /// Runs the block. `memory` and `memoryMask` are for the cross-attention (required when the block has
    /// one); `cache` makes the block incremental (masks are then ignored for self-attention: a cached
    /// decoder sees only the positions fed so far).
    public func callAsFunction(_ x: Tensor, mask: Tensor?, memory: Tensor? = nil, memoryMask: Tensor? = nil,
                               cache: BlockCache? = nil) -> BlockOutput {
        var selfWeights: Tensor?, crossWeights: Tensor?
        var hidden = selfAttentionResidual(x) { normed in                                   // [B, T, C]
            let (output, w) = Self.attend(selfAttention, normed, normed, mask: mask, cache: cache?.selfAttention)
            selfWeights = w
            return output
        }
        if let crossAttention, let crossAttentionResidual {
            guard let memory else { preconditionFailure("a block with cross-attention needs a memory") }
            hidden = crossAttentionResidual(hidden) { normed in                             // [B, T, C]
                let (output, w) = Self.attend(crossAttention, normed, memory, mask: memoryMask, cache: cache?.crossAttention)
                crossWeights = w
                return output
            }
        }
        return BlockOutput(output: feedForwardResidual(hidden) { feedForward($0) },
                           selfWeights: selfWeights, crossWeights: crossWeights)
    }
}

extension TransformerBlock {
    /// One attention sublayer, through its cache when there is one (then no weights are returned).
    static func attend(_ attention: any AttentionLayer, _ queryInput: Tensor, _ keyValueInput: Tensor, mask: Tensor?,
                       cache: AttentionCache?) -> (output: Tensor, weights: Tensor?) {
        guard let cache else { return attention(queryInput, keyValueInput, mask: mask) }
        return (attention(queryInput, keyValueInput, mask: mask, cache: cache), nil)
    }
}

/// What a block computed: its output and the attention weights (nil when a cache was used, or, for the
/// cross weights, when the block has no cross-attention).
public struct BlockOutput {
    /// `[B, T, C]`.
    public let output: Tensor
    /// `[B, H, T, T]`.
    public let selfWeights: Tensor?
    /// `[B, H, T, S]`.
    public let crossWeights: Tensor?
}
