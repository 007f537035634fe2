import Foundation
import Testing
@testable import TransformerCore

/// The GRU and LSTM cells: their gate equations against a plain-loop reference, their gradients by
/// central differences, and the parameter counts in closed form.
@Suite struct RecurrentCellTests {
    /// x W^T + b for one row, in plain loops: the reference's Linear.
    static func affine(_ layer: Linear, _ x: [Float]) -> [Float] {
        let (out, inputs) = (layer.weight.shape[0], layer.weight.shape[1])
        return (0..<out).map { o in
            (0..<inputs).reduce(layer.bias?.scalars[o] ?? 0) { $0 + layer.weight.scalars[o * inputs + $1] * x[$1] }
        }
    }

    static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

    @Test func gruFollowsItsGateEquations() {
        let cell = GRUCell(inputSize: 3, hiddenSize: 4, generator: SeededGenerator(seed: 1))
        let x = randomTensor([2, 3], seed: 2), h = randomTensor([2, 4], seed: 3)
        let result = cell(x, RecurrentState(hidden: h)).hidden
        var expected: [Float] = []
        for row in 0..<2 {
            let xr = Array(x.scalars[(row * 3)..<(row * 3 + 3)]), hr = Array(h.scalars[(row * 4)..<(row * 4 + 4)])
            let (ir, hr_) = (Self.affine(cell.inputReset, xr), Self.affine(cell.hiddenReset, hr))
            let (iz, hz) = (Self.affine(cell.inputUpdate, xr), Self.affine(cell.hiddenUpdate, hr))
            let (inn, hn) = (Self.affine(cell.inputCandidate, xr), Self.affine(cell.hiddenCandidate, hr))
            for k in 0..<4 {
                let r = Self.sigmoid(ir[k] + hr_[k]), z = Self.sigmoid(iz[k] + hz[k])
                let n = tanh(inn[k] + r * hn[k])
                expected.append((1 - z) * n + z * hr[k])
            }
        }
        expectClose(result, Tensor(shape: [2, 4], scalars: expected), tolerance: Tolerance.float32)
        #expect(cell(x, RecurrentState(hidden: h)).cell == nil)
    }

    @Test func lstmFollowsItsGateEquations() {
        let cell = LSTMCell(inputSize: 3, hiddenSize: 4, generator: SeededGenerator(seed: 4))
        let x = randomTensor([2, 3], seed: 5), h = randomTensor([2, 4], seed: 6), c = randomTensor([2, 4], seed: 7)
        let result = cell(x, RecurrentState(hidden: h, cell: c))
        var expectedH: [Float] = [], expectedC: [Float] = []
        for row in 0..<2 {
            let xr = Array(x.scalars[(row * 3)..<(row * 3 + 3)]), hr = Array(h.scalars[(row * 4)..<(row * 4 + 4)])
            func gate(_ a: Linear, _ b: Linear) -> [Float] { zip(Self.affine(a, xr), Self.affine(b, hr)).map(+) }
            let i = gate(cell.inputInput, cell.hiddenInput).map(Self.sigmoid)
            let f = gate(cell.inputForget, cell.hiddenForget).map(Self.sigmoid)
            let g = gate(cell.inputCandidate, cell.hiddenCandidate).map { tanh($0) }
            let o = gate(cell.inputOutput, cell.hiddenOutput).map(Self.sigmoid)
            for k in 0..<4 {
                let newC = f[k] * c.scalars[row * 4 + k] + i[k] * g[k]
                expectedC.append(newC)
                expectedH.append(o[k] * tanh(newC))
            }
        }
        expectClose(result.hidden, Tensor(shape: [2, 4], scalars: expectedH), tolerance: Tolerance.float32)
        expectClose(result.cell!, Tensor(shape: [2, 4], scalars: expectedC), tolerance: Tolerance.float32)
    }

    @Test func gruGradientsMatchFiniteDifferences() {
        let cell = GRUCell(inputSize: 3, hiddenSize: 4, generator: SeededGenerator(seed: 8))
        let x = randomTensor([2, 3], seed: 9), h = randomTensor([2, 4], seed: 10)
        expectGradientsMatch([x, h] + cell.parameters) { inputs in
            weightedSum(cell(inputs[0], RecurrentState(hidden: inputs[1])).hidden)
        }
    }

    @Test func lstmGradientsMatchFiniteDifferences() {
        let cell = LSTMCell(inputSize: 3, hiddenSize: 4, generator: SeededGenerator(seed: 11))
        let x = randomTensor([2, 3], seed: 12), h = randomTensor([2, 4], seed: 13), c = randomTensor([2, 4], seed: 14)
        expectGradientsMatch([x, h, c] + cell.parameters) { inputs in
            let state = cell(inputs[0], RecurrentState(hidden: inputs[1], cell: inputs[2]))
            return weightedSum(state.hidden) + weightedSum(state.cell!, seed: 7)
        }
    }

    @Test func parameterCountsAreTheClosedForms() {
        for (i, h) in [(3, 4), (8, 5), (1, 1)] {
            let g = SeededGenerator(seed: 0)
            #expect(GRUCell(inputSize: i, hiddenSize: h, generator: g).parameterCount == GRUCell.parameterCount(inputSize: i, hiddenSize: h))
            #expect(LSTMCell(inputSize: i, hiddenSize: h, generator: g).parameterCount == LSTMCell.parameterCount(inputSize: i, hiddenSize: h))
        }
        #expect(GRUCell.parameterCount(inputSize: 3, hiddenSize: 4) == 3 * (12 + 4) + 3 * 16 + 4)   // 100
        #expect(LSTMCell.parameterCount(inputSize: 3, hiddenSize: 4) == 4 * (12 + 4) + 4 * 16)      // 128
    }

    @Test func maskedStateKeepsTheOldRowsWhereKeepIsZero() {
        let new = RecurrentState(hidden: Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), cell: Tensor(shape: [2, 2], scalars: [5, 6, 7, 8]))
        let old = RecurrentState(hidden: Tensor(shape: [2, 2], scalars: [-1, -2, -3, -4]), cell: Tensor(shape: [2, 2], scalars: [0, 0, 0, 0]))
        let blended = new.masked(by: Tensor(shape: [2, 1], scalars: [1, 0]), else: old)
        #expect(blended.hidden.scalars == [1, 2, -3, -4])
        #expect(blended.cell!.scalars == [5, 6, 0, 0])
    }
}
