/// A lookup table of learned vectors: token id -> row of a `[V, C]` matrix.
///
/// Shapes: ids `[B, T]` -> `[B, T, C]`. Initialization: Xavier-uniform, as the reference benchmark.
public final class Embedding: Layer {
    public let weight: Tensor   // [V, C]

    public init(vocabularySize: Int, dimension: Int, generator: SeededGenerator) {
        weight = Tensor.xavierUniform([vocabularySize, dimension], generator: generator, requiresGradient: true)
    }

    public var ownParameters: [NamedParameter] { [("weight", weight)] }

    /// Looks up each id of a rectangular batch. Precondition: ids are in 0..<V.
    public func callAsFunction(_ ids: [[Int]]) -> Tensor {
        let batch = ids.count, length = ids.first?.count ?? 0
        precondition(ids.allSatisfy { $0.count == length }, "Embedding needs rows of equal length")
        return weight.gatheringRows(ids.flatMap { $0 }, indexShape: [batch, length])
    }
}
