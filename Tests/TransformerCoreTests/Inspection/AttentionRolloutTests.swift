import Testing
@testable import TransformerCore

@Suite struct AttentionRolloutTests {
    static func map(_ layer: Int, _ head: Int, _ values: [Float]) -> AttentionMap {
        AttentionMap(kind: .encoderSelf, layer: layer, content: .head(head), queryLabels: ["a", "b"],
                     keyLabels: ["a", "b"], values: values)
    }

    /// Layer 1: heads [[1, 0], [.5, .5]] and [[0, 1], [.5, .5]], mean [[.5, .5], [.5, .5]],
    /// + I and renormalised: [[.75, .25], [.25, .75]]. Layer 2: one head [[1, 0], [1, 0]],
    /// + I: [[2, 0], [1, 1]], renormalised [[1, 0], [.5, .5]].
    /// R = Â_2 · Â_1 = [[.75, .25], [.5 · .75 + .5 · .25, .5 · .25 + .5 · .75]] = [[.75, .25], [.5, .5]].
    @Test func twoLayersByHand() {
        let layers = [[Self.map(0, 0, [1, 0, 0.5, 0.5]), Self.map(0, 1, [0, 1, 0.5, 0.5])],
                      [Self.map(1, 0, [1, 0, 1, 0])]]
        let rollout = AttentionRollout.rollout(of: layers)
        expectClose(rollout.values, [0.75, 0.25, 0.5, 0.5], tolerance: Tolerance.exact)
        #expect(rollout.content == .rollout && rollout.layer == 1 && rollout.queryLabels == ["a", "b"])
        #expect(rollout.title == "Encoder attention rollout, layers 1-2")
        // The order of the product matters: Â_1 · Â_2 would be [[.875, .125], [.625, .375]].
        let reversed = AttentionRollout.multiply([0.75, 0.25, 0.25, 0.75], [1, 0, 0.5, 0.5], size: 2)
        expectClose(reversed, [0.875, 0.125, 0.625, 0.375], tolerance: Tolerance.exact)
    }

    @Test func halfAndHalfEqualsRenormalisedIdentity() {
        // Abnar & Zuidema's 0.5 A + 0.5 I equals normalize_rows(A + I) for row-stochastic A.
        let a: [Float] = [0.2, 0.3, 0.5, 0.6, 0.4, 0.0, 0.1, 0.1, 0.8]
        let half = a.enumerated().map { 0.5 * $0.element + ($0.offset % 4 == 0 ? 0.5 : 0) }
        expectClose(AttentionRollout.addingIdentity(a, size: 3), half, tolerance: Tolerance.exact)
    }

    @Test func rolloutRowsSumToOneAndNoLayersIsIdentity() {
        let generator = SeededGenerator(seed: 3)
        let n = 5
        let layers: [[Float]] = (0..<3).map { _ in
            let raw = Tensor.uniform([n, n], in: 0...1, generator: generator).scalars
            return (0..<n).flatMap { i in raw[(i * n)..<((i + 1) * n)].map { $0 / raw[(i * n)..<((i + 1) * n)].reduce(0, +) } }
        }
        let rollout = AttentionRollout.rollout(meanOfHeads: layers, size: n)
        for i in 0..<n {
            #expect(abs(rollout[(i * n)..<((i + 1) * n)].reduce(0, +) - 1) < Tolerance.float32)
        }
        #expect(AttentionRollout.rollout(meanOfHeads: [], size: 2) == [1, 0, 0, 1])
    }
}
