import CKernels
import Testing
@testable import TransformerCore

/// The C attention kernels of every backend this CPU runs (ck_attention.h: attention_avx512.c and
/// attention_avx2.c) against plain loops and the Swift rows, on edge sizes of both (16-column product
/// panels, 8- and 16-lane tails, blocks of 6, 8, 16 and 24 rows); where the contract says the two
/// instruction sets agree (product, transpose), AVX2 == AVX-512 bit for bit on CPUs that have both.
/// (AttentionKernelTests checks the attention op on these kernels against the GEMM path.)
@Suite struct AttentionCKernelTests {
    /// One backend's C attention kernels, called by the tests through the same signatures.
    struct Kernels512Or2 {
        let product: (Int, Int, Int, UnsafePointer<Float>, Int, Int, UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>, Int) -> Void
        let transpose: (Int, Int, UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>, Int) -> Void
        let scores: (Int, Int, Int, UnsafePointer<Float>, Int, UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>, Int, Float,
                     UnsafePointer<Float>?, Int) -> Void
        let softmax: (Int, Int, UnsafeMutablePointer<Float>, Int, Float, UnsafePointer<Float>?, Int) -> Void
        let softmaxBackward: (Int, Int, UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int, Float) -> Void

        init(_ backend: KernelBackend) {
            precondition(backend != .portable, "the portable backend has no C attention kernels")
            if backend == .avx512 {
                (product, transpose, scores, softmax, softmaxBackward) = (ck_attention_product_avx512, ck_attention_transpose_avx512,
                    ck_attention_scores_avx512, ck_attention_softmax_avx512, ck_attention_softmax_backward_avx512)
            } else {
                (product, transpose, scores, softmax, softmaxBackward) = (ck_attention_product_avx2, ck_attention_transpose_avx2,
                    ck_attention_scores_avx2, ck_attention_softmax_avx2, ck_attention_softmax_backward_avx2)
            }
        }
    }

    /// The backends with C attention kernels this CPU runs.
    static let backends = KernelBackend.supported.filter { $0 != .portable }

    /// Kernel vs double-precision loop: sums of up to 64 products of numbers in [-1, 1).
    static let productTolerance: Float = 1e-4
    /// C softmax rows vs the Swift rows: the same exp polynomial, with and without fused multiply-adds.
    static let softmaxTolerance: Float = 1e-6

