import Testing
@testable import TransformerCore

/// sum, mean and max, over everything or along one axis.
@Suite struct ReductionTests {
    // [2, 3]: [[1, 2, 3], [4, 5, 6]]
    let matrix = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])

    /// Distinct values at least 0.1 apart in a scrambled order, so max has no ties within a gradient step.
    func distinct(_ shape: [Int], seed: UInt64) -> Tensor {
        let n = shape.reduce(1, *)
        var values = (0..<n).map { Float($0) * 0.1 - 1 }
        var generator = SeededGenerator(seed: seed)
        values.shuffle(using: &generator)
        return Tensor(shape: shape, scalars: values)
    }

    @Test func sumAndMeanOfEverything() {
        #expect(matrix.sum().shape == [])
        #expect(matrix.sum().item == 21)
        #expect(matrix.mean().shape == [])
        #expect(abs(matrix.mean().item - 3.5) <= Tolerance.exact)
    }

    @Test func sumAlongAxis() {
        expectClose(matrix.sum(alongAxis: 0), Tensor(shape: [3], scalars: [5, 7, 9]), tolerance: Tolerance.exact)
        expectClose(matrix.sum(alongAxis: 1), Tensor(shape: [2], scalars: [6, 15]), tolerance: Tolerance.exact)
        expectClose(matrix.sum(alongAxis: -1, keepingDimension: true), Tensor(shape: [2, 1], scalars: [6, 15]),
                    tolerance: Tolerance.exact)
        expectClose(matrix.sum(alongAxis: 0, keepingDimension: true), Tensor(shape: [1, 3], scalars: [5, 7, 9]),
                    tolerance: Tolerance.exact)
        // The middle axis of a [2, 3, 2] tensor.
        let cube = Tensor(shape: [2, 3, 2], scalars: (0..<12).map(Float.init))
        expectClose(cube.sum(alongAxis: 1), Tensor(shape: [2, 2], scalars: [6, 9, 24, 27]), tolerance: Tolerance.exact)
    }

    @Test func meanAlongAxis() {
        expectClose(matrix.mean(alongAxis: 0), Tensor(shape: [3], scalars: [2.5, 3.5, 4.5]), tolerance: Tolerance.exact)
        expectClose(matrix.mean(alongAxis: 1, keepingDimension: true), Tensor(shape: [2, 1], scalars: [2, 5]),
                    tolerance: Tolerance.exact)
    }

    @Test func maxOfEverythingAndAlongAxis() {
        let x = Tensor(shape: [2, 3], scalars: [3, -1, 7, -4, 9, -2])
        #expect(x.max().shape == [])
        #expect(x.max().item == 9)
        expectClose(x.max(alongAxis: 0), Tensor(shape: [3], scalars: [3, 9, 7]), tolerance: Tolerance.exact)
        expectClose(x.max(alongAxis: 1), Tensor(shape: [2], scalars: [7, 9]), tolerance: Tolerance.exact)
        expectClose(x.max(alongAxis: -1, keepingDimension: true), Tensor(shape: [2, 1], scalars: [7, 9]),
                    tolerance: Tolerance.exact)
        // All negative: the running max must not start at 0.
        let negative = Tensor(shape: [3], scalars: [-5, -3, -4])
        #expect(negative.max().item == -3)
    }

    @Test func maxGradientGoesToTheArgmaxOnly() {
        let x = Tensor(shape: [2, 3], scalars: [3, -1, 7, -4, 9, 9], requiresGradient: true)
        x.max(alongAxis: 1).sum().backward()
        // Row 1 has a tie: the first position holding the max gets the gradient.
        #expect(x.gradientScalars == [0, 0, 1, 0, 1, 0])
    }

    @Test func gradients() {
        let x = randomTensor([2, 3, 4], seed: 21)
        expectGradientsMatch([x]) { $0[0].sum() * 0.5 }
        expectGradientsMatch([x]) { $0[0].mean() * 3 }
        for axis in [0, 1, 2, -1] {
            for keep in [false, true] {
                expectGradientsMatch([x]) { weightedSum($0[0].sum(alongAxis: axis, keepingDimension: keep)) }
                expectGradientsMatch([x]) { weightedSum($0[0].mean(alongAxis: axis, keepingDimension: keep)) }
            }
        }
    }

    @Test func maxGradients() {
        let x = distinct([2, 3, 4], seed: 22)
        expectGradientsMatch([x]) { $0[0].max() * 2 }
        for axis in [0, 1, 2] {
            expectGradientsMatch([x]) { weightedSum($0[0].max(alongAxis: axis)) }
            expectGradientsMatch([x]) { weightedSum($0[0].max(alongAxis: axis, keepingDimension: true)) }
        }
    }
}

