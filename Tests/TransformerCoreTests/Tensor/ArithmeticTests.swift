import Testing
@testable import TransformerCore

/// + - * / with broadcasting, and the scalar (affine) forms.
@Suite struct ArithmeticTests {
    let a = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
    let b = Tensor(shape: [2, 2], scalars: [10, 20, 30, 40])

    @Test func sameShapeForward() {
        expectClose(a + b, Tensor(shape: [2, 2], scalars: [11, 22, 33, 44]), tolerance: Tolerance.exact)
        expectClose(a - b, Tensor(shape: [2, 2], scalars: [-9, -18, -27, -36]), tolerance: Tolerance.exact)
        expectClose(a * b, Tensor(shape: [2, 2], scalars: [10, 40, 90, 160]), tolerance: Tolerance.exact)
        expectClose(b / a, Tensor(shape: [2, 2], scalars: [10, 10, 10, 10]), tolerance: Tolerance.exact)
        expectClose(a / b, Tensor(shape: [2, 2], scalars: [0.1, 0.1, 0.1, 0.1]), tolerance: Tolerance.exact)
    }

    @Test func broadcastLastAxis() {
        // [B, T, C] + [C] with B = 2, T = 2, C = 3.
        let x = Tensor(shape: [2, 2, 3], scalars: (0..<12).map(Float.init))
        let bias = Tensor(shape: [3], scalars: [100, 200, 300])
        let expected = Tensor(shape: [2, 2, 3], scalars: [100, 201, 302, 103, 204, 305,
                                                          106, 207, 308, 109, 210, 311])
        expectClose(x + bias, expected, tolerance: Tolerance.exact)
        // The broadcast operand on the left keeps the operation's order.
        expectClose(bias - x, Tensor(shape: [2, 2, 3], scalars: [100, 199, 298, 97, 196, 295,
                                                                 94, 193, 292, 91, 190, 289]),
                    tolerance: Tolerance.exact)
        expectClose(x * bias, Tensor(shape: [2, 2, 3], scalars: [0, 200, 600, 300, 800, 1500,
                                                                 600, 1400, 2400, 900, 2000, 3300]),
                    tolerance: Tolerance.exact)
    }

    @Test func broadcastAttentionMask() {
        // scores [B, H, T, S] + padding mask [B, 1, 1, S].
        let (B, H, T, S) = (2, 2, 2, 3)
        let scores = Tensor(shape: [B, H, T, S], scalars: (0..<(B * H * T * S)).map(Float.init))
        let mask = Tensor(shape: [B, 1, 1, S], scalars: [0, 10, 20, 30, 40, 50])
        var expected = [Float]()
        for b in 0..<B { for h in 0..<H { for t in 0..<T { for s in 0..<S {
            expected.append(scores[b, h, t, s] + mask[b, 0, 0, s])
        } } } }
        expectClose(scores + mask, Tensor(shape: [B, H, T, S], scalars: expected), tolerance: Tolerance.exact)
        #expect((scores + mask)[1, 0, 1, 2] == 17 + 50)   // 1*12 + 0*6 + 1*3 + 2 = 17
    }

    @Test func broadcastCausalMask() {
        // [B, H, T, T] + [1, 1, T, T]: every (batch, head) gets the same matrix.
        let scores = Tensor.zeros([2, 3, 2, 2])
        let causal = Tensor(shape: [1, 1, 2, 2], scalars: [0, -1, 0, 0])
        let sum = scores + causal
        #expect(sum.shape == [2, 3, 2, 2])
        for b in 0..<2 { for h in 0..<3 {
            #expect([sum[b, h, 0, 0], sum[b, h, 0, 1], sum[b, h, 1, 0], sum[b, h, 1, 1]] == [0, -1, 0, 0])
        } }
    }

    @Test func broadcastBothSides() {
        // [2, 1] * [1, 3] -> [2, 3] (an outer product).
        let column = Tensor(shape: [2, 1], scalars: [1, 2])
        let row = Tensor(shape: [1, 3], scalars: [3, 4, 5])
        expectClose(column * row, Tensor(shape: [2, 3], scalars: [3, 4, 5, 6, 8, 10]), tolerance: Tolerance.exact)
    }

    @Test func scalarShaped() {
        let s = Tensor(2)
        expectClose(a * s, Tensor(shape: [2, 2], scalars: [2, 4, 6, 8]), tolerance: Tolerance.exact)
        expectClose(s - a, Tensor(shape: [2, 2], scalars: [1, 0, -1, -2]), tolerance: Tolerance.exact)
        expectClose(s / a, Tensor(shape: [2, 2], scalars: [2, 1, 2.0 / 3, 0.5]), tolerance: Tolerance.exact)
        let product = Tensor(3) * Tensor(4)
        #expect(product.shape == [])
        #expect(product.item == 12)
    }

