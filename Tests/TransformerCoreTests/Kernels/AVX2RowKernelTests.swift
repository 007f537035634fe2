import CKernels
import Foundation
import Testing
@testable import TransformerCore

/// The AVX2 + FMA twins of the AVX-512 row kernels (Sources/CKernels/*_avx2.c), each against the oracle its
/// AVX-512 twin is tested against (the Swift rows and plain loops) with the same sizes and edge cases, sizes
/// around the 8-lane and 16-element steps included; and, on CPUs that also have AVX-512, against the AVX-512
/// kernel where the contracts say both agree. Floats past the end of every output must stay untouched
/// (the tails are masked stores).
@Suite struct AVX2RowKernelTests {
    /// Widths and counts: 1...100 around the 8-lane steps (7, 8, 9), the 16-element steps of the AVX-512
    /// kernels and of the dropout mask words (15, 16, 17), the 32-float steps of the layer norm forward
    /// (31, 32, 33), and longer rows.
    static let sizes = [1, 2, 5, 7, 8, 9, 15, 16, 17, 23, 31, 32, 33, 64, 100]

    /// Floats appended past each output: they must keep their value (`sentinel`).
    static let padding = 3
    static let sentinel: Float = 7

    /// `values` followed by ``padding`` sentinels.
    static func padded(_ values: [Float]) -> [Float] { values + [Float](repeating: sentinel, count: padding) }

    /// Bound on how far apart two implementations of exp8's method may be, relative to the result: each is
    /// within `VectorExpTests.maxRelativeError` of exp (as VectorExpTests checks for the AVX-512 one).
    static let expAgreement = 2 * VectorExpTests.maxRelativeError

    // MARK: - Softmax rows

    // (The AVX2 exp on VectorExpTests' dense sweep: VectorExpTests.cExpMatchesExpOnADenseSweep.)

