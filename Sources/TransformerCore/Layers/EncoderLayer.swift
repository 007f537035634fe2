/// One encoder layer (paper §3.1): self-attention then a feed-forward network, each inside a
/// ``ResidualConnection``. Shapes: x `[B, S, C]`, mask `[B, 1, 1, S]` -> `[B, S, C]`, weights `[B, H, S, S]`.
public final class EncoderLayer: Layer {
    public let selfAttention: MultiHeadAttention
    public let selfAttentionResidual: ResidualConnection
    public let feedForward: FeedForward
    public let feedForwardResidual: ResidualConnection

    public init(configuration c: TransformerConfiguration, generator: SeededGenerator) throws(ConfigurationError) {
        selfAttention = try MultiHeadAttention(modelDimension: c.modelDimension, headCount: c.headCount,
                                               dropout: c.dropout, generator: generator)
        selfAttentionResidual = ResidualConnection(dimension: c.modelDimension, placement: c.normPlacement,
                                                   dropout: c.dropout, epsilon: c.layerNormEpsilon, generator: generator)
        feedForward = FeedForward(modelDimension: c.modelDimension, hiddenDimension: c.feedForwardDimension,
                                  activation: c.activation, dropout: c.dropout, generator: generator)
        feedForwardResidual = ResidualConnection(dimension: c.modelDimension, placement: c.normPlacement,
                                                 dropout: c.dropout, epsilon: c.layerNormEpsilon, generator: generator)
    }

    public var children: [(name: String, layer: any Layer)] {
        [("selfAttention", selfAttention), ("selfAttentionResidual", selfAttentionResidual),
         ("feedForward", feedForward), ("feedForwardResidual", feedForwardResidual)]
    }

    public func callAsFunction(_ x: Tensor, mask: Tensor?) -> (output: Tensor, weights: Tensor) {
        var weights: Tensor!
        let attended = selfAttentionResidual(x) { normed in
            let (output, w) = selfAttention(normed, normed, mask: mask)
            weights = w
            return output
        }
        return (feedForwardResidual(attended) { feedForward($0) }, weights)
    }
}
