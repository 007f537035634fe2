import CKernels
import Foundation
import Testing
@testable import TransformerCore

/// ``Kernels/exp16(_:)`` (two ``Kernels/exp8(_:)``) against Foundation's exp, and the softmax rows that use it.
@Suite struct VectorExpTests {
    /// Bound on |exp16(x) - exp(x)| / exp(x) over the dense sweep below (normal results). Measured
    /// 2026-11-23: 7.9e-8 (at x = 70.36), about 0.66 of Float's ulp 2^-23 relative to the result.
    static let maxRelativeError: Double = 1e-7

    /// Every 1/4096 from -87 (below it results flush to 0) to 88.72, in Double for the reference.
    @Test func matchesExpOnADenseSweep() {
        var worst = 0.0, worstX: Float = 0
        var x: Float = Kernels.expFlushBelow
        while x <= 88.72 {
            var v = SIMD16<Float>()
            for i in 0..<16 { v[i] = x + Float(i) / 4096 }
            let y = Kernels.exp16(v)
            for i in 0..<16 where v[i] <= 88.72 {
                let expected = Foundation.exp(Double(v[i]))
                let error = abs(Double(y[i]) - expected) / expected
                if error > worst { (worst, worstX) = (error, v[i]) }
            }
            x += 16.0 / 4096
        }
        #expect(worst <= Self.maxRelativeError, "worst relative error \(worst) at x = \(worstX)")
    }