    @Test func affineAndScalarOperators() {
        expectClose(a.affine(scale: 3, shift: 1), Tensor(shape: [2, 2], scalars: [4, 7, 10, 13]),
                    tolerance: Tolerance.exact)
        expectClose(a * 2, Tensor(shape: [2, 2], scalars: [2, 4, 6, 8]), tolerance: Tolerance.exact)
        expectClose(2 * a, Tensor(shape: [2, 2], scalars: [2, 4, 6, 8]), tolerance: Tolerance.exact)
        expectClose(a + 1, Tensor(shape: [2, 2], scalars: [2, 3, 4, 5]), tolerance: Tolerance.exact)
        expectClose(a - 1, Tensor(shape: [2, 2], scalars: [0, 1, 2, 3]), tolerance: Tolerance.exact)
        expectClose(a / 4, Tensor(shape: [2, 2], scalars: [0.25, 0.5, 0.75, 1]), tolerance: Tolerance.exact)
        expectClose(-a, Tensor(shape: [2, 2], scalars: [-1, -2, -3, -4]), tolerance: Tolerance.exact)
    }

    // MARK: Gradients

    /// Values in [0.5, 1.5) or (-1.5, -0.5]: safe denominators.
    func denominator(_ shape: [Int], seed: UInt64) -> Tensor {
        let r = randomTensor(shape, seed: seed)
        return Tensor(shape: shape, scalars: r.scalars.map { $0 >= 0 ? $0 + 0.5 : $0 - 0.5 })
    }

    @Test(arguments: [[2, 3], [2, 1, 3]])
    func sameShapeGradients(shape: [Int]) {
        let x = randomTensor(shape, seed: 1), y = denominator(shape, seed: 2)
        expectGradientsMatch([x, y]) { weightedSum($0[0] + $0[1]) }
        expectGradientsMatch([x, y]) { weightedSum($0[0] - $0[1]) }
        expectGradientsMatch([x, y]) { weightedSum($0[0] * $0[1]) }
        expectGradientsMatch([x, y]) { weightedSum($0[0] / $0[1]) }
    }

    /// (big shape, small shape) pairs: the small operand's gradient is summed over broadcast dimensions.
    static let broadcastCases: [([Int], [Int])] = [
        ([2, 2, 3], [3]),              // [B, T, C] + [C]
        ([2, 2, 2, 3], [2, 1, 1, 3]),  // [B, H, T, S] + [B, 1, 1, S]
        ([2, 2, 3, 3], [1, 1, 3, 3]),  // [B, H, T, T] + [1, 1, T, T]
        ([2, 3], []),                  // scalar-shaped
        ([2, 1], [1, 3]),              // both sides stretch
    ]

    @Test(arguments: broadcastCases)
    func broadcastGradients(big: [Int], small: [Int]) {
        let x = randomTensor(big, seed: 3), y = denominator(small, seed: 4)
        for (p, q) in [(x, y), (denominator(big, seed: 5), randomTensor(small, seed: 6))] {
            expectGradientsMatch([p, q]) { weightedSum($0[0] + $0[1]) }
            expectGradientsMatch([p, q]) { weightedSum($0[1] + $0[0]) }
            expectGradientsMatch([p, q]) { weightedSum($0[0] - $0[1]) }
            expectGradientsMatch([p, q]) { weightedSum($0[1] - $0[0]) }
            expectGradientsMatch([p, q]) { weightedSum($0[0] * $0[1]) }
        }
        expectGradientsMatch([x, y]) { weightedSum($0[0] / $0[1]) }
        expectGradientsMatch([y, denominator(big, seed: 7)]) { weightedSum($0[0] / $0[1]) }
    }

    @Test func broadcastGradientIsSummedByHand() {
        // (x + bias).sum(): each bias element is used B*T = 4 times.
        let x = Tensor.zeros([2, 2, 3], requiresGradient: true)
        let bias = Tensor.zeros([3], requiresGradient: true)
        (x + bias).sum().backward()
        #expect(bias.gradientScalars == [4, 4, 4])
        #expect(x.gradientScalars == [Float](repeating: 1, count: 12))
        // (x * s).sum() with a scalar-shaped s: ds = sum(x).
        let y = Tensor(shape: [3], scalars: [1, 2, 3])
        let s = Tensor(5, requiresGradient: true)
        (y * s).sum().backward()
        #expect(s.gradientScalars == [6])
        #expect(y.gradientScalars == nil)
    }

    @Test func affineGradients() {
        let x = randomTensor([2, 3], seed: 8)
        expectGradientsMatch([x]) { weightedSum($0[0].affine(scale: -1.5, shift: 0.25)) }
        expectGradientsMatch([x]) { weightedSum($0[0] * 3) }
        expectGradientsMatch([x]) { weightedSum(3 * $0[0]) }
        expectGradientsMatch([x]) { weightedSum($0[0] + 3) }
        expectGradientsMatch([x]) { weightedSum($0[0] - 3) }
        expectGradientsMatch([x]) { weightedSum($0[0] / 4) }
        expectGradientsMatch([x]) { weightedSum(-$0[0]) }
    }
}
