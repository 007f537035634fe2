import Testing
@testable import TransformerCore

/// Kernels.gemm against the triple-loop oracle Kernels.referenceGemm.
@Suite struct GEMMTests {
    static let transposes: [(Bool, Bool)] = [(false, false), (false, true), (true, false), (true, true)]

    /// Runs gemm on tightly packed operands (A as [m, k] or [k, m], B as [k, n] or [n, k]) and
    /// compares with the reference; with `accumulate`, C starts from random values that must be kept.
    func check(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, accumulate: Bool,
               seed: UInt64, sourceLocation: SourceLocation = #_sourceLocation) {
        let a = randomTensor([m * k], seed: seed).scalars
        let b = randomTensor([k * n], seed: seed + 1).scalars
        let initial = randomTensor([m * n], seed: seed + 2).scalars
        var c = initial
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in c.withUnsafeMutableBufferPointer { c in
            Kernels.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                         a: a.baseAddress!, lda: transposeA ? m : k, b: b.baseAddress!, ldb: transposeB ? k : n,
                         c: c.baseAddress!, ldc: n, accumulate: accumulate)
        } } }
        var expected = Kernels.referenceGemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                             a: a, b: b)
        if accumulate { expected = zip(expected, initial).map { $0 + $1 } }
        expectClose(c, expected, tolerance: Tolerance.float32, sourceLocation: sourceLocation)
    }

    @Test(arguments: transposes)
    func oddSizes(transposeA: Bool, transposeB: Bool) {
        let sizes = [1, 3, 17, 33]
        var seed: UInt64 = 200
        for m in sizes { for n in sizes { for k in sizes {
            for accumulate in [false, true] {
                check(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                      accumulate: accumulate, seed: seed)
                seed += 3
            }
        } } }
    }

    @Test(arguments: transposes)
    func parallelPath(transposeA: Bool, transposeB: Bool) {
        let (m, n, k) = (70, 65, 80)
        // Large enough to split rows across cores, with a ragged last chunk (70 = 4 * 16 + 6).
        #expect(m * n * k >= Kernels.parallelThreshold)
        for accumulate in [false, true] {
            check(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, accumulate: accumulate, seed: 300)
        }
    }

    @Test func handExample() {
        // [[1, 2], [3, 4]] x [[5, 6], [7, 8]] = [[19, 22], [43, 50]]; the oracle itself is checked here.
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [5, 6, 7, 8]
        #expect(Kernels.referenceGemm(transposeA: false, transposeB: false, m: 2, n: 2, k: 2, a: a, b: b)
                == [19, 22, 43, 50])
        // A^T B with A^T = [[1, 3], [2, 4]].
        #expect(Kernels.referenceGemm(transposeA: true, transposeB: false, m: 2, n: 2, k: 2, a: a, b: b)
                == [26, 30, 38, 44])
        var c = [Float](repeating: 9, count: 4)
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in c.withUnsafeMutableBufferPointer { c in
            Kernels.gemm(transposeA: false, transposeB: true, m: 2, n: 2, k: 2, a: a.baseAddress!, lda: 2,
                         b: b.baseAddress!, ldb: 2, c: c.baseAddress!, ldc: 2, accumulate: false)
        } } }
        // A B^T = [[1*5 + 2*6, 1*7 + 2*8], [3*5 + 4*6, 3*7 + 4*8]].
        #expect(c == [17, 23, 39, 53])
    }

    @Test(arguments: transposes)
    func leadingDimensionsLargerThanTheMatrix(transposeA: Bool, transposeB: Bool) {
        // Sub-matrices of wider buffers: only the addressed columns are read, only C's first n columns written.
        let (m, n, k, pad) = (5, 4, 3, 2)
        let (aRows, aCols) = transposeA ? (k, m) : (m, k)
        let (bRows, bCols) = transposeB ? (n, k) : (k, n)
        let (lda, ldb, ldc) = (aCols + pad, bCols + pad, n + pad)
        let aBuffer = randomTensor([aRows * lda], seed: 400).scalars
        let bBuffer = randomTensor([bRows * ldb], seed: 401).scalars
        var c = [Float](repeating: 7, count: m * ldc)
        aBuffer.withUnsafeBufferPointer { a in bBuffer.withUnsafeBufferPointer { b in c.withUnsafeMutableBufferPointer { c in
            Kernels.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                         a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb,
                         c: c.baseAddress!, ldc: ldc, accumulate: false)
        } } }
        let packedA = (0..<aRows).flatMap { r in aBuffer[(r * lda)..<(r * lda + aCols)] }
        let packedB = (0..<bRows).flatMap { r in bBuffer[(r * ldb)..<(r * ldb + bCols)] }
        let expected = Kernels.referenceGemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                             a: packedA, b: packedB)
        for i in 0..<m {
            expectClose(Array(c[(i * ldc)..<(i * ldc + n)]), Array(expected[(i * n)..<((i + 1) * n)]))
            #expect(c[(i * ldc + n)..<((i + 1) * ldc)].allSatisfy { $0 == 7 }, "padding of row \(i) was written")
        }
    }

    @Test func emptyInnerDimension() {
        // k = 0: C = 0 (or unchanged when accumulating).
        let a: [Float] = [0], b: [Float] = [0]
        var c: [Float] = [1, 2, 3, 4, 5, 6]
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in c.withUnsafeMutableBufferPointer { c in
            Kernels.gemm(transposeA: false, transposeB: false, m: 2, n: 3, k: 0, a: a.baseAddress!, lda: 0,
                         b: b.baseAddress!, ldb: 3, c: c.baseAddress!, ldc: 3, accumulate: true)
        } } }
        #expect(c == [1, 2, 3, 4, 5, 6])
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in c.withUnsafeMutableBufferPointer { c in
            Kernels.gemm(transposeA: false, transposeB: false, m: 2, n: 3, k: 0, a: a.baseAddress!, lda: 0,
                         b: b.baseAddress!, ldb: 3, c: c.baseAddress!, ldc: 3, accumulate: false)
        } } }
        #expect(c == [0, 0, 0, 0, 0, 0])
    }
}
