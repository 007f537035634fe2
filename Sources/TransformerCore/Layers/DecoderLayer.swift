/// One decoder layer (paper §3.1): masked self-attention, cross-attention over the encoder output
/// ("memory"), then a feed-forward network, each inside a ``ResidualConnection``.
/// Shapes: x `[B, T, C]`, memory `[B, S, C]`, target mask `[B, 1, T, T]`, source mask `[B, 1, 1, S]`
/// -> `[B, T, C]`, self-attention weights `[B, H, T, T]`, cross-attention weights `[B, H, T, S]`.
public final class DecoderLayer: Layer {
    public let selfAttention: MultiHeadAttention
    public let selfAttentionResidual: ResidualConnection
    public let crossAttention: MultiHeadAttention
    public let crossAttentionResidual: ResidualConnection
    public let feedForward: FeedForward
    public let feedForwardResidual: ResidualConnection

    public init(configuration c: TransformerConfiguration, generator: SeededGenerator) throws(ConfigurationError) {
        func residual() -> ResidualConnection {
            ResidualConnection(dimension: c.modelDimension, placement: c.normPlacement, dropout: c.dropout,
                               epsilon: c.layerNormEpsilon, generator: generator)
        }
        selfAttention = try MultiHeadAttention(modelDimension: c.modelDimension, headCount: c.headCount,
                                               dropout: c.dropout, generator: generator)
        selfAttentionResidual = residual()
        crossAttention = try MultiHeadAttention(modelDimension: c.modelDimension, headCount: c.headCount,
                                                dropout: c.dropout, generator: generator)
        crossAttentionResidual = residual()
        feedForward = FeedForward(modelDimension: c.modelDimension, hiddenDimension: c.feedForwardDimension,
                                  activation: c.activation, dropout: c.dropout, generator: generator)
        feedForwardResidual = residual()
    }

    public var children: [(name: String, layer: any Layer)] {
        [("selfAttention", selfAttention), ("selfAttentionResidual", selfAttentionResidual),
         ("crossAttention", crossAttention), ("crossAttentionResidual", crossAttentionResidual),
         ("feedForward", feedForward), ("feedForwardResidual", feedForwardResidual)]
    }

    public func callAsFunction(_ x: Tensor, memory: Tensor, targetMask: Tensor?, sourceMask: Tensor?)
        -> (output: Tensor, selfWeights: Tensor, crossWeights: Tensor) {
        var selfWeights: Tensor!, crossWeights: Tensor!
        let attended = selfAttentionResidual(x) { normed in
            let (output, w) = selfAttention(normed, normed, mask: targetMask)
            selfWeights = w
            return output
        }
        let crossed = crossAttentionResidual(attended) { normed in
            let (output, w) = crossAttention(normed, memory, mask: sourceMask)
            crossWeights = w
            return output
        }
        return (feedForwardResidual(crossed) { feedForward($0) }, selfWeights, crossWeights)
    }
}