    /// Seeded values in [-1, 1).
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        count == 0 ? [] : randomTensor([count], seed: seed).scalars
    }

    /// n past 8, 16, 32, 48 (AttentionKernelTests' sizes) and the AVX2 panel edges: a last panel of 13
    /// (6 x 16 masked), 8 after full panels (24, 56: 8 x 8 unmasked), 13 after one (29).
    static let productColumns = [1, 5, 8, 13, 16, 17, 24, 29, 32, 33, 48, 49, 56, 64]

    @Test(arguments: backends)
    func transposeMatchesThePlainLoop(backend: KernelBackend) {
        let kernels = Kernels512Or2(backend)
        for rows in [1, 3, 5, 8, 16, 17, 33, 64] {
            for columns in [1, 5, 8, 16, 17, 32, 64] {
                let (lds, ldd) = (columns + 3, rows + 2)
                let src = (0..<(rows * lds)).map(Float.init)
                var dst = [Float](repeating: -1, count: columns * ldd)
                kernels.transpose(rows, columns, src, lds, &dst, ldd)
                for p in 0..<columns {
                    for j in 0..<ldd {   // the padding past `rows` stays untouched
                        let expected = j < rows ? src[j * lds + p] : -1
                        #expect(dst[p * ldd + j] == expected, "rows \(rows) columns \(columns) (\(p), \(j))")
                        if dst[p * ldd + j] != expected { return }
                    }
                }
            }
        }
    }

    /// C = A B and C = A^T B with strided or contiguous operands against the loop, on edge sizes (n past
    /// the 8-lane vectors and the 16-column panels; m past the row blocks of 6 and 8; k = 0); C's padding
    /// columns are never written. Every element is the same chain of FMAs over p as on AVX-512: with
    /// AVX-512 present, the two kernels agree bit for bit.
    @Test(arguments: backends, [(false, 0), (false, 1), (true, 0), (true, 1)])
    func productMatchesThePlainLoop(backend: KernelBackend, layout: (transposedA: Bool, padding: Int)) {
        let (kernels, transposedA, padding) = (Kernels512Or2(backend), layout.transposedA, layout.padding)
        var seed: UInt64 = 1
        for m in [1, 3, 7, 16, 17, 33, 64] {
            for n in Self.productColumns {
                for k in [0, 1, 5, 16, 64] {
                    let lda = Swift.max(1, (transposedA ? m : k) + padding), ldb = n + 2, ldc = n + 1
                    let a = Self.values((transposedA ? k : m) * lda, seed: seed)
                    let b = Self.values(k * ldb, seed: seed + 1)
                    seed += 2
                    let (rowStrideA, columnStrideA) = transposedA ? (1, lda) : (lda, 1)
                    var c = [Float](repeating: .nan, count: m * ldc)
                    kernels.product(m, n, k, a, rowStrideA, columnStrideA, b, ldb, &c, ldc)
                    var expected = [Float](repeating: .nan, count: m * ldc)
                    for i in 0..<m {
                        for j in 0..<n {
                            var sum: Double = 0
                            for p in 0..<k {
                                sum += Double(transposedA ? a[p * lda + i] : a[i * lda + p]) * Double(b[p * ldb + j])
                            }
                            expected[i * ldc + j] = Float(sum)
                        }
                    }
                    for i in 0..<(m * ldc) where !(expected[i].isNaN ? c[i].isNaN : abs(c[i] - expected[i]) <= Self.productTolerance) {
                        Issue.record("m \(m) n \(n) k \(k): element \(i) \(c[i]) != \(expected[i])")
                        return
                    }
                    if Kernels.hasAVX512 {
                        var c512 = [Float](repeating: .nan, count: m * ldc)
                        ck_attention_product_avx512(m, n, k, a, rowStrideA, columnStrideA, b, ldb, &c512, ldc)
                        let same = zip(c, c512).allSatisfy { $0.bitPattern == $1.bitPattern }
                        #expect(same, "m \(m) n \(n) k \(k): \(backend) != AVX-512")
                        if !same { return }
                    }
                }
            }
        }
    }

    /// The C softmax rows (forward and backward) against the Swift rows, on widths past the vector
    /// edges (1...8 vectors), with a mask that has -inf entries and fully masked rows (zeros), and a
    /// broadcast mask; 5 rows (one partial block of 8, as in AttentionKernelTests) and 19 (two full
    /// blocks and a partial one, a fully masked row in each of the first two).
    @Test(arguments: backends, [5, 19])
    func softmaxRowsMatchTheSwiftRows(backend: KernelBackend, rows: Int) {
        let kernels = Kernels512Or2(backend)
        let maskedRows: Set<Int> = rows > 10 ? [2, 10] : [2]
        for width in [1, 5, 8, 13, 16, 17, 24, 32, 33, 48, 56, 64] {
            let x = Self.values(rows * width, seed: UInt64(width)).map { 4 * $0 }
            var mask = Self.values(rows * width, seed: UInt64(width) + 100)
            for i in mask.indices where i % 3 == 1 || maskedRows.contains(i / width) { mask[i] = -.infinity }
            let upstream = Self.values(rows * width, seed: UInt64(width) + 200)
            for maskRowStride in [width, 0] {
                for masked in [false, true] {
                    var expected = x, actual = x
                    var expectedGradient = upstream, actualGradient = upstream
                    expected.withUnsafeMutableBufferPointer { e in actual.withUnsafeMutableBufferPointer { a in
                        mask.withUnsafeBufferPointer { m in
                            let mask = masked ? m.baseAddress! : nil
                            for row in 0..<rows {
                                Kernels.scaledMaskedSoftmaxRow(e.baseAddress! + row * width, scale: 0.7,
                                                               mask: mask.map { $0 + row * maskRowStride }, width: width,
                                                               into: e.baseAddress! + row * width, backend: .portable)
                            }
                            kernels.softmax(rows, width, a.baseAddress!, width, 0.7, mask, maskRowStride)
                        }
                        expectedGradient.withUnsafeMutableBufferPointer { eg in actualGradient.withUnsafeMutableBufferPointer { ag in
                            for row in 0..<rows {
                                Kernels.softmaxBackwardRow(eg.baseAddress! + row * width, weights: e.baseAddress! + row * width,
                                                           scale: 0.7, width: width)
                            }
                            kernels.softmaxBackward(rows, width, ag.baseAddress!, e.baseAddress!, width, 0.7)
                        } }
                    } }
                    expectClose(actual, expected, tolerance: Self.softmaxTolerance)
                    expectClose(actualGradient, expectedGradient, tolerance: Self.softmaxTolerance)
                    if masked && maskRowStride == width {
                        for row in maskedRows.sorted() {
                            #expect(actual[(row * width)..<((row + 1) * width)].allSatisfy { $0 == 0 },
                                    "width \(width) row \(row)")
                        }
                    }
                }
            }
        }
    }

    /// The weights kernel (product, then each row's softmax: in registers for n <= 16, through the
    /// softmax kernel in blocks of 24 rows beyond) equals the product kernel followed by the softmax
    /// kernel bit for bit, with and without a (broadcast) mask: AttentionKernelTests' sizes, plus
    /// blocks of 8 x 8 and 6 x 16 with and without tails, and more than one block of 24 rows.
    @Test(arguments: backends)
    func fusedWeightsEqualProductThenSoftmax(backend: KernelBackend) {
        let kernels = Kernels512Or2(backend)
        let sizes = [(1, 1, 1), (3, 5, 7), (16, 16, 16), (17, 33, 8), (64, 64, 64), (9, 48, 5),
                     (20, 8, 3), (13, 13, 9), (30, 16, 4), (50, 24, 16), (7, 57, 2)]
        for (m, n, k) in sizes {
            let (lda, ldb, ldw) = (k + 3, n + 1, n + 2)
            let a = Self.values(m * lda, seed: UInt64(m + n)).map { 3 * $0 }, bT = Self.values(k * ldb, seed: UInt64(k))
            var mask = Self.values(m * n, seed: 9)
            for i in mask.indices where i % 4 == 1 { mask[i] = -.infinity }
            for maskRowStride in [nil, n, 0] {
                var fused = [Float](repeating: -7, count: m * ldw), composed = fused
                mask.withUnsafeBufferPointer { maskPointer in
                    let maskBase = maskRowStride == nil ? nil : maskPointer.baseAddress
                    kernels.scores(m, n, k, a, lda, bT, ldb, &fused, ldw, 0.4, maskBase, maskRowStride ?? 0)
                    kernels.product(m, n, k, a, lda, 1, bT, ldb, &composed, ldw)
                    kernels.softmax(m, n, &composed, ldw, 0.4, maskBase, maskRowStride ?? 0)
                }
                #expect(fused == composed, "m \(m) n \(n) k \(k) mask stride \(String(describing: maskRowStride))")
            }
        }
    }

    /// NaN and Inf propagate as in the loops: a NaN of A fills its row of C, Inf * 0 is NaN; a softmax row
    /// with a NaN entry and a finite one is all NaN, and one whose other entries are all -inf (its max is
    /// -inf) is zeros, as in the Swift rows; the fused kernel does the same (n <= 16 in registers, and
    /// n = 24 through the softmax kernel).
    @Test(arguments: backends)
    func nanAndInfinityPropagate(backend: KernelBackend) {
        let kernels = Kernels512Or2(backend)
        for n in [5, 16, 24] {
            // C = A B with A [3, 2]: row 0 has a NaN, row 2 an Inf, and B(0, 1) = 0.
            let (m, k) = (3, 2)
            let a: [Float] = [.nan, 1, 1, 1, .infinity, 1]
            var b = [Float](repeating: 1, count: k * n)
            b[1] = 0
            var c = [Float](repeating: 0, count: m * n)
            kernels.product(m, n, k, a, k, 1, b, n, &c, n)
            #expect(c[0..<n].allSatisfy { $0.isNaN }, "n \(n)")
            #expect(c[n..<(2 * n)] == ArraySlice((0..<n).map { $0 == 1 ? 1 : 2 }), "n \(n)")
            #expect((0..<n).allSatisfy { $0 == 1 ? c[2 * n + $0].isNaN : c[2 * n + $0] == .infinity }, "n \(n)")

            // Softmax rows of the product with A = 1 and k = 1, so each row of C is the row of bT.
            let one: [Float] = [1]
            for finite in [true, false] {
                var bT = [Float](repeating: -.infinity, count: n)
                bT[1] = .nan
                if finite { bT[n - 1] = 0.5 }
                var fused = [Float](repeating: 7, count: n), composed = fused, swift = bT
                kernels.scores(1, n, 1, one, 1, bT, n, &fused, n, 1, nil, 0)
                kernels.product(1, n, 1, one, 1, 1, bT, n, &composed, n)
                kernels.softmax(1, n, &composed, n, 1, nil, 0)
                swift.withUnsafeMutableBufferPointer { s in
                    Kernels.scaledMaskedSoftmaxRow(s.baseAddress!, scale: 1, mask: nil, width: n, into: s.baseAddress!,
                                                   backend: .portable)
                }
                for (name, row) in [("fused", fused), ("composed", composed), ("Swift", swift)] {
                    if finite {
                        #expect(row.allSatisfy { $0.isNaN }, "n \(n) \(name): a NaN next to a finite entry")
                    } else {
                        #expect(row.allSatisfy { $0 == 0 }, "n \(n) \(name): a NaN, the rest -inf")
                    }
                }
            }
        }
    }
}
