import Foundation
import Testing
@testable import TransformerCore

/// The recurrent encoder unrolled over a sequence: gradients through the whole unrolled graph, and
/// padding that leaves each row's states as if it were alone.
@Suite struct RecurrentEncoderTests {
    @Test(arguments: RecurrentArchitecture.allCases)
    func unrolledBidirectionalStackGradientsMatchFiniteDifferences(_ architecture: RecurrentArchitecture) {
        let encoder = RecurrentEncoder(architecture: architecture, inputSize: 3, hiddenSize: 2, layerCount: 2,
                                       bidirectional: true, generator: SeededGenerator(seed: 1))
        let inputs = (0..<3).map { randomTensor([2, 3], seed: UInt64(20 + $0)) }
        // Row 1 is padded at the last position: the masked blend is on the gradient's path too.
        let keep = [Tensor(shape: [2, 1], scalars: [1, 1]), Tensor(shape: [2, 1], scalars: [1, 1]), Tensor(shape: [2, 1], scalars: [1, 0])]
        expectGradientsMatch(inputs + encoder.parameters) { all in
            let (outputs, final) = encoder(Array(all[0..<3]), keep: keep)
            return outputs.enumerated().map { weightedSum($0.element, seed: UInt64(30 + $0.offset)) }
                .reduce(weightedSum(final.forward[1].hidden, seed: 40) + weightedSum(final.backward[1].hidden, seed: 41), +)
        }
    }

    @Test(arguments: RecurrentArchitecture.allCases)
    func paddingLeavesARowsStatesAsIfAlone(_ architecture: RecurrentArchitecture) {
        let encoder = RecurrentEncoder(architecture: architecture, inputSize: 3, hiddenSize: 4, layerCount: 1,
                                       bidirectional: true, generator: SeededGenerator(seed: 2))
        let long = (0..<4).map { randomTensor([1, 3], seed: UInt64(50 + $0)) }
        let short = (0..<2).map { randomTensor([1, 3], seed: UInt64(60 + $0)) }
        // A batch of the long row and the short row padded with junk to length 4.
        let batch = (0..<4).map { s in Tensor.concatenate([long[s], s < 2 ? short[s] : randomTensor([1, 3], seed: 99)], alongAxis: 0) }
        let keep = (0..<4).map { Tensor(shape: [2, 1], scalars: [1, $0 < 2 ? 1 : 0]) }
        let together = encoder(batch, keep: keep)
        let alone = encoder(short, keep: [Tensor.ones([1, 1]), Tensor.ones([1, 1])])
        for s in 0..<2 {
            expectClose(Array(together.outputs[s].scalars[8..<16]), alone.outputs[s].scalars, tolerance: Tolerance.float32)
        }
        expectClose(Array(together.final.forward[0].hidden.scalars[4..<8]), alone.final.forward[0].hidden.scalars)
        expectClose(Array(together.final.backward[0].hidden.scalars[4..<8]), alone.final.backward[0].hidden.scalars)
    }
}
