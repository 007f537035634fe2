import Foundation

extension Tensor {
    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], requiresGradient: Bool = false) -> Tensor {
        filled(shape, with: 0, requiresGradient: requiresGradient)
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int], requiresGradient: Bool = false) -> Tensor {
        filled(shape, with: 1, requiresGradient: requiresGradient)
    }

    /// A tensor with every element equal to `value`.
    public static func filled(_ shape: [Int], with value: Float, requiresGradient: Bool = false) -> Tensor {
        Tensor(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)),
               requiresGradient: requiresGradient)
    }

    /// Samples uniformly from `range`; the upper bound itself is never drawn.
    public static func uniform(_ shape: [Int], in range: ClosedRange<Float>, generator: SeededGenerator,
                               requiresGradient: Bool = false) -> Tensor {
        let width = range.upperBound - range.lowerBound
        var values = [Float](repeating: 0, count: shape.reduce(1, *))
        values.withUnsafeMutableBufferPointer { values in
            for i in 0..<values.count { values[i] = range.lowerBound + width * generator.nextUnitFloat() }
        }
        return Tensor(shape: shape, scalars: values, requiresGradient: requiresGradient)
    }

    /// Samples from N(mean, standardDeviation^2).
    public static func normal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                              generator: SeededGenerator, requiresGradient: Bool = false) -> Tensor {
        let values = (0..<shape.reduce(1, *)).map { _ in mean + standardDeviation * generator.nextNormal() }
        return Tensor(shape: shape, scalars: values, requiresGradient: requiresGradient)
    }

    /// Xavier/Glorot uniform initialization for a matrix `[fanOut, fanIn]`:
    /// U(-a, a) with a = sqrt(6 / (fanIn + fanOut)) (Glorot & Bengio 2010), as PyTorch's `xavier_uniform_`.
    public static func xavierUniform(_ shape: [Int], generator: SeededGenerator,
                                     requiresGradient: Bool = false) -> Tensor {
        precondition(shape.count == 2, "xavierUniform needs a matrix shape [fanOut, fanIn], got \(shape)")
        let bound = (6.0 / Float(shape[0] + shape[1])).squareRoot()
        return uniform(shape, in: -bound...bound, generator: generator, requiresGradient: requiresGradient)
    }
}
