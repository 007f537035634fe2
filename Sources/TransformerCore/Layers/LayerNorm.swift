/// Layer normalization (Ba et al. 2016) over the feature axis:
/// LN(x) = gamma * (x - mu) / sqrt(sigma^2 + eps) + beta, mu and sigma^2 per position.
///
/// Shapes: `[..., C]` -> `[..., C]`; gain gamma and bias beta are `[C]`, initialized to 1 and 0.
public final class LayerNorm: Layer {
    public let gain: Tensor   // [C]
    public let bias: Tensor   // [C]
    public let epsilon: Float

    public init(dimension: Int, epsilon: Float = 1e-5) {
        gain = Tensor.ones([dimension], requiresGradient: true)
        bias = Tensor.zeros([dimension], requiresGradient: true)
        self.epsilon = epsilon
    }

    public var ownParameters: [NamedParameter] { [("gain", gain), ("bias", bias)] }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.layerNormalized(gain: gain, bias: bias, epsilon: epsilon)
    }
}