    @Test func specialValues() {
        var v = SIMD16<Float>(repeating: 0)
        let inputs: [Float] = [-.infinity, .infinity, .nan, 0, -0.0, -200, 200, -104, 89, 1, -1, -100, -90, 88.7, -.nan, -110]
        for (i, x) in inputs.enumerated() { v[i] = x }
        let y = Kernels.exp16(v)
        #expect(y[0] == 0)                 // masked keys: exactly 0
        #expect(y[1] == .infinity)
        #expect(y[2].isNaN)                // NaN propagates
        #expect(y[3] == 1 && y[4] == 1)
        #expect(y[5] == 0 && y[7] == 0 && y[15] == 0)
        #expect(y[13].isFinite && y[13] > 3e38 && y[14].isNaN)
        #expect(y[6] == .infinity && y[8] == .infinity)
        #expect(abs(Double(y[9]) - M_E) / M_E <= Self.maxRelativeError)
        // Results that would be denormal flush to 0 (below Kernels.expFlushBelow); just above it, normal.
        #expect(y[11] == 0 && y[12] == 0)
        let edge = Kernels.exp16(SIMD16(repeating: Kernels.expFlushBelow))[0]
        #expect(edge.isNormal && abs(Double(edge) - Foundation.exp(Double(Kernels.expFlushBelow))) / Double(edge)
                <= Self.maxRelativeError)
    }

    /// Rows of 16 lanes plus a tail, against the composed ops; a NaN score makes its row NaN.
    @Test func softmaxRowsOfEveryWidthMatchTheComposedOps() {
        for width in [1, 5, 16, 21, 64] {
            let scores = randomTensor([3, width], seed: UInt64(width))
            let mask = Tensor(shape: [3, width], scalars: (0..<(3 * width)).map { $0 % 3 == 1 ? -.infinity : 0 })
            expectClose(scores.scaledMaskedSoftmax(scale: 0.5, mask: mask),
                        (scores.affine(scale: 0.5) + mask).softmax(), tolerance: Tolerance.exact)
        }
        var scalars = randomTensor([2, 20], seed: 3).scalars
        scalars[25] = .nan
        let y = Tensor(shape: [2, 20], scalars: scalars).scaledMaskedSoftmax(scale: 1, mask: nil).scalars
        #expect(y[0..<20].allSatisfy { !$0.isNaN })
        #expect(y[20..<40].allSatisfy { $0.isNaN })
    }

    /// The exp of the C kernels of every backend this CPU runs (ck_avx512.h's ck_exp16 and ck_avx2.h's
    /// ck_exp8, through ``Kernels/shiftedExponentials(_:shift:count:into:backend:)`` with shift 0) on the
    /// dense sweep of ``matchesExpOnADenseSweep()``, its special values, and bit for bit equal to each
    /// other (ck_exp8 is ck_exp16's steps on 8 lanes).
    @Test(arguments: KernelBackend.supported.filter { $0 != .portable })
    func cExpMatchesExpOnADenseSweep(backend: KernelBackend) {
        var xs: [Float] = []
        var x: Float = Kernels.expFlushBelow
        while x <= 88.72 { xs.append(x); x += 1.0 / 4096 }
        func exponentials(_ xs: [Float], _ backend: KernelBackend) -> [Float] {
            var y = [Float](repeating: 1, count: xs.count)
            xs.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { y in
                _ = Kernels.shiftedExponentials(x.baseAddress!, shift: 0, count: xs.count, into: y.baseAddress!, backend: backend)
            } }
            return y
        }
        let y = exponentials(xs, backend)
        var worst = 0.0, worstX: Float = 0
        for (x, y) in zip(xs, y) {
            let expected = Foundation.exp(Double(x))
            let error = abs(Double(y) - expected) / expected
            if error > worst { (worst, worstX) = (error, x) }
        }
        #expect(worst <= Self.maxRelativeError, "\(backend): worst relative error \(worst) at x = \(worstX)")
        if backend != .avx512 && KernelBackend.avx512.isSupported {
            #expect(y.map(\.bitPattern) == exponentials(xs, .avx512).map(\.bitPattern), "\(backend) exp != AVX-512 exp")
        }
        let e = exponentials([-.infinity, .infinity, .nan, 0, -90, -200, 89], backend)
        #expect(e[0] == 0 && e[1] == .infinity && e[2].isNaN && e[3] == 1 && e[4] == 0 && e[5] == 0 && e[6] == .infinity)
    }

    /// The AVX-512 rows (C) against the Swift 8-lane rows: exponentials within twice exp's bound of each
    /// other (special values included), sums and softmax rows equal up to rounding.
    @Test(.enabled(if: Kernels.hasAVX512)) func avx512RowsMatchTheSwiftRows() {
        for width in [1, 5, 8, 15, 16, 17, 33, 64, 100] {
            var x = (randomTensor([width], seed: UInt64(400 + width)) * 30).scalars
            if width > 5 { (x[1], x[2], x[3], x[4]) = (-.infinity, -95, -87, 89.5) }
            var (e, eRef) = ([Float](repeating: 0, count: width), [Float](repeating: 0, count: width))
            let sum = ck_shifted_exponentials_avx512(x, 0.5, width, &e)
            let sumRef = Kernels.shiftedExponentialsSIMD8(x, shift: 0.5, count: width, into: &eRef)
            for (a, b) in zip(e, eRef) {
                #expect(a == b || abs(Double(a) - Double(b)) <= 2 * Self.maxRelativeError * Double(abs(b)),
                        "width \(width): \(a) vs \(b)")
            }
            #expect(sum == sumRef || abs(sum - sumRef) <= Tolerance.float32 * abs(sumRef), "width \(width)")

            let scores = (randomTensor([width], seed: UInt64(500 + width)) * 4).scalars
            let mask = (0..<width).map { $0 % 3 == 2 ? -Float.infinity : 0 }
            for useMask in [false, true] {
                var (y, yRef) = ([Float](repeating: 0, count: width), [Float](repeating: 0, count: width))
                mask.withUnsafeBufferPointer { mask in
                    let m = useMask ? mask.baseAddress : nil
                    ck_scaled_masked_softmax_row_avx512(scores, 0.7, m, width, &y)
                    Kernels.scaledMaskedSoftmaxRowSIMD8(scores, scale: 0.7, mask: m, width: width, into: &yRef)
                }
                expectClose(y, yRef, tolerance: Tolerance.exact)
            }
        }
        // A fully masked row gives zeros.
        var y = [Float](repeating: 1, count: 20)
        ck_scaled_masked_softmax_row_avx512([Float](repeating: 1, count: 20), 1, [Float](repeating: -.infinity, count: 20), 20, &y)
        #expect(y.allSatisfy { $0 == 0 })
    }
}
