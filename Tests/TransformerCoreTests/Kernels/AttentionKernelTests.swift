import CKernels
import Testing
@testable import TransformerCore

/// The AVX-512 attention kernels (ck_attention.h) against plain loops, and the attention op on them
/// against the same op on ``Kernels/gemm`` (``Kernels/attentionProductKernels`` off), its oracle.
@Suite struct AttentionKernelTests {
    /// Kernel vs double-precision loop: sums of up to 64 products of numbers in [-1, 1).
    static let productTolerance: Float = 1e-4
    /// The op on the kernels vs on GEMM: the same sums, possibly in a different order.
    static let pathTolerance: Float = 1e-5
    /// AVX-512 softmax rows vs the Swift rows: the same exp polynomial, with and without fused multiply-adds.
    static let softmaxTolerance: Float = 1e-6

    /// Seeded values in [-1, 1).
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        count == 0 ? [] : randomTensor([count], seed: seed).scalars
    }

    @Test func transposeMatchesThePlainLoop() {
        guard Kernels.hasAVX512 else { return }
        for rows in [1, 3, 5, 16, 17, 33, 64] {
            for columns in [1, 5, 8, 16, 17, 32, 64] {
                let (lds, ldd) = (columns + 3, rows + 2)
                let src = (0..<(rows * lds)).map(Float.init)
                var dst = [Float](repeating: -1, count: columns * ldd)
                ck_attention_transpose_avx512(rows, columns, src, lds, &dst, ldd)
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
    /// 16, 32, 48; m past the row blocks of 16, 8 and 6; k = 0; A's row stride 1 or 16, the kernel's
    /// special cases); C's padding columns are never written.
    @Test(arguments: [false, true], [0, 1])
    func productMatchesThePlainLoop(transposedA: Bool, padding: Int) {
        guard Kernels.hasAVX512 else { return }
        var seed: UInt64 = 1
        for m in [1, 3, 7, 16, 17, 33, 64] {
            for n in [1, 5, 8, 16, 17, 32, 33, 48, 49, 64] {
                for k in [0, 1, 5, 16, 64] {
                    let lda = Swift.max(1, (transposedA ? m : k) + padding), ldb = n + 2, ldc = n + 1
                    let a = Self.values((transposedA ? k : m) * lda, seed: seed)
                    let b = Self.values(k * ldb, seed: seed + 1)
                    seed += 2
                    var c = [Float](repeating: .nan, count: m * ldc)
                    ck_attention_product_avx512(m, n, k, a, transposedA ? 1 : lda, transposedA ? lda : 1, b, ldb, &c, ldc)
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
                }
            }
        }
    }

    /// The AVX-512 softmax rows (forward and backward) against the Swift rows, on widths past the vector
    /// edges, with a mask that has -inf entries and one fully masked row (zeros), and a broadcast mask.
    @Test func softmaxRowsMatchTheSwiftRows() {
        guard Kernels.hasAVX512 else { return }
        let rows = 5
        for width in [1, 5, 8, 16, 17, 33, 48, 64] {
            let x = Self.values(rows * width, seed: UInt64(width)).map { 4 * $0 }
            var mask = Self.values(rows * width, seed: UInt64(width) + 100)
            for i in mask.indices where i % 3 == 1 || i / width == 2 { mask[i] = -.infinity }   // row 2 all -inf
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
                            ck_attention_softmax_avx512(rows, width, a.baseAddress!, width, 0.7, mask, maskRowStride)
                        }
                        expectedGradient.withUnsafeMutableBufferPointer { eg in actualGradient.withUnsafeMutableBufferPointer { ag in
                            for row in 0..<rows {
                                Kernels.softmaxBackwardRow(eg.baseAddress! + row * width, weights: e.baseAddress! + row * width,
                                                           scale: 0.7, width: width)
                            }
                            ck_attention_softmax_backward_avx512(rows, width, ag.baseAddress!, e.baseAddress!, width, 0.7)
                        } }
                    } }
                    expectClose(actual, expected, tolerance: Self.softmaxTolerance)
                    expectClose(actualGradient, expectedGradient, tolerance: Self.softmaxTolerance)
                    if masked && maskRowStride == width {
                        #expect(actual[(2 * width)..<(3 * width)].allSatisfy { $0 == 0 }, "width \(width)")
                    }
                }
            }
        }
    }

    /// The fused weights kernel (product, then each row's softmax in registers) equals the product kernel
    /// followed by the softmax kernel bit for bit, with and without a (broadcast) mask.
    @Test func fusedWeightsEqualProductThenSoftmax() {
        guard Kernels.hasAVX512 else { return }
        for (m, n, k) in [(1, 1, 1), (3, 5, 7), (16, 16, 16), (17, 33, 8), (64, 64, 64), (9, 48, 5)] {
            let (lda, ldb, ldw) = (k + 3, n + 1, n + 2)
            let a = Self.values(m * lda, seed: UInt64(m + n)).map { 3 * $0 }, bT = Self.values(k * ldb, seed: UInt64(k))
            var mask = Self.values(m * n, seed: 9)
            for i in mask.indices where i % 4 == 1 { mask[i] = -.infinity }
            for maskRowStride in [nil, n, 0] {
                var fused = [Float](repeating: -7, count: m * ldw), composed = fused
                mask.withUnsafeBufferPointer { maskPointer in
                    let maskBase = maskRowStride == nil ? nil : maskPointer.baseAddress
                    ck_attention_scores_avx512(m, n, k, a, lda, bT, ldb, &fused, ldw, 0.4, maskBase, maskRowStride ?? 0)
                    ck_attention_product_avx512(m, n, k, a, lda, 1, bT, ldb, &composed, ldw)
                    ck_attention_softmax_avx512(m, n, &composed, ldw, 0.4, maskBase, maskRowStride ?? 0)
                }
                #expect(fused == composed, "m \(m) n \(n) k \(k) mask stride \(String(describing: maskRowStride))")
            }
        }
    }

    /// One problem: T queries, S keys, H heads of D, B = 2; with a key-padding mask (batch entry 1 has its
    /// last key padded, or all keys when S = 1: a fully masked row) or none, dropout 0.3 or none.
    struct Shape: CustomStringConvertible, Sendable {
        let queries: Int, keys: Int, headDimension: Int, heads: Int
        var description: String { "T \(queries) S \(keys) D \(headDimension) H \(heads)" }
    }

    static let shapes: [Shape] = [
        Shape(queries: 1, keys: 1, headDimension: 1, heads: 1), Shape(queries: 3, keys: 5, headDimension: 5, heads: 2),
        Shape(queries: 16, keys: 16, headDimension: 8, heads: 4), Shape(queries: 16, keys: 16, headDimension: 16, heads: 4),
        Shape(queries: 17, keys: 3, headDimension: 32, heads: 2), Shape(queries: 33, keys: 17, headDimension: 64, heads: 1),
        Shape(queries: 64, keys: 64, headDimension: 32, heads: 2), Shape(queries: 3, keys: 33, headDimension: 16, heads: 3),
        Shape(queries: 64, keys: 64, headDimension: 64, heads: 1),
        // S > 64: the GEMM path on both sides (the kernels' limit).
        Shape(queries: 5, keys: 65, headDimension: 8, heads: 2),
    ]

    /// Output, weights, dQ, dK, dV of weightedSum(output).
    static func run(_ shape: Shape, masked: Bool, dropout: Float, kernels: Bool, threads: Int = 1,
                    backend: KernelBackend = .current) -> [[Float]] {
        let (b, t, s, c) = (2, shape.queries, shape.keys, shape.headDimension * shape.heads)
        let q = Tensor(shape: [b, t, c], scalars: randomTensor([b, t, c], seed: 1).scalars, requiresGradient: true)
        let k = Tensor(shape: [b, s, c], scalars: randomTensor([b, s, c], seed: 2).scalars, requiresGradient: true)
        let v = Tensor(shape: [b, s, c], scalars: randomTensor([b, s, c], seed: 3).scalars, requiresGradient: true)
        let tokens = [[Int](repeating: 1, count: s), (0..<s).map { $0 == s - 1 ? 0 : 1 }]
        let mask = masked ? AttentionMask.keyPadding(tokens, paddingIndex: 0) : nil
        let layer = Dropout(probability: dropout, generator: SeededGenerator(seed: 5))
        return KernelBackend.$override.withValue(backend) { ComputeThreads.$limit.withValue(threads) {
            Kernels.$attentionWorkPerThread.withValue(1) {
                Kernels.$attentionProductKernels.withValue(kernels) {
                    let (output, weights) = q.multiHeadAttention(key: k, value: v, headCount: shape.heads, mask: mask,
                                                                 dropout: layer)
                    weightedSum(output).backward()
                    return [output.scalars, weights.scalars, q.gradient!.scalars, k.gradient!.scalars,
                            v.gradient!.scalars]
                }
            }
        } }
    }

    /// The backends with C attention kernels this CPU runs (AVX-512 and AVX2 on an AVX-512 machine).
    static let kernelBackends = KernelBackend.supported.filter { $0 != .portable }

    @Test(arguments: [false, true], [Float(0), 0.3])
    func opOnTheKernelsEqualsTheGEMMPath(masked: Bool, dropout: Float) {
        for shape in Self.shapes {
            let expected = Self.run(shape, masked: masked, dropout: dropout, kernels: false)
            for backend in Self.kernelBackends {
                let actual = Self.run(shape, masked: masked, dropout: dropout, kernels: true, backend: backend)
                for (a, e) in zip(actual, expected) { expectClose(a, e, tolerance: Self.pathTolerance) }
            }
        }
    }

    /// Each pair is computed by one thread, so the split over threads does not change a bit.
    @Test func resultsAreIdenticalAtOneAndTwoThreads() {
        for shape in [Self.shapes[3], Self.shapes[6]] {
            for backend in KernelBackend.supported {
                let one = Self.run(shape, masked: true, dropout: 0.3, kernels: true, threads: 1, backend: backend)
                let two = Self.run(shape, masked: true, dropout: 0.3, kernels: true, threads: 2, backend: backend)
                #expect(one == two, "\(shape) \(backend)")
            }
        }
    }

    /// The backward rebuilds P' and the dropout masks from the forward's kept bits; with a draw whose bits
    /// were never kept it draws them again: the same gradients, bit for bit (both paths, kernels or GEMM).
    @Test(arguments: [false, true])
    func backwardFromKeptBitsEqualsTheRedraw(kernels: Bool) {
        let (b, h, t, s, d) = (2, 2, 5, 7, 3)
        let c = h * d
        let (q, k, v) = (Self.values(b * t * c, seed: 1), Self.values(b * s * c, seed: 2), Self.values(b * s * c, seed: 3))
        let dO = Self.values(b * t * c, seed: 4)
        let (threshold, keep) = Tensor.dropoutParameters(0.3)
        let forwardDraw = Kernels.AttentionDropout(state: 77, threshold: threshold, keep: keep)
        let freshDraw = Kernels.AttentionDropout(state: 77, threshold: threshold, keep: keep)
        var weights = [Float](repeating: 0, count: b * h * t * s), output = [Float](repeating: 0, count: b * t * c)
        var gradients: [[Float]] = []
        Kernels.$attentionProductKernels.withValue(kernels) {
            q.withUnsafeBufferPointer { q in k.withUnsafeBufferPointer { k in v.withUnsafeBufferPointer { v in
                let g = Kernels.AttentionOperands(batch: b, heads: h, queries: t, keys: s, headDimension: d, scale: 0.6,
                                                  q: q.baseAddress!, k: k.baseAddress!, v: v.baseAddress!, mask: nil,
                                                  maskStrides: (0, 0, 0))
                Kernels.attentionForward(g, dropout: forwardDraw, weights: &weights, output: &output)
                for draw in [forwardDraw, freshDraw] {
                    var dQ = [Float](repeating: 0, count: b * t * c), dK = [Float](repeating: 0, count: b * s * c)
                    var dV = dK
                    Kernels.attentionBackward(g, outputGradient: dO, weights: weights, dropout: draw, dQ: &dQ, dK: &dK,
                                              dV: &dV)
                    gradients.append(dQ + dK + dV)
                }
            } } }
        }
        #expect(freshDraw.keptBits.words == nil)
        #expect(gradients[0] == gradients[1])
        #expect(gradients[0].contains { $0 != 0 })
    }

    @Test func gradientsMatchFiniteDifferencesOnTheKernels() {
        let mask = AttentionMask.keyPadding([[1, 1, 1, 0], [1, 1, 1, 1]], paddingIndex: 0)
        let inputs = [randomTensor([2, 3, 4], seed: 7), randomTensor([2, 4, 4], seed: 8), randomTensor([2, 4, 4], seed: 9)]
        Kernels.$attentionProductKernels.withValue(true) {
            expectGradientsMatch(inputs) { t in
                weightedSum(t[0].multiHeadAttention(key: t[1], value: t[2], headCount: 2, mask: mask, dropout: nil).output)
            }
        }
    }
}
