import Testing
@testable import TransformerCore

/// gatheringRows (embedding lookup), maskedFill and dropout.
@Suite struct IndexingTests {
    // [V, C] = [4, 2]: row r is [10 r, 10 r + 1].
    let table = Tensor(shape: [4, 2], scalars: [0, 1, 10, 11, 20, 21, 30, 31])

    @Test func gatheringRowsValuesAndShape() {
        let y = table.gatheringRows([2, 0, 3, 2, 1, 1], indexShape: [2, 3])
        #expect(y.shape == [2, 3, 2])
        #expect(y.scalars == [20, 21, 0, 1, 30, 31, 20, 21, 10, 11, 10, 11])
        #expect(table.gatheringRows([3], indexShape: [1]).scalars == [30, 31])
    }

    @Test func gatheringRowsScatterAddsRepeatedIndices() {
        let weights = Tensor(shape: [4, 2], scalars: [0, 0, 0, 0, 0, 0, 0, 0], requiresGradient: true)
        let upstream = Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        (weights.gatheringRows([1, 3, 1], indexShape: [3]) * upstream).sum().backward()
        // Row 1 used twice: [1, 2] + [5, 6]; row 3 once; rows 0 and 2 never.
        #expect(weights.gradientScalars == [0, 0, 6, 8, 0, 0, 3, 4])
    }

    @Test func gatheringRowsGradient() {
        let t = randomTensor([5, 3], seed: 71)
        expectGradientsMatch([t]) { weightedSum($0[0].gatheringRows([4, 0, 4, 2, 4, 1], indexShape: [2, 3])) }
    }

    @Test func maskedFillWithABroadcastMask() {
        // [B, H, T, T] scores with a [1, 1, T, T] causal mask (1 = masked).
        let scores = Tensor(shape: [2, 1, 2, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        let causal = Tensor(shape: [1, 1, 2, 2], scalars: [0, 1, 0, 0])
        let y = scores.maskedFill(where: causal, with: -9)
        #expect(y.shape == [2, 1, 2, 2])
        #expect(y.scalars == [1, -9, 3, 4, 5, -9, 7, 8])
        // Same-shape mask; any nonzero counts as masked.
        let z = scores.maskedFill(where: Tensor(shape: [2, 1, 2, 2], scalars: [0, 0, 0, 0, 2, 0, 0, -1]), with: 0)
        #expect(z.scalars == [1, 2, 3, 4, 0, 6, 7, 0])
    }

    @Test func maskedFillGradient() {
        let x = randomTensor([2, 3, 3], seed: 72)
        let mask = Tensor(shape: [3, 3], scalars: [0, 1, 1, 0, 0, 1, 0, 0, 0])
        expectGradientsMatch([x]) { weightedSum($0[0].maskedFill(where: mask, with: -5)) }
        let y = Tensor.ones([1, 3], requiresGradient: true)
        y.maskedFill(where: Tensor(shape: [3], scalars: [1, 0, 1]), with: 7).sum().backward()
        #expect(y.gradientScalars == [0, 1, 0])
    }

    @Test func dropoutWithZeroProbabilityIsIdentity() {
        let x = randomTensor([3, 4], seed: 73)
        let y = x.dropout(probability: 0, generator: SeededGenerator(seed: 1))
        #expect(y.shape == x.shape)
        #expect(y.scalars == x.scalars)
    }

    @Test func dropoutZeroesAboutHalfAndScalesSurvivors() {
        let n = 10_000
        let x = Tensor.uniform([n], in: 1...2, generator: SeededGenerator(seed: 74))
        let y = x.dropout(probability: 0.5, generator: SeededGenerator(seed: 75))
        let zeros = y.scalars.filter { $0 == 0 }.count
        // Binomial(10_000, 0.5): standard deviation 50; allow 5 of them.
        #expect(abs(zeros - n / 2) <= 250, "zeros: \(zeros)")
        for i in 0..<n where y.scalars[i] != 0 {
            #expect(y.scalars[i] == 2 * x.scalars[i])
            if y.scalars[i] != 2 * x.scalars[i] { break }
        }
        // p = 0.1 keeps about 90% and scales by 1 / 0.9.
        let z = x.dropout(probability: 0.1, generator: SeededGenerator(seed: 76))
        let kept = z.scalars.filter { $0 != 0 }.count
        #expect(abs(kept - 9_000) <= 150, "kept: \(kept)")   // sd 30
        let i = z.scalars.firstIndex { $0 != 0 }!
        #expect(abs(z.scalars[i] - x.scalars[i] / 0.9) <= Tolerance.exact * 4)
    }

    @Test func dropoutMaskDependsOnlyOnTheSeed() {
        let x = Tensor.ones([200])
        let first = x.dropout(probability: 0.5, generator: SeededGenerator(seed: 77))
        let again = x.dropout(probability: 0.5, generator: SeededGenerator(seed: 77))
        let other = x.dropout(probability: 0.5, generator: SeededGenerator(seed: 78))
        #expect(first.scalars == again.scalars)
        #expect(first.scalars != other.scalars)
    }

    @Test func dropoutGradientIsTheMask() {
        let x = randomTensor([4, 5], seed: 79)
        expectGradientsMatch([x]) { weightedSum($0[0].dropout(probability: 0.3, generator: SeededGenerator(seed: 80))) }
        let ones = Tensor.ones([50], requiresGradient: true)
        let y = ones.dropout(probability: 0.4, generator: SeededGenerator(seed: 81))
        y.sum().backward()
        // With x = 1 the output is the scaled mask itself, and so is the gradient.
        #expect(ones.gradientScalars == y.scalars)
        #expect(y.scalars.contains(0))
    }
}
