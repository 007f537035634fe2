import Testing
@testable import TransformerCore

/// ``Tensor/multiHeadAttention(key:value:headCount:mask:dropout:)``, the fused op, against its oracle: the
/// composed path (split heads, scaledDotProductAttention, merge heads).
@Suite struct MultiHeadAttentionOpTests {
    /// Both paths compute the same sums in a possibly different order (GEMMs on strided vs copied heads).
    static let oracleTolerance: Float = 1e-5

    enum MaskKind: String, CaseIterable { case none, padding, causal, target }

    /// Q [B, T, C] and K = V inputs [B, S, C] (S = T for the causal masks), with the mask of `kind`.
    static func problem(_ kind: MaskKind, batch: Int = 3, queries: Int = 5, keys: Int = 7, width: Int = 8,
                        seed: UInt64) -> (q: [Float], k: [Float], v: [Float], shapes: ([Int], [Int]), mask: Tensor?) {
        let s = kind == .causal || kind == .target ? queries : keys
        let tokens = (0..<batch).map { b in (0..<s).map { j in j >= s - b ? 0 : j + 1 } }   // row b: b pads
        let mask: Tensor? = switch kind {
        case .none: nil
        case .padding: AttentionMask.keyPadding(tokens, paddingIndex: 0)
        case .causal: AttentionMask.causal(queries)
        case .target: AttentionMask.target(tokens, paddingIndex: 0)
        }
        return (randomTensor([batch, queries, width], seed: seed).scalars,
                randomTensor([batch, s, width], seed: seed + 1).scalars,
                randomTensor([batch, s, width], seed: seed + 2).scalars, ([batch, queries, width], [batch, s, width]), mask)
    }

    /// Output, weights, the three input gradients of weightedSum(output) and the generator's final state.
    static func run(_ kind: MaskKind, dropout: Float, fused: Bool, seed: UInt64 = 11) -> [[Float]] {
        let p = problem(kind, seed: seed)
        let q = Tensor(shape: p.shapes.0, scalars: p.q, requiresGradient: true)
        let k = Tensor(shape: p.shapes.1, scalars: p.k, requiresGradient: true)
        let v = Tensor(shape: p.shapes.1, scalars: p.v, requiresGradient: true)
        let generator = SeededGenerator(seed: 42)
        let layer = Dropout(probability: dropout, generator: generator)
        let (output, weights) = fused
            ? q.multiHeadAttention(key: k, value: v, headCount: 2, mask: p.mask, dropout: layer)
            : q.composedMultiHeadAttention(key: k, value: v, headCount: 2, mask: p.mask, dropout: layer)
        weightedSum(output).backward()
        return [output.scalars, weights.scalars, q.gradient!.scalars, k.gradient!.scalars, v.gradient!.scalars,
                [Float(generator.currentState % 1_000_003)]]
    }

    @Test(arguments: MaskKind.allCases, [Float(0), 0.3])
    func equalsTheComposedPathForwardAndBackward(kind: MaskKind, dropout: Float) {
        let expected = Self.run(kind, dropout: dropout, fused: false)
        // One thread, and the pairs split over two threads.
        for threads in [1, 2] {
            let actual = ComputeThreads.$limit.withValue(threads) {
                Kernels.$attentionWorkPerThread.withValue(1) { Self.run(kind, dropout: dropout, fused: true) }
            }
            for (a, e) in zip(actual, expected) { expectClose(a, e, tolerance: Self.oracleTolerance) }
        }
    }

    @Test func weightsAreThoseBeforeDropoutAndMaskedKeysGetZero() {
        let expected = Self.run(.target, dropout: 0, fused: true)
        let dropped = Self.run(.target, dropout: 0.5, fused: true)
        #expect(dropped[1] == expected[1])
        let mask = Self.problem(.target, seed: 11).mask!
        let (b, h, t) = (3, 2, 5)
        for i in 0..<(b * h * t * t) {
            let (row, key) = ((i / t) % t, i % t)
            let batch = i / (h * t * t)
            if mask.scalars[batch * t * t + row * t + key] == -.infinity { #expect(expected[1][i] == 0) }
        }
    }

    @Test(arguments: [MaskKind.padding, .target])
    func gradientsMatchFiniteDifferences(kind: MaskKind) {
        let p = Self.problem(kind, batch: 2, queries: 3, keys: 4, width: 4, seed: 21)
        let inputs = [Tensor(shape: p.shapes.0, scalars: p.q), Tensor(shape: p.shapes.1, scalars: p.k),
                      Tensor(shape: p.shapes.1, scalars: p.v)]
        expectGradientsMatch(inputs) { t in
            weightedSum(t[0].multiHeadAttention(key: t[1], value: t[2], headCount: 2, mask: p.mask, dropout: nil).output)
        }
    }

    /// SplitMix64 jumped ahead n draws is the state after n sequential draws (the per-pair dropout starts).
    @Test func splitMixJumpEqualsSequentialDraws() {
        let generator = SeededGenerator(seed: 7)
        for _ in 0..<1000 { _ = generator.next() }
        #expect(Kernels.splitMixState(7, advancedBy: 1000) == generator.currentState)
    }
}
