/// The position-wise feed-forward network (paper §3.3, equation 2):
///
///     FFN(x) = max(0, x W_1 + b_1) W_2 + b_2
///
/// (GELU or SiLU instead of ReLU as options), with dropout on the hidden activations as in the reference
/// implementation. Shapes: `[B, T, C]` -> `[B, T, F]` -> `[B, T, C]`.
public final class FeedForward: Layer {
    public let expand: Linear     // W_1 [F, C]
    public let contract: Linear   // W_2 [C, F]
    public let activation: TransformerConfiguration.Activation
    let dropout: Dropout

    public init(modelDimension: Int, hiddenDimension: Int, activation: TransformerConfiguration.Activation,
                dropout: Float, generator: SeededGenerator) {
        expand = Linear(inputSize: modelDimension, outputSize: hiddenDimension, generator: generator)
        contract = Linear(inputSize: hiddenDimension, outputSize: modelDimension, generator: generator)
        self.activation = activation
        self.dropout = Dropout(probability: dropout, generator: generator)
    }

    public var children: [(name: String, layer: any Layer)] {
        [("expand", expand), ("contract", contract), ("dropout", dropout)]
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch activation {
        case .relu: break
        case .gelu: return contract(dropout(expand(x).gelu()))                        // [B, T, F] -> [B, T, C]
        case .silu: return contract(dropout(expand(x).silu()))                        // [B, T, F] -> [B, T, C]
        }
        // Linear, ReLU and dropout as one op that keeps only its output for backward (see linearReLU).
        let hidden = x.linearReLU(weight: expand.weight, bias: expand.bias,
                                  dropout: dropout.isActive ? (dropout.probability, dropout.generator) : nil)   // [B, T, F]
        return contract(hidden)                                                       // [B, T, C]
    }
}
