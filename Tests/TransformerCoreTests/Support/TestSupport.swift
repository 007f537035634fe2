import Testing
@testable import TransformerCore

/// Tolerances used across the suite, named so each assertion says what it allows.
enum Tolerance {
    /// Results that should agree to Float32 rounding of a short computation.
    static let exact: Float = 1e-6
    /// Results of longer Float32 computations (sums over tens of terms, exp/log).
    static let float32: Float = 1e-4
    /// Central-difference gradient checks (see GradientCheck.defaultTolerance).
    static let gradient: Float = GradientCheck.defaultTolerance
}

/// Finite-difference step for checks through ReLU: small enough that few central differences straddle
/// the kink at 0, large enough that Float32 rounding stays far below `Tolerance.gradient`.
let reluSafeStep: Float = 1e-3

/// Checks shape first, then every element within `tolerance` (absolute), reporting the first mismatch.
func expectClose(_ actual: Tensor, _ expected: Tensor, tolerance: Float = Tolerance.float32,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, "shape \(actual.shape) != expected \(expected.shape)",
            sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    expectClose(actual.scalars, expected.scalars, tolerance: tolerance, sourceLocation: sourceLocation)
}

/// Element-by-element comparison of two arrays within an absolute `tolerance`.
func expectClose(_ actual: [Float], _ expected: [Float], tolerance: Float = Tolerance.float32,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "count \(actual.count) != expected \(expected.count)",
            sourceLocation: sourceLocation)
    for (i, (a, e)) in zip(actual, expected).enumerated() where !(abs(a - e) <= tolerance) {
        Issue.record("element \(i): \(a) != expected \(e) (tolerance \(tolerance))", sourceLocation: sourceLocation)
        return
    }
}

/// Runs a central-difference gradient check and expects it to pass.
func expectGradientsMatch(_ inputs: [Tensor], step: Float = GradientCheck.defaultStep,
                          sourceLocation: SourceLocation = #_sourceLocation,
                          _ function: ([Tensor]) -> Tensor) {
    let report = GradientCheck.check(inputs, step: step, function)
    #expect(report.maximumError <= Tolerance.gradient, "\(report)", sourceLocation: sourceLocation)
}

/// A seeded random tensor with values in [-1, 1).
func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    Tensor.uniform(shape, in: -1...1, generator: SeededGenerator(seed: seed))
}

/// Reduces a tensor to a scalar with fixed random weights, so every output element's gradient differs
/// (a plain sum would hide errors that cancel, e.g. in softmax).
func weightedSum(_ x: Tensor, seed: UInt64 = 99) -> Tensor {
    (x * randomTensor(x.shape, seed: seed)).sum()
}
