import Foundation
import Testing
@testable import TransformerCore

/// ``Kernels/gelu(count:x:y:backend:)`` and its backward on every backend this CPU runs, against GELU in
/// Double (Phi(x) = erfc(-x / sqrt 2) / 2, which has no cancellation in the left tail).
@Suite struct GELUKernelTests {
    /// Relative error allowed near x = 0: the fit's own error is below 1.2e-7, plus Float rounding
    /// (measured 2026-12-04: at most 3.4e-7 near 0 on every backend).
    static let relativeTolerance: Double = 5e-7
    /// Results below this size (x < -11.6; below -13.2 exp flushes to 0) are checked absolutely: their
    /// intermediates are denormal.
    static let flushedMagnitude: Double = 1e-30

    /// The allowed relative error at x: relativeTolerance (1 + x^2 / 2). In the left tail Phi is
    /// ill-conditioned (d ln Phi / d ln x ~ -x^2), so rounding z = x / sqrt 2 and the exponent -z^2 (one ulp
    /// each) costs ~x^2 ulp: measured 2.7e-6 at x = -5.9 and 1.3e-5 at x = -11.9, where y is below 1e-4
    /// and 1e-30 (libm's erff does no better relative to 1 + erf; PyTorch's vectorised erf has an
    /// absolute error of 1.5e-7 there, i.e. relative errors of order 1).
    static func tolerance(_ x: Float) -> Double { relativeTolerance * (1 + Double(x) * Double(x) / 2) }

    static func referenceGELU(_ x: Double) -> Double { 0.5 * x * erfc(-x / 2.squareRoot()) }
    /// Phi(x) + x phi(x), and a scale for its error: Phi(x) + |x| phi(x) (the slope crosses 0 near x = -0.75).
    static func referenceSlope(_ x: Double) -> (value: Double, scale: Double) {
        let phi = Foundation.exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
        let cdf = 0.5 * erfc(-x / 2.squareRoot())
        return (cdf + x * phi, cdf + abs(x) * phi)
    }

    /// Every 1/256 from -14 to 14 (7,169 values: the tail lengths 0...15 of a 16-lane kernel all occur).
    static let sweep: [Float] = (0...7168).map { Float($0 - 3584) / 256 }

    @Test(arguments: KernelBackend.supported)
    func forwardMatchesDoubleOnADenseSweep(backend: KernelBackend) {
        let x = Self.sweep
        var y = [Float](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { x in Kernels.gelu(count: x.count, x: x.baseAddress!, y: &y, backend: backend) }
        for (xi, yi) in zip(x, y) {
            let expected = Self.referenceGELU(Double(xi))
            if abs(expected) < Self.flushedMagnitude {
                #expect(abs(Double(yi)) < Self.flushedMagnitude, "gelu(\(xi)) = \(yi), expected \(expected)")
                continue
            }
            let tolerance = Self.tolerance(xi)
            let error = abs(Double(yi) - expected) / abs(expected)
            #expect(error <= tolerance, "\(backend): gelu(\(xi)) = \(yi), expected \(expected) (relative error \(error))")
        }
    }

    @Test(arguments: KernelBackend.supported)
    func backwardMatchesDoubleOnADenseSweep(backend: KernelBackend) {
        let x = Self.sweep
        let g = x.indices.map { Float(1 + $0 % 3) }   // 1, 2, 3: the incoming gradient multiplies
        var dx = [Float](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { x in
            g.withUnsafeBufferPointer { g in
                Kernels.geluBackward(count: x.count, x: x.baseAddress!, g: g.baseAddress!, dx: &dx, backend: backend)
            }
        }
        for i in x.indices {
            let (slope, scale) = Self.referenceSlope(Double(x[i]))
            let expected = Double(g[i]) * slope
            let tolerance = Self.tolerance(x[i])
            if Double(g[i]) * scale < Self.flushedMagnitude {
                #expect(abs(Double(dx[i])) < Self.flushedMagnitude, "gelu'(\(x[i])) = \(dx[i]), expected \(expected)")
                continue
            }
            let error = abs(Double(dx[i]) - expected) / (Double(g[i]) * scale)
            #expect(error <= tolerance, "\(backend): gelu'(\(x[i])) * \(g[i]) = \(dx[i]), expected \(expected)")
        }
    }

    @Test(arguments: KernelBackend.supported)
    func specialValues(backend: KernelBackend) {
        let x: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, -20, 20, 1, -1]
        var y = [Float](repeating: 7, count: x.count)
        x.withUnsafeBufferPointer { x in Kernels.gelu(count: x.count, x: x.baseAddress!, y: &y, backend: backend) }
        #expect(y[0].isNaN)
        #expect(y[1] == .infinity)
        #expect(y[2].isNaN)            // -inf * Phi(-inf) = -inf * 0, as the formula (and libm) give
        #expect(y[3] == 0 && y[4] == 0)
        #expect(y[5] == 0)             // far left tail: exactly 0, never a denormal
        #expect(y[6] == 20)
        #expect(abs(y[7] - 0.841_344_7) <= 1e-6 && abs(y[8] + 0.158_655_25) <= 1e-6)
    }

    /// Large inputs are split over threads; elementwise, so every result equals the one-thread result.
    @Test(arguments: KernelBackend.supported)
    func threadedEqualsOneThreadAndWorksInPlace(backend: KernelBackend) {
        let count = 4 * Kernels.elementsPerThread + 13
        let x = randomTensor([count], seed: 5).scalars.map { $0 * 4 }
        func run() -> ([Float], [Float]) {
            var y = x   // in place: y is both input and output
            y.withUnsafeMutableBufferPointer { y in Kernels.gelu(count: count, x: y.baseAddress!, y: y.baseAddress!, backend: backend) }
            var dx = [Float](repeating: 1.5, count: count)
            x.withUnsafeBufferPointer { x in
                dx.withUnsafeMutableBufferPointer { d in
                    Kernels.geluBackward(count: count, x: x.baseAddress!, g: d.baseAddress!, dx: d.baseAddress!, backend: backend)
                }
            }
            return (y, dx)
        }
        let one = ComputeThreads.$limit.withValue(1) { run() }
        let many = ComputeThreads.$limit.withValue(2) { run() }
        #expect(one.0 == many.0 && one.1 == many.1)
        var single = [Float](repeating: 0, count: count)
        x.withUnsafeBufferPointer { x in Kernels.gelu(count: count, x: x.baseAddress!, y: &single, backend: backend) }
        #expect(single == one.0)
    }
}
