/// A residual connection around a sublayer with layer normalization (paper §3.1, §5.4):
///
///     pre-norm (default):  y = x + dropout(sublayer(LayerNorm(x)))
///     post-norm (paper):   y = LayerNorm(x + dropout(sublayer(x)))
///
/// Shapes: `[B, T, C]` -> `[B, T, C]`. Pre-norm is a deliberate deviation from the paper: it trains
/// stably without a long warmup; it needs a final LayerNorm after each stack (see ``TransformerEncoder``).
public final class ResidualConnection: Layer {
    public let norm: LayerNorm
    public let placement: TransformerConfiguration.NormPlacement
    let dropout: Dropout

    public init(dimension: Int, placement: TransformerConfiguration.NormPlacement, dropout: Float,
                epsilon: Float, generator: SeededGenerator) {
        norm = LayerNorm(dimension: dimension, epsilon: epsilon)
        self.placement = placement
        self.dropout = Dropout(probability: dropout, generator: generator)
    }

    public var children: [(name: String, layer: any Layer)] { [("norm", norm), ("dropout", dropout)] }

    public func callAsFunction(_ x: Tensor, _ sublayer: (Tensor) -> Tensor) -> Tensor {
        switch placement {
        case .pre: return addingDropout(x, sublayer(norm(x)))
        case .post: return norm(addingDropout(x, sublayer(x)))
        }
    }

    /// x + dropout(branch), as one op in training (it need not keep the dropped-out branch).
    func addingDropout(_ x: Tensor, _ branch: Tensor) -> Tensor {
        dropout.isActive ? x.addingDropout(of: branch, probability: dropout.probability, generator: dropout.generator)
                         : x + branch
    }
}