    /// The AVX2 rows against the Swift 8-lane rows (exponentials within ``expAgreement`` of each other,
    /// special values included; sums and softmax rows equal up to rounding) and against the AVX-512 rows
    /// (the same exponentials bit for bit, sums up to rounding).
    @Test(.enabled(if: Kernels.hasAVX2FMA)) func rowsMatchTheSwiftRows() {
        for width in Self.sizes {
            var x = (randomTensor([width], seed: UInt64(400 + width)) * 30).scalars
            if width > 5 { (x[1], x[2], x[3], x[4]) = (-.infinity, -95, -87, 89.5) }
            var e = [Float](repeating: Self.sentinel, count: width + Self.padding)
            var eRef = [Float](repeating: 0, count: width)
            let sum = ck_shifted_exponentials_avx2(x, 0.5, width, &e)
            let sumRef = Kernels.shiftedExponentialsSIMD8(x, shift: 0.5, count: width, into: &eRef)
            #expect(e[width...].allSatisfy { $0 == Self.sentinel }, "width \(width)")
            for (a, b) in zip(e, eRef) {
                #expect(a == b || abs(Double(a) - Double(b)) <= Self.expAgreement * Double(abs(b)),
                        "width \(width): \(a) vs \(b)")
            }
            #expect(sum == sumRef || abs(sum - sumRef) <= Tolerance.float32 * abs(sumRef), "width \(width)")
            if Kernels.hasAVX512 {
                var e512 = [Float](repeating: 0, count: width)
                let sum512 = ck_shifted_exponentials_avx512(x, 0.5, width, &e512)
                #expect(e[..<width].map(\.bitPattern) == e512.map(\.bitPattern), "width \(width)")
                #expect(sum == sum512 || abs(sum - sum512) <= Tolerance.float32 * abs(sum512), "width \(width)")
            }

            let scores = (randomTensor([width], seed: UInt64(500 + width)) * 4).scalars
            let mask = (0..<width).map { $0 % 3 == 2 ? -Float.infinity : 0 }
            for useMask in [false, true] {
                var y = [Float](repeating: Self.sentinel, count: width + Self.padding)
                var yRef = [Float](repeating: 0, count: width)
                var y512 = yRef
                mask.withUnsafeBufferPointer { mask in
                    let m = useMask ? mask.baseAddress : nil
                    ck_scaled_masked_softmax_row_avx2(scores, 0.7, m, width, &y)
                    Kernels.scaledMaskedSoftmaxRowSIMD8(scores, scale: 0.7, mask: m, width: width, into: &yRef)
                    if Kernels.hasAVX512 { ck_scaled_masked_softmax_row_avx512(scores, 0.7, m, width, &y512) }
                }
                #expect(y[width...].allSatisfy { $0 == Self.sentinel }, "width \(width)")
                expectClose(Array(y[..<width]), yRef, tolerance: Tolerance.exact)
                if Kernels.hasAVX512 { expectClose(Array(y[..<width]), y512, tolerance: Tolerance.exact) }
            }
            // In place (x and y the same buffer), as the attention rows call it.
            var inPlace = scores
            ck_scaled_masked_softmax_row_avx2(inPlace, 0.7, nil, width, &inPlace)
            var yRef = [Float](repeating: 0, count: width)
            Kernels.scaledMaskedSoftmaxRowSIMD8(scores, scale: 0.7, mask: nil, width: width, into: &yRef)
            expectClose(inPlace, yRef, tolerance: Tolerance.exact)
        }
    }

    /// A row whose every entry is -inf (masked) gives zeros, whatever its width; one -inf row among finite
    /// ones still sums to 1; a NaN score makes its row NaN.
    @Test(.enabled(if: Kernels.hasAVX2FMA)) func maskedAndNaNRows() {
        for width in [1, 3, 7, 8, 9, 16, 20] {
            var y = [Float](repeating: 1, count: width + Self.padding)
            ck_scaled_masked_softmax_row_avx2([Float](repeating: 1, count: width), 1,
                                              [Float](repeating: -.infinity, count: width), width, &y)
            #expect(y[..<width].allSatisfy { $0 == 0 }, "width \(width)")
            #expect(y[width...].allSatisfy { $0 == 1 }, "width \(width)")
            var scores = [Float](repeating: -.infinity, count: width)
            ck_scaled_masked_softmax_row_avx2(scores, 1, nil, width, &y)
            #expect(y[..<width].allSatisfy { $0 == 0 }, "width \(width)")

            scores = randomTensor([width], seed: UInt64(600 + width)).scalars
            scores[width / 2] = -.infinity
            ck_scaled_masked_softmax_row_avx2(scores, 1, nil, width, &y)
            if width > 1 {
                #expect(y[width / 2] == 0)
                #expect(abs(y[..<width].reduce(0, +) - 1) <= Tolerance.float32, "width \(width)")
            }
            guard width > 1 else { continue }
            scores = randomTensor([width], seed: UInt64(700 + width)).scalars
            scores[width - 1] = .nan   // in the tail or the last full vector
            ck_scaled_masked_softmax_row_avx2(scores, 1, nil, width, &y)
            #expect(y[..<width].allSatisfy { $0.isNaN }, "width \(width)")
            scores[width - 1] = 0
            scores[0] = .nan
            ck_scaled_masked_softmax_row_avx2(scores, 1, nil, width, &y)
            #expect(y[..<width].allSatisfy { $0.isNaN }, "width \(width)")
        }
    }

    // MARK: - Layer normalization

    /// The AVX2 rows against the Swift rows they stand in for, forward and backward (as
    /// LayerNormOpTests.avx512RowsMatchTheSwiftRows checks the AVX-512 rows), and against the AVX-512 rows.
    @Test(.enabled(if: Kernels.hasAVX2FMA)) func layerNormRowsMatchTheSwiftRows() {
        for width in Self.sizes {
            let rows = 3
            let x = (randomTensor([rows, width], seed: UInt64(width)) * 3 + 0.5).scalars
            let gain = (randomTensor([width], seed: UInt64(100 + width)) + 1).scalars
            let bias = randomTensor([width], seed: UInt64(200 + width)).scalars
            let dy = randomTensor([rows, width], seed: UInt64(300 + width)).scalars
            let epsilon: Float = 1e-5
            let n = rows * width
            var y = [Float](repeating: Self.sentinel, count: n + Self.padding)
            var (means, rstds) = ([Float](repeating: 0, count: rows), [Float](repeating: 0, count: rows))
            var dx = [Float](repeating: Self.sentinel, count: n + Self.padding)
            var dGain = Self.padded([Float](repeating: 0.5, count: width))
            var dBias = Self.padded([Float](repeating: -0.5, count: width))
            ck_layernorm_forward_avx2(rows, width, x, gain, bias, epsilon, &y, &means, &rstds)
            ck_layernorm_backward_avx2(rows, width, dy, x, means, rstds, gain, &dx, &dGain, &dBias)
            for output in [y, dx, dGain, dBias] {
                #expect(output.suffix(Self.padding).allSatisfy { $0 == Self.sentinel }, "width \(width)")
            }
            (y, dx, dGain, dBias) = (Array(y[..<n]), Array(dx[..<n]), Array(dGain[..<width]), Array(dBias[..<width]))

            var (yRef, meansRef, rstdsRef) = ([Float](repeating: 0, count: n), means, rstds)
            var (dxRef, dGainRef, dBiasRef) = (yRef, [Float](repeating: 0.5, count: width),
                                               [Float](repeating: -0.5, count: width))
            var xhat = [Float](repeating: 0, count: width)
            for r in 0..<rows {
                x.withUnsafeBufferPointer { x in yRef.withUnsafeMutableBufferPointer { yRef in
                    (meansRef[r], rstdsRef[r]) = Kernels.layerNormRowStatistics(
                        x.baseAddress! + r * width, width: width, gain: gain, bias: bias, epsilon: epsilon,
                        into: yRef.baseAddress! + r * width)
                } }
                for j in 0..<width { xhat[j] = (x[r * width + j] - meansRef[r]) * rstdsRef[r] }
                dy.withUnsafeBufferPointer { dy in dxRef.withUnsafeMutableBufferPointer { dxRef in
                    Kernels.layerNormBackwardRow(dy.baseAddress! + r * width, xhat: xhat, rstd: rstdsRef[r], gain: gain,
                                                 width: width, dGain: &dGainRef, dBias: &dBiasRef,
                                                 into: dxRef.baseAddress! + r * width)
                } }
            }
            expectClose(y, yRef, tolerance: Tolerance.float32)
            expectClose(means, meansRef, tolerance: Tolerance.float32)
            expectClose(rstds, rstdsRef, tolerance: Tolerance.float32)
            expectClose(dx, dxRef, tolerance: Tolerance.float32)
            expectClose(dGain, dGainRef, tolerance: Tolerance.float32)
            expectClose(dBias, dBiasRef, tolerance: Tolerance.float32)

            // Without the statistics (inference): the same rows.
            var yAlone = [Float](repeating: 0, count: n)
            ck_layernorm_forward_avx2(rows, width, x, gain, bias, epsilon, &yAlone, nil, nil)
            #expect(yAlone.map(\.bitPattern) == y.map(\.bitPattern), "width \(width)")

            if Kernels.hasAVX512 {
                var (y512, means512, rstds512) = ([Float](repeating: 0, count: n), means, rstds)
                var (dx512, dGain512, dBias512) = (y512, [Float](repeating: 0.5, count: width),
                                                   [Float](repeating: -0.5, count: width))
                ck_layernorm_forward_avx512(rows, width, x, gain, bias, epsilon, &y512, &means512, &rstds512)
                ck_layernorm_backward_avx512(rows, width, dy, x, means512, rstds512, gain, &dx512, &dGain512, &dBias512)
                expectClose(y, y512, tolerance: Tolerance.float32)
                expectClose(means, means512, tolerance: Tolerance.float32)
                expectClose(rstds, rstds512, tolerance: Tolerance.float32)
                expectClose(dx, dx512, tolerance: Tolerance.float32)
                expectClose(dGain, dGain512, tolerance: Tolerance.float32)
                expectClose(dBias, dBias512, tolerance: Tolerance.float32)
            }
        }
    }

    // MARK: - Adam

    /// Three Adam steps equal the plain loop (Kernels.referenceAdamUpdate) bit for bit, as OptimizerTests checks
    /// for Kernels.adamUpdate, and the AVX-512 kernel's when the CPU has it.
    @Test(.enabled(if: Kernels.hasAVX2FMA)) func adamEqualsThePlainLoopBitForBit() {
        for count in Self.sizes {
            let g = randomTensor([count], seed: 50 + UInt64(count)).scalars
            var results: [[Float]] = []
            for kernel in Kernels.hasAVX512 ? 0...2 : 0...1 {   // the plain loop, AVX2, AVX-512
                var theta = Self.padded(randomTensor([count], seed: 60).scalars)
                var m = Self.padded(randomTensor([count], seed: 61).scalars.map { $0 * 0.1 })
                var v = Self.padded(randomTensor([count], seed: 62).scalars.map { $0 * $0 * 0.01 })
                for _ in 0..<3 {
                    theta.withUnsafeMutableBufferPointer { t in m.withUnsafeMutableBufferPointer { m in
                        v.withUnsafeMutableBufferPointer { v in g.withUnsafeBufferPointer { g in
                            let (t, m, v, g) = (t.baseAddress!, m.baseAddress!, v.baseAddress!, g.baseAddress!)
                            switch kernel {
                            case 0: Kernels.referenceAdamUpdate(theta: t, m: m, v: v, g: g, count: count, beta1: 0.9, beta2: 0.98,
                                                         epsilon: 1e-9, learningRate: 1e-3, correction1: 0.19,
                                                         correction2: 0.0396)
                            case 1: ck_adam_avx2(count, t, m, v, g, 0.9, 0.98, 1e-9, 1e-3, 0.19, 0.0396)
                            default: ck_adam_avx512(count, t, m, v, g, 0.9, 0.98, 1e-9, 1e-3, 0.19, 0.0396)
                            }
                        } }
                    } }
                }
                results.append(theta + m + v)
            }
            for result in results.dropFirst() {
                #expect(result.map(\.bitPattern) == results[0].map(\.bitPattern), "count \(count)")
            }
        }
    }

    // MARK: - Column sums

    /// The column sums equal the plain loop (Kernels.columnSumsLoop) bit for bit: the same additions in the
    /// same order, over widths around the 8-lane vectors and the 128-column blocks (a last block of 113 ... 127
    /// columns goes as 64 and the rest), and the AVX-512 kernel's result.
    @Test(.enabled(if: Kernels.hasAVX2FMA)) func columnSumsEqualThePlainLoop() {
        let shapes = [(1, 1), (3, 7), (3, 8), (3, 9), (7, 15), (5, 16), (9, 17), (2, 33), (33, 64), (2, 65), (3, 71),
                      (4, 72), (2, 100), (2, 112), (2, 113), (2, 120), (4, 127), (4, 128), (4, 129), (3, 250),
                      (3, 300), (0, 5)]
        for (rows, columns) in shapes {
            var x = randomTensor([Swift.max(rows, 1), columns], seed: UInt64(rows * 1000 + columns)).scalars
            x = Array(x.prefix(rows * columns))
            if x.count > 2 { x[1] = -0.0 }
            var sums = Self.padded([Float](repeating: .nan, count: columns))
            var expected = [Float](repeating: .nan, count: columns)
            ck_column_sums_avx2(rows, columns, x, &sums)
            Kernels.columnSumsLoop(x, rows: rows, columns: columns, into: &expected)
            #expect(sums.suffix(Self.padding).allSatisfy { $0 == Self.sentinel }, "\(rows) x \(columns)")
            #expect(sums.prefix(columns).map(\.bitPattern) == expected.map(\.bitPattern), "\(rows) x \(columns)")
            if Kernels.hasAVX512 {
                var sums512 = [Float](repeating: .nan, count: columns)
                ck_column_sums_avx512(rows, columns, x, &sums512)
                #expect(sums.prefix(columns).map(\.bitPattern) == sums512.map(\.bitPattern), "\(rows) x \(columns)")
            }
        }
    }

    // MARK: - Dropout

    /// One draw by the AVX2 kernel, and the same by the reference loop (and the AVX-512 kernel when the CPU
    /// has AVX-512DQ): outputs, mask bits (words filled with 0xFFFF first, so the last word's padding is
    /// checked) and states.
    private static func draws(first: Int, count: Int, p: Float, relu: Bool, withBits: Bool, x: [Float])
        -> [(state: UInt64, y: [UInt32], bits: [UInt16])] {
        let (threshold, keep) = Tensor.dropoutParameters(p)
        var results: [(state: UInt64, y: [UInt32], bits: [UInt16])] = []
        for kernel in KernelBackend.avx512.isSupported ? 0...2 : 0...1 {   // the reference loop, AVX2, AVX-512
            var state: UInt64 = 0x1234_5678_9ABC_DEF0 &+ UInt64(count)
            var y = [Float](repeating: Self.sentinel, count: count + Self.padding)
            var bits = [UInt16](repeating: 0xFFFF, count: Kernels.dropoutMaskWords(count) + 1)
            func draw(_ y: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<UInt16>?) {
                switch kernel {
                case 0: Kernels.referenceDropout(state: &state, first: first, count: count, threshold: threshold,
                                                 keep: keep, relu: relu, x: x, y: y, bits: m)
                case 1: state = ck_dropout_avx2(state, first, count, threshold, keep, relu ? 1 : 0, x, y, m)
                default: state = ck_dropout_avx512(state, first, count, threshold, keep, relu ? 1 : 0, x, y, m)
                }
            }
            if withBits { draw(&y, &bits) } else { draw(&y, nil) }
            results.append((state, y.map(\.bitPattern), bits))
        }
        return results
    }

    /// The AVX2 dropout equals the reference loop bit for bit (outputs, bits, state) for counts around the
    /// 8-lane and 16-element steps, even and odd `first`, with and without ReLU and mask bits; a NaN input
    /// stays NaN when dropped (x * 0) and ReLU maps it to 0. The AVX-512 kernel (when present) agrees.
    @Test(.enabled(if: Kernels.hasAVX2FMA)) func dropoutEqualsTheReferenceBitForBit() {
        for count in [0] + Self.sizes + [1000] {
            var x = randomTensor([Swift.max(count, 1)], seed: UInt64(count)).scalars   // (not empty: a base address)
            if count > 3 { x[3] = .nan }
            for first in [0, 1, 2, 3, 16, 17, 63] {
                for p in [0.1, 0.5] as [Float] {
                    for relu in [false, true] {
                        for withBits in [true, false] {
                            let results = Self.draws(first: first, count: count, p: p, relu: relu, withBits: withBits, x: x)
                            let label = "count \(count) first \(first) p \(p) relu \(relu) bits \(withBits)"
                            for result in results.dropFirst() {
                                #expect(result.state == results[0].state, "\(label)")
                                #expect(result.y == results[0].y, "\(label)")
                                #expect(result.bits == results[0].bits, "\(label)")
                            }
                            let expectedState = Kernels.splitMixState(0x1234_5678_9ABC_DEF0 &+ UInt64(count),
                                                                      advancedBy: (first + count + 1) / 2)
                            #expect(results[1].state == expectedState, "\(label)")
                            let tail = results[1].y.suffix(Self.padding)
                            #expect(tail.allSatisfy { $0 == Self.sentinel.bitPattern }, "\(label)")
                            if withBits {
                                // The words past the mask stay untouched.
                                #expect(results[1].bits.last == 0xFFFF, "\(label)")
                            } else {
                                #expect(results[1].bits.allSatisfy { $0 == 0xFFFF }, "\(label)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// A draw of elements first ..< first + count is that slice of one draw from element 0 (attention draws
    /// each pair so), for even and odd `first`; also in place (y the same buffer as x).
    @Test(.enabled(if: Kernels.hasAVX2FMA)) func dropoutFromAnyElementIsASliceOfOneDraw() {
        let total = 100
        let x = randomTensor([total], seed: 77).scalars
        let (threshold, keep) = Tensor.dropoutParameters(0.3)
        var whole = [Float](repeating: 0, count: total)
        var state: UInt64 = 99
        Kernels.referenceDropout(state: &state, count: total, threshold: threshold, keep: keep, x: x, y: &whole, bits: nil)
        for (first, count) in [(0, 100), (1, 99), (1, 16), (3, 40), (16, 33), (17, 50), (50, 50), (63, 1), (7, 9), (9, 8)] {
            var y = Array(x[first..<(first + count)])   // in place
            var bits = [UInt16](repeating: 0, count: Kernels.dropoutMaskWords(count))
            let s = y.withUnsafeMutableBufferPointer { y in
                ck_dropout_avx2(99, first, count, threshold, keep, 0, y.baseAddress!, y.baseAddress!, &bits)
            }
            #expect(y.map(\.bitPattern) == whole[first..<(first + count)].map(\.bitPattern), "first \(first) count \(count)")
            let keptBits = (0..<count).map { (bits[$0 / 16] >> UInt16($0 % 16)) & 1 == 1 }
            #expect(keptBits == whole[first..<(first + count)].map { $0 != 0 })   // (x has no zeros)
            #expect(s == Kernels.splitMixState(99, advancedBy: (first + count + 1) / 2))
        }
    }

    /// dx = g * (bit ? keep : 0) equals the reference loop bit for bit (a NaN in g stays NaN where dropped),
    /// and the AVX-512 backward's result.
    @Test(.enabled(if: Kernels.hasAVX2FMA)) func dropoutBackwardEqualsTheReference() {
        for count in Self.sizes {
            var g = randomTensor([count], seed: 40 + UInt64(count)).scalars
            g[0] = .nan
            let bits = (0..<Kernels.dropoutMaskWords(count)).map { UInt16(truncatingIfNeeded: $0 &* 40503 &+ 12345) }
            var dx = [Float](repeating: Self.sentinel, count: count + Self.padding)
            var expected = dx
            ck_dropout_backward_avx2(count, 1.25, bits, g, &dx)
            Kernels.referenceDropoutBackward(count: count, keep: 1.25, bits: bits, g: g, dx: &expected)
            #expect(dx.map(\.bitPattern) == expected.map(\.bitPattern), "count \(count)")
            if KernelBackend.avx512.isSupported {
                var dx512 = [Float](repeating: Self.sentinel, count: count + Self.padding)
                ck_dropout_backward_avx512(count, 1.25, bits, g, &dx512)
                #expect(dx.map(\.bitPattern) == dx512.map(\.bitPattern), "count \(count)")
            }
        }
    }

    /// The mask bits are interchangeable: bits written by either forward (AVX2, AVX-512) give the same
    /// gradients through either backward, and equal the reference loop's bits.
    @Test(.enabled(if: Kernels.hasAVX2FMA)) func dropoutBitsAreInterchangeable() {
        for count in Self.sizes + [1000] {
            for first in [0, 5] {
                let x = randomTensor([count], seed: 80 + UInt64(count)).scalars
                let g = randomTensor([count], seed: 90 + UInt64(count)).scalars
                let (threshold, keep) = Tensor.dropoutParameters(0.4)
                var y = [Float](repeating: 0, count: count)
                var (bits, bitsRef) = ([UInt16](repeating: 0, count: Kernels.dropoutMaskWords(count)),
                                       [UInt16](repeating: 0, count: Kernels.dropoutMaskWords(count)))
                _ = ck_dropout_avx2(5, first, count, threshold, keep, 0, x, &y, &bits)
                var state: UInt64 = 5
                Kernels.referenceDropout(state: &state, first: first, count: count, threshold: threshold, keep: keep,
                                         x: x, y: &y, bits: &bitsRef)
                #expect(bits == bitsRef, "count \(count) first \(first)")
                var expected = [Float](repeating: 0, count: count)
                Kernels.referenceDropoutBackward(count: count, keep: keep, bits: bitsRef, g: g, dx: &expected)
                var dx = [Float](repeating: 0, count: count)
                ck_dropout_backward_avx2(count, keep, bits, g, &dx)
                #expect(dx.map(\.bitPattern) == expected.map(\.bitPattern), "count \(count) first \(first)")
                guard KernelBackend.avx512.isSupported else { continue }
                // AVX2 bits through the AVX-512 backward, AVX-512 bits through the AVX2 backward.
                ck_dropout_backward_avx512(count, keep, bits, g, &dx)
                #expect(dx.map(\.bitPattern) == expected.map(\.bitPattern), "count \(count) first \(first)")
                var bits512 = [UInt16](repeating: 0, count: Kernels.dropoutMaskWords(count))
                _ = ck_dropout_avx512(5, first, count, threshold, keep, 0, x, &y, &bits512)
                #expect(bits512 == bits, "count \(count) first \(first)")
                ck_dropout_backward_avx2(count, keep, bits512, g, &dx)
                #expect(dx.map(\.bitPattern) == expected.map(\.bitPattern), "count \(count) first \(first)")
            }
        }
    }

    /// The backward of z = dropout(max(0, h)) from z: dx = g * (z > 0 ? keep : 0) bit for bit (z = 0, -0,
    /// negative and NaN count as dropped; a NaN in g stays NaN), with and without dropout (keep 1), and the
    /// AVX-512 kernel's result.
    @Test(.enabled(if: Kernels.hasAVX2FMA)) func reluDropoutBackwardEqualsTheScalarLoop() {
        for count in Self.sizes {
            var z = randomTensor([count], seed: 20 + UInt64(count)).scalars
            for (i, special) in [Float(0), -0.0, .nan, .infinity, -.infinity].enumerated() where 2 * i + 1 < count {
                z[2 * i + 1] = special
            }
            var g = randomTensor([count], seed: 30 + UInt64(count)).scalars
            g[0] = .nan
            for keep in [1, 1.25] as [Float] {
                var dx = [Float](repeating: Self.sentinel, count: count + Self.padding)
                ck_relu_dropout_backward_avx2(count, keep, z, g, &dx)
                let expected = Self.padded((0..<count).map { g[$0] * (z[$0] > 0 ? keep : 0) })
                #expect(dx.map(\.bitPattern) == expected.map(\.bitPattern), "count \(count) keep \(keep)")
                if Kernels.hasAVX512 {
                    var dx512 = [Float](repeating: Self.sentinel, count: count + Self.padding)
                    ck_relu_dropout_backward_avx512(count, keep, z, g, &dx512)
                    #expect(dx.map(\.bitPattern) == dx512.map(\.bitPattern), "count \(count) keep \(keep)")
                }
            }
        }
    }
}
