/// The decoder stack: N ``DecoderLayer``s, then a final LayerNorm when residuals are pre-norm (see
/// ``TransformerEncoder`` for why). Shapes: x `[B, T, C]`, memory `[B, S, C]` -> `[B, T, C]`.
public final class TransformerDecoder: Layer {
    public let layers: [DecoderLayer]
    public let norm: LayerNorm?

    public init(configuration c: TransformerConfiguration, generator: SeededGenerator) throws(ConfigurationError) {
        var layers: [DecoderLayer] = []
        for _ in 0..<c.layerCount { layers.append(try DecoderLayer(configuration: c, generator: generator)) }
        self.layers = layers
        norm = c.normPlacement == .pre ? LayerNorm(dimension: c.modelDimension, epsilon: c.layerNormEpsilon) : nil
    }

    public var children: [(name: String, layer: any Layer)] {
        indexedChildren("layers", layers) + (norm.map { [("norm", $0 as any Layer)] } ?? [])
    }

    /// Returns the decoder output and each layer's self- and cross-attention weights.
    public func callAsFunction(_ x: Tensor, memory: Tensor, targetMask: Tensor?, sourceMask: Tensor?)
        -> (output: Tensor, selfWeights: [Tensor], crossWeights: [Tensor]) {
        var hidden = x
        var selfWeights: [Tensor] = [], crossWeights: [Tensor] = []
        for layer in layers {
            let step = layer(hidden, memory: memory, targetMask: targetMask, sourceMask: sourceMask)
            hidden = step.output
            selfWeights.append(step.selfWeights)
            crossWeights.append(step.crossWeights)
        }
        return (norm.map { $0(hidden) } ?? hidden, selfWeights, crossWeights)
    }
}
