import Testing
@testable import TransformerCore

/// The gradient checker must pass correct backward functions and catch wrong ones.
@Suite struct GradientCheckTests {
    /// y = x^3 with a hand-written backward that multiplies the true derivative 3x^2 by `factor`.
    func cube(_ x: Tensor, derivativeFactor factor: Float) -> Tensor {
        let values = x.scalars
        return Tensor.result(shape: x.shape, scalars: values.map { $0 * $0 * $0 }, inputs: [x]) { g in
            [(0..<g.count).map { g[$0] * factor * 3 * values[$0] * values[$0] }]
        }
    }

    @Test func passesACorrectBackward() {
        let x = randomTensor([2, 3], seed: 111) + 0.5
        let report = GradientCheck.check([x]) { weightedSum(cube($0[0], derivativeFactor: 1)) }
        #expect(report.maximumError <= Tolerance.gradient, "\(report)")
    }

    @Test func failsAWrongBackward() {
        let x = randomTensor([2, 3], seed: 112) + 0.5
        let report = GradientCheck.check([x]) { weightedSum(cube($0[0], derivativeFactor: 1.5)) }
        #expect(report.maximumError > Tolerance.gradient, "\(report)")
        #expect(report.inputIndex == 0)
        #expect((0..<6).contains(report.elementIndex))
        // The worst element is reported with both of its gradients, 1.5x apart.
        #expect(abs(report.analytic - 1.5 * report.numeric) <= 0.05 * abs(report.analytic))
    }

    @Test func failsAMissingGradient() {
        // A backward that returns nil for an input that does influence the output.
        let x = randomTensor([3], seed: 113), y = randomTensor([3], seed: 114)
        let report = GradientCheck.check([x, y]) { inputs in
            let (a, b) = (inputs[0], inputs[1])
            let z = zip(a.scalars, b.scalars).map { $0 + $1 }
            let sum = Tensor.result(shape: a.shape, scalars: z, inputs: [a, b]) { g in [g, nil] }
            return weightedSum(sum)
        }
        #expect(report.maximumError > Tolerance.gradient, "\(report)")
        #expect(report.inputIndex == 1)
    }

    @Test func failsAGradientSentToTheWrongElement() {
        // A subtle error: gradients reversed within the tensor (right magnitudes, wrong places).
        let x = randomTensor([4], seed: 115)
        let report = GradientCheck.check([x]) { inputs in
            let a = inputs[0]
            let y = Tensor.result(shape: a.shape, scalars: a.scalars.map { 2 * $0 }, inputs: [a]) { g in
                [g.reversed().map { 2 * $0 }]
            }
            return weightedSum(y)
        }
        #expect(report.maximumError > Tolerance.gradient, "\(report)")
    }

    @Test func restoresInputsAndMarksThemTrainable() {
        let x = randomTensor([2, 2], seed: 116)
        let before = x.scalars
        _ = GradientCheck.check([x]) { weightedSum($0[0].tanh()) }
        #expect(x.scalars == before)
        #expect(x.requiresGradient)
        #expect(x.gradientScalars != nil)
    }

    @Test func checksEveryInput() {
        // The wrong gradient is only on the second of three inputs.
        let inputs = [randomTensor([2], seed: 117), randomTensor([2], seed: 118) + 2, randomTensor([2], seed: 119)]
        let report = GradientCheck.check(inputs) { t in
            weightedSum(t[0] * 2 + cube(t[1], derivativeFactor: 0.5) + t[2].exp())
        }
        #expect(report.maximumError > Tolerance.gradient, "\(report)")
        #expect(report.inputIndex == 1)
    }
}
