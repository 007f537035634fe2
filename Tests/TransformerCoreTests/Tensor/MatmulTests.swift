import Testing
@testable import TransformerCore

/// matmul: 2-D, N-D x shared 2-D, batched, and with the other operand transposed.
@Suite struct MatmulTests {
    /// The textbook triple loop on row-major [m, k] x [k, n].
    func naive(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k { c[i * n + j] += a[i * k + p] * b[p * n + j] } } }
        return c
    }

    @Test func twoByTwoByHand() {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
        expectClose(a.matmul(b), Tensor(shape: [2, 2], scalars: [58, 64, 139, 154]), tolerance: Tolerance.exact)
        // b^T stored as [2, 3]: the same product.
        let bT = Tensor(shape: [2, 3], scalars: [7, 9, 11, 8, 10, 12])
        expectClose(a.matmul(bT, transposingOther: true), Tensor(shape: [2, 2], scalars: [58, 64, 139, 154]),
                    tolerance: Tolerance.exact)
        // A row vector and a non-square result.
        let row = Tensor(shape: [1, 2], scalars: [1, -1])
        expectClose(row.matmul(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])),
                    Tensor(shape: [1, 3], scalars: [-3, -3, -3]), tolerance: Tolerance.exact)
    }

    @Test func batchedAWithSharedB() {
        // [B, T, K] x [K, N] -> [B, T, N], as in a Linear layer.
        let a = randomTensor([2, 3, 4], seed: 41), b = randomTensor([4, 5], seed: 42)
        let c = a.matmul(b)
        #expect(c.shape == [2, 3, 5])
        for batch in 0..<2 {
            let slice = Array(a.scalars[(batch * 12)..<((batch + 1) * 12)])
            expectClose(Array(c.scalars[(batch * 15)..<((batch + 1) * 15)]), naive(slice, b.scalars, m: 3, k: 4, n: 5))
        }
        // Rank 4 with a shared B, transposed: [2, 2, 3, 4] x [5, 4]^T.
        let a4 = randomTensor([2, 2, 3, 4], seed: 43)
        let bT = b.transposed()   // [5, 4]
        let c4 = a4.matmul(bT, transposingOther: true)
        #expect(c4.shape == [2, 2, 3, 5])
        expectClose(c4.scalars, naive(a4.scalars, b.scalars, m: 12, k: 4, n: 5))
    }

    @Test func batched() {
        // [B, H, T, D] x [B, H, D, S] -> [B, H, T, S], as in attention.
        let a = randomTensor([2, 2, 3, 4], seed: 44), b = randomTensor([2, 2, 4, 2], seed: 45)
        let c = a.matmul(b)
        #expect(c.shape == [2, 2, 3, 2])
        for batch in 0..<4 {
            let sliceA = Array(a.scalars[(batch * 12)..<((batch + 1) * 12)])
            let sliceB = Array(b.scalars[(batch * 8)..<((batch + 1) * 8)])
            expectClose(Array(c.scalars[(batch * 6)..<((batch + 1) * 6)]), naive(sliceA, sliceB, m: 3, k: 4, n: 2))
        }
        // Q K^T with K stored as [B, H, S, D].
        let k = randomTensor([2, 2, 5, 4], seed: 46)
        let scores = a.matmul(k, transposingOther: true)
        #expect(scores.shape == [2, 2, 3, 5])
        expectClose(scores, a.matmul(k.transposed()))
    }

    @Test func gradients2D() {
        let a = randomTensor([3, 4], seed: 47), b = randomTensor([4, 2], seed: 48), bT = randomTensor([2, 4], seed: 49)
        expectGradientsMatch([a, b]) { weightedSum($0[0].matmul($0[1])) }
        expectGradientsMatch([a, bT]) { weightedSum($0[0].matmul($0[1], transposingOther: true)) }
    }

    @Test func gradientsSharedB() {
        // The shared B's gradient sums over every batch.
        let a = randomTensor([2, 3, 4], seed: 50), b = randomTensor([4, 2], seed: 51), bT = randomTensor([2, 4], seed: 52)
        expectGradientsMatch([a, b]) { weightedSum($0[0].matmul($0[1])) }
        expectGradientsMatch([a, bT]) { weightedSum($0[0].matmul($0[1], transposingOther: true)) }
        let a4 = randomTensor([2, 2, 2, 3], seed: 53), b2 = randomTensor([3, 2], seed: 54)
        expectGradientsMatch([a4, b2]) { weightedSum($0[0].matmul($0[1])) }
    }

    @Test func gradientsBatched() {
        let a = randomTensor([2, 2, 3, 2], seed: 55), b = randomTensor([2, 2, 2, 3], seed: 56)
        let bT = randomTensor([2, 2, 3, 2], seed: 57)
        expectGradientsMatch([a, b]) { weightedSum($0[0].matmul($0[1])) }
        expectGradientsMatch([a, bT]) { weightedSum($0[0].matmul($0[1], transposingOther: true)) }
        let a3 = randomTensor([3, 2, 4], seed: 58), b3 = randomTensor([3, 4, 2], seed: 59)
        expectGradientsMatch([a3, b3]) { weightedSum($0[0].matmul($0[1])) }
    }

    @Test func gradientOnlyWhereNeeded() {
        // A needs a gradient, B (a constant) does not: B gets none and A's is dC B^T.
        let a = Tensor(shape: [1, 2], scalars: [1, 2], requiresGradient: true)
        let b = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        a.matmul(b).sum().backward()
        #expect(a.gradientScalars == [6, 15])
        #expect(b.gradientScalars == nil)
        // And the other way round: dB = A^T dC.
        let c = Tensor(shape: [1, 2], scalars: [1, 2])
        let d = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6], requiresGradient: true)
        c.matmul(d).sum().backward()
        #expect(d.gradientScalars == [1, 1, 1, 2, 2, 2])
        #expect(c.gradientScalars == nil)
    }
}
