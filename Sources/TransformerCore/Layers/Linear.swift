/// A fully connected layer: y = x W^T + b.
///
/// Shapes: x `[..., in]` -> y `[..., out]`; W is `[out, in]` (as in PyTorch), b is `[out]`.
/// Initialization: Xavier-uniform W, and b ~ U(-1/sqrt(in), 1/sqrt(in)) (PyTorch's default bias init).
public final class Linear: Layer {
    public let weight: Tensor   // [out, in]
    public let bias: Tensor?    // [out]

    public init(inputSize: Int, outputSize: Int, bias hasBias: Bool = true, generator: SeededGenerator) {
        weight = Tensor.xavierUniform([outputSize, inputSize], generator: generator, requiresGradient: true)
        let bound = 1 / Float(inputSize).squareRoot()
        bias = hasBias ? Tensor.uniform([outputSize], in: -bound...bound, generator: generator, requiresGradient: true) : nil
    }

    /// Wraps existing tensors (for weight tying): W `[out, in]`, b `[out]`.
    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.rank == 2 && (bias == nil || bias!.shape == [weight.shape[0]]),
                     "Linear needs W [out, in] and b [out], got \(weight.shape) and \(bias?.shape ?? [])")
        self.weight = weight
        self.bias = bias
    }

    public var ownParameters: [NamedParameter] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.linear(weight: weight, bias: bias)   // x W^T + b: [..., out]
    }
}
