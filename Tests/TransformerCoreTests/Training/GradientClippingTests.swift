import Testing
@testable import TransformerCore

/// Clipping by global norm, as PyTorch's clip_grad_norm_.
@Suite struct GradientClippingTests {
    /// Parameters with gradients [3, 4] and [12]: global norm sqrt(9 + 16 + 144) = 13.
    func parameters() -> [Tensor] {
        let a = Tensor(shape: [2], scalars: [0, 0], requiresGradient: true)
        let b = Tensor(shape: [1], scalars: [0], requiresGradient: true)
        (a * Tensor(shape: [2], scalars: [3, 4])).sum().backward()
        (b * Tensor(shape: [1], scalars: [12])).sum().backward()
        return [a, b]
    }

    @Test func returnsTheNormAndScalesToTheMaximum() throws {
        let p = parameters()
        let norm = clipGradientNorm(p, maximumNorm: 6.5)
        #expect(norm == 13)
        let factor: Float = 6.5 / (13 + 1e-6)
        expectClose(try #require(p[0].gradientScalars), [3 * factor, 4 * factor], tolerance: Tolerance.exact)
        expectClose(try #require(p[1].gradientScalars), [12 * factor], tolerance: Tolerance.exact)
        let after = clipGradientNorm(p, maximumNorm: .infinity)
        #expect(abs(after - 6.5) < 1e-5)
    }

    @Test func leavesSmallGradientsAlone() {
        let p = parameters()
        #expect(clipGradientNorm(p, maximumNorm: 13) == 13)
        #expect(p[0].gradientScalars == [3, 4])
        #expect(p[1].gradientScalars == [12])
    }

    @Test func leavesNonFiniteGradientsAloneAndReportsThem() throws {
        let p = parameters()
        p[1].gradientScalars = [.nan]
        let norm = clipGradientNorm(p, maximumNorm: 1)
        #expect(norm.isNaN)
        #expect(p[0].gradientScalars == [3, 4])
        p[1].gradientScalars = [.infinity]
        #expect(clipGradientNorm(p, maximumNorm: 1) == .infinity)
        #expect(p[0].gradientScalars == [3, 4])
    }

    @Test func skipsParametersWithoutGradients() {
        let p = parameters() + [Tensor(shape: [3], scalars: [1, 2, 3], requiresGradient: true)]
        #expect(clipGradientNorm(p, maximumNorm: 100) == 13)
    }

    @Test func laneSumOfSquaresMatchesThePlainSum() {
        for count in [0, 1, 7, 8, 9, 100, 1003] {
            let g = randomTensor([count], seed: 70 + UInt64(count)).scalars
            let plain = g.reduce(Double(0)) { $0 + Double($1) * Double($1) }
            let lanes = g.withUnsafeBufferPointer { sumOfSquaresOf($0) }
            #expect(abs(Double(lanes) - plain) <= Double(Tolerance.float32) * Swift.max(1, plain))
        }
    }

    /// A gradient of several chunks (shared between threads when there are two): the same norm and the
    /// same clipped gradient bit for bit at 1 and 2 threads, and the norm of the plain Double sum.
    @Test func largeGradientsGiveTheSameResultOnOneAndTwoThreads() throws {
        let count = 3 * clippingChunk + 7
        let g = randomTensor([count], seed: 80).scalars
        var norms: [Float] = [], clipped: [[Float]] = []
        for threads in [1, 2] {
            let p = Tensor(shape: [count], scalars: [Float](repeating: 0, count: count), requiresGradient: true)
            p.gradientScalars = g
            norms.append(ComputeThreads.$limit.withValue(threads) { clipGradientNorm([p], maximumNorm: 1) })
            clipped.append(try #require(p.gradientScalars))
        }
        #expect(norms[0].bitPattern == norms[1].bitPattern)
        #expect(clipped[0] == clipped[1])
        let plain = g.reduce(Double(0)) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(Double(norms[0]) - plain) <= Double(Tolerance.float32) * plain)
        let factor = 1 / (norms[0] + 1e-6)
        #expect(clipped[0][count - 1] == g[count - 1] * factor && clipped[0][0] == g[0] * factor)
    }
}
