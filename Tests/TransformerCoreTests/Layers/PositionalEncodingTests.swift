import Foundation
import Testing
@testable import TransformerCore

@Suite struct PositionalEncodingTests {
    @Test func positionZeroIsZeroOneZeroOne() {
        let table = PositionalEncoding.sinusoids(length: 3, dimension: 6)
        #expect(Array(table.scalars[0..<6]) == [0, 1, 0, 1, 0, 1])
    }

    @Test func valuesFollowTheFormula() {
        let (length, dimension) = (50, 16)
        let table = PositionalEncoding.sinusoids(length: length, dimension: dimension)
        for position in 0..<length {
            for i in 0..<(dimension / 2) {
                let angle = Double(position) / pow(10000, Double(2 * i) / Double(dimension))
                #expect(abs(table[position, 2 * i] - Float(sin(angle))) <= Tolerance.exact)
                #expect(abs(table[position, 2 * i + 1] - Float(cos(angle))) <= Tolerance.exact)
            }
        }
    }

    @Test func scalesEmbeddingsBySqrtDModelAndAddsTheTableAtTheOffset() {
        let encoding = PositionalEncoding(kind: .sinusoidal, maximumLength: 10, dimension: 4, dropout: 0,
                                          generator: SeededGenerator(seed: 1))
        let x = randomTensor([2, 3, 4], seed: 2)
        let y = encoding(x, offset: 5)
        let table = PositionalEncoding.sinusoids(length: 10, dimension: 4)
        for b in 0..<2 { for t in 0..<3 { for c in 0..<4 {
            #expect(abs(y[b, t, c] - (x[b, t, c] * 2 + table[t + 5, c])) <= Tolerance.exact)
        } } }
        #expect(encoding.namedParameters.isEmpty)   // the sinusoid table is not trained
    }

    @Test func learnedEncodingIsAParameterWithGradients() {
        let encoding = PositionalEncoding(kind: .learned, maximumLength: 6, dimension: 4, dropout: 0,
                                          generator: SeededGenerator(seed: 3))
        #expect(encoding.namedParameters.map(\.name) == ["embedding.weight"])
        #expect(encoding.namedParameters[0].tensor.shape == [6, 4])
        let inputs = [randomTensor([1, 3, 4], seed: 4)] + encoding.parameters
        expectGradientsMatch(inputs) { t in weightedSum(encoding(t[0], offset: 1)) }
    }

    @Test func dropoutAppliesInTrainingOnly() {
        let encoding = PositionalEncoding(kind: .sinusoidal, maximumLength: 8, dimension: 8, dropout: 0.5,
                                          generator: SeededGenerator(seed: 5))
        let x = Tensor.ones([1, 8, 8])
        let trained = encoding(x)
        #expect(trained.scalars.contains(0))
        encoding.setTraining(false)
        #expect(!encoding(x).scalars.contains(0))
    }
}
