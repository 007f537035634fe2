/// The encoder stack: N ``EncoderLayer``s, then a final LayerNorm when residuals are pre-norm.
///
/// Deviation stated: with pre-norm the stack output would otherwise be un-normalized, so a final
/// LayerNorm follows (as in most modern implementations); with post-norm (the paper) every layer already
/// ends in a LayerNorm and there is no final one. Shapes: `[B, S, C]` -> `[B, S, C]`.
public final class TransformerEncoder: Layer {
    public let layers: [EncoderLayer]
    public let norm: LayerNorm?

    public init(configuration c: TransformerConfiguration, generator: SeededGenerator) throws(ConfigurationError) {
        var layers: [EncoderLayer] = []
        for _ in 0..<c.layerCount { layers.append(try EncoderLayer(configuration: c, generator: generator)) }
        self.layers = layers
        norm = c.normPlacement == .pre ? LayerNorm(dimension: c.modelDimension, epsilon: c.layerNormEpsilon) : nil
    }

    public var children: [(name: String, layer: any Layer)] {
        indexedChildren("layers", layers) + (norm.map { [("norm", $0 as any Layer)] } ?? [])
    }

    /// Returns the encoder output ("memory") and each layer's self-attention weights `[B, H, S, S]`.
    public func callAsFunction(_ x: Tensor, mask: Tensor?) -> (output: Tensor, weights: [Tensor]) {
        var hidden = x
        var weights: [Tensor] = []
        for layer in layers {
            let (output, w) = layer(hidden, mask: mask)
            hidden = output
            weights.append(w)
        }
        return (norm.map { $0(hidden) } ?? hidden, weights)
    }
}
