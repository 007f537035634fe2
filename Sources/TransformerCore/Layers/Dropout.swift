/// Inverted dropout (Srivastava et al. 2014): in training mode each element is zeroed with
/// probability p and survivors are scaled by 1 / (1 - p); in evaluation mode it is the identity.
///
/// Masks are drawn from the generator given at construction, so a seeded run is reproducible.
public final class Dropout: Layer {
    public let probability: Float
    public private(set) var isTraining = true
    let generator: SeededGenerator

    public init(probability: Float, generator: SeededGenerator) {
        precondition(probability >= 0 && probability < 1, "dropout probability must be in [0, 1), got \(probability)")
        self.probability = probability
        self.generator = generator
    }

    public func setTraining(_ training: Bool) {
        isTraining = training
    }

    /// Whether the layer changes its input: in training mode with p > 0.
    var isActive: Bool { isTraining && probability > 0 }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        guard isActive else { return x }
        return x.dropout(probability: probability, generator: generator)
    }
}
