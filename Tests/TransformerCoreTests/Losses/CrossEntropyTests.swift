import Foundation
import Testing
@testable import TransformerCore

@Suite struct CrossEntropyTests {
    /// -log softmax(z)[y], averaged, computed here in Double from the definition.
    static func reference(_ logits: [[Double]], _ targets: [Int], ignore: Int?, smoothing: Double) -> Double {
        var total = 0.0, counted = 0
        for (row, target) in zip(logits, targets) where target != ignore {
            let m = row.max()!
            let logZ = m + Foundation.log(row.map { Foundation.exp($0 - m) }.reduce(0, +))
            let logP = row.map { $0 - logZ }
            let v = Double(row.count)
            total -= (1 - smoothing) * logP[target] + smoothing / v * logP.reduce(0, +)
            counted += 1
        }
        return total / Double(counted)
    }

    @Test func matchesTheDefinitionWithoutSmoothing() {
        let logits: [[Float]] = [[1, 2, 3], [0.5, -1, 2]]
        let loss = crossEntropy(logits: Tensor(shape: [2, 3], scalars: logits.flatMap { $0 }), targets: [2, 0],
                                ignoreIndex: nil)
        let expected = Self.reference(logits.map { $0.map(Double.init) }, [2, 0], ignore: nil, smoothing: 0)
        #expect(abs(Double(loss.item) - expected) <= Double(Tolerance.float32))
    }

    @Test func ignoredPositionsNeitherCountNorGetGradients() {
        let logits = randomTensor([2, 3, 5], seed: 1)   // [B, T, V]
        let targets = [3, 0, 4, 1, 0, 0]                // 0 is padding
        let loss = crossEntropy(logits: logits, targets: targets, ignoreIndex: 0, labelSmoothing: 0.1)
        let rows = (0..<6).map { r in (0..<5).map { Double(logits.scalars[r * 5 + $0]) } }
        let expected = Self.reference(rows, targets, ignore: 0, smoothing: 0.1)
        #expect(abs(Double(loss.item) - expected) <= Double(Tolerance.float32))
        logits.requiresGradient = true
        crossEntropy(logits: logits, targets: targets, ignoreIndex: 0, labelSmoothing: 0.1).backward()
        let gradient = logits.gradientScalars!
        for row in [1, 4, 5] { #expect(gradient[(row * 5)..<(row * 5 + 5)].allSatisfy { $0 == 0 }) }
    }

    @Test func labelSmoothingRaisesTheLossOfAConfidentCorrectPrediction() {
        let logits = Tensor(shape: [1, 4], scalars: [20, 0, 0, 0])
        let sharp = crossEntropy(logits: logits, targets: [0], ignoreIndex: nil, labelSmoothing: 0).item
        let smooth = crossEntropy(logits: logits, targets: [0], ignoreIndex: nil, labelSmoothing: 0.1).item
        #expect(sharp < 1e-6)
        // eps / V * 20 per wrong class, 3 wrong classes: about 0.1 / 4 * 3 * 20 = 1.5.
        #expect(abs(smooth - 1.5) <= 0.01)
    }

    @Test func isStableForHugeLogits() {
        let loss = crossEntropy(logits: Tensor(shape: [1, 3], scalars: [1e4, -1e4, 0]), targets: [1], ignoreIndex: nil)
        #expect(loss.item.isFinite)
        #expect(abs(loss.item - 2e4) <= 1)
    }

    @Test func allIgnoredGivesZero() {
        let loss = crossEntropy(logits: randomTensor([2, 3], seed: 2), targets: [0, 0], ignoreIndex: 0)
        #expect(loss.item == 0)
    }

    @Test(arguments: [Float(0), 0.1, 0.3])
    func gradientsMatchFiniteDifferences(smoothing: Float) {
        let targets = [2, 0, 3, 1]
        expectGradientsMatch([randomTensor([4, 5], seed: 3) * 2]) { t in
            crossEntropy(logits: t[0], targets: targets, ignoreIndex: 0, labelSmoothing: smoothing)
        }
    }

    /// Rows over a vocabulary wider than the 8-lane loops, enough of them to split over two threads: the
    /// same loss and gradient bit for bit at 1 and 2 threads, and the loss of the Double definition.
    @Test func largeProblemsGiveTheSameResultOnOneAndTwoThreads() throws {
        let (rows, vocabulary) = (crossEntropyWorkPerThread / 1000 * 2 + 3, 1003)
        let logits = randomTensor([rows, vocabulary], seed: 5) * 3
        let targets = (0..<rows).map { ($0 * 7919) % vocabulary }   // some are 0: ignored
        var losses: [Float] = [], gradients: [[Float]] = []
        for threads in [1, 2] {
            let z = Tensor(shape: logits.shape, scalars: logits.scalars, requiresGradient: true)
            let loss = ComputeThreads.$limit.withValue(threads) {
                let loss = crossEntropy(logits: z, targets: targets, ignoreIndex: 0, labelSmoothing: 0.1)
                loss.backward()
                return loss.item
            }
            losses.append(loss)
            gradients.append(try #require(z.gradientScalars))
        }
        #expect(losses[0].bitPattern == losses[1].bitPattern)
        #expect(gradients[0] == gradients[1])
        let rowsOfLogits = (0..<rows).map { r in (0..<vocabulary).map { Double(logits.scalars[r * vocabulary + $0]) } }
        let expected = Self.reference(rowsOfLogits, targets, ignore: 0, smoothing: 0.1)
        #expect(abs(Double(losses[0]) - expected) <= Double(Tolerance.float32) * Swift.max(1, abs(expected)))
    }
}
