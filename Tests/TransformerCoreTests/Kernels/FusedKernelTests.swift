import Testing
@testable import TransformerCore

/// The fused ops and kernels that replaced chains of simpler ops, each against its plain composition or
/// reference loop (the oracle), plus central-difference gradient checks.
@Suite struct FusedKernelTests {
    @Test func linearMatchesMatmulPlusBias() {
        let x = randomTensor([2, 3, 5], seed: 1), w = randomTensor([4, 5], seed: 2), b = randomTensor([4], seed: 3)
        expectClose(x.linear(weight: w, bias: b), x.matmul(w, transposingOther: true) + b, tolerance: Tolerance.exact)
        expectClose(x.linear(weight: w, bias: nil), x.matmul(w, transposingOther: true), tolerance: Tolerance.exact)
    }

    @Test func linearGradients() {
        let x = randomTensor([2, 3, 5], seed: 4), w = randomTensor([4, 5], seed: 5), b = randomTensor([4], seed: 6)
        expectGradientsMatch([x, w, b]) { weightedSum($0[0].linear(weight: $0[1], bias: $0[2])) }
        expectGradientsMatch([x, w]) { weightedSum($0[0].linear(weight: $0[1], bias: nil)) }
    }

    @Test func linearGradientsEqualTheComposedOps() {
        let x = randomTensor([6, 5], seed: 7), w = randomTensor([3, 5], seed: 8), b = randomTensor([3], seed: 9)
        var fused: [[Float]] = [], composed: [[Float]] = []
        for useFused in [true, false] {
            let inputs = [x, w, b].map { Tensor(shape: $0.shape, scalars: $0.scalars, requiresGradient: true) }
            let y = useFused ? inputs[0].linear(weight: inputs[1], bias: inputs[2])
                             : inputs[0].matmul(inputs[1], transposingOther: true) + inputs[2]
            weightedSum(y).backward()
            let gradients = inputs.map { $0.gradientScalars! }
            if useFused { fused = gradients } else { composed = gradients }
        }
        for (f, c) in zip(fused, composed) { expectClose(f, c, tolerance: Tolerance.exact) }
    }

    @Test func scaledMaskedSoftmaxMatchesTheComposedOps() {
        let scores = randomTensor([2, 3, 4, 4], seed: 10)
        for mask in [nil, AttentionMask.causal(4), AttentionMask.keyPadding([[5, 6, 0, 0], [5, 0, 0, 0]], paddingIndex: 0),
                     AttentionMask.target([[5, 6, 7, 0], [5, 6, 0, 0]], paddingIndex: 0)] {
            let expected = mask.map { (scores.affine(scale: 0.5) + $0).softmax() } ?? scores.affine(scale: 0.5).softmax()
            expectClose(scores.scaledMaskedSoftmax(scale: 0.5, mask: mask), expected, tolerance: Tolerance.exact)
        }
        // A fully masked row gives zeros, not NaN.
        let allMasked = Tensor(shape: [1, 1, 1, 3], scalars: [-.infinity, -.infinity, -.infinity])
        #expect(randomTensor([1, 2, 2, 3], seed: 11).scaledMaskedSoftmax(scale: 1, mask: allMasked).scalars == [Float](repeating: 0, count: 12))
    }

    @Test func scaledMaskedSoftmaxGradients() {
        let mask = AttentionMask.target([[5, 6, 0], [5, 6, 7]], paddingIndex: 0)   // [2, 1, 3, 3]
        expectGradientsMatch([randomTensor([2, 2, 3, 3], seed: 12)]) {
            weightedSum($0[0].scaledMaskedSoftmax(scale: 0.7, mask: mask))
        }
        expectGradientsMatch([randomTensor([3, 5], seed: 13)]) { weightedSum($0[0].scaledMaskedSoftmax(scale: 1.3, mask: nil)) }
    }

    @Test func dropoutKernelMatchesTheReferenceBitForBit() {
        for count in [0, 1, 15, 16, 17, 100, 1000] {
            let x = randomTensor([count], seed: UInt64(count)).scalars
            for p in [0.1, 0.5] as [Double] {
                let threshold = UInt64((p * 16_777_216).rounded(.up)), keep = Float(1 / (1 - p))
                var results: [(UInt64, [Float], [Float])] = []
                for vectorized in Kernels.hasAVX512DQ ? [false, true] : [false] {
                    var state: UInt64 = 0x1234_5678_9ABC_DEF0 &+ UInt64(count)
                    var y = [Float](repeating: 0, count: count), mask = [Float](repeating: 0, count: count)
                    x.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { y in mask.withUnsafeMutableBufferPointer { m in
                        guard count > 0 else { return }
                        if vectorized {
                            Kernels.dropout(state: &state, count: count, threshold: threshold, keep: keep,
                                            x: x.baseAddress!, y: y.baseAddress!, mask: m.baseAddress!, vectorized: true)
                        } else {
                            Kernels.referenceDropout(state: &state, count: count, threshold: threshold, keep: keep,
                                                     x: x.baseAddress!, y: y.baseAddress!, mask: m.baseAddress!)
                        }
                    } } }
                    results.append((state, y, mask))
                }
                // The reference draws exactly what SeededGenerator.next() gives.
                let generator = SeededGenerator(seed: 0x1234_5678_9ABC_DEF0 &+ UInt64(count))
                let expectedMask = (0..<count).map { _ in (generator.next() >> 40) >= threshold ? keep : 0 }
                #expect(results[0].2 == expectedMask)
                #expect(results[0].0 == generator.currentState)
                if results.count == 2 {
                    #expect(results[1].0 == results[0].0)
                    #expect(results[1].1.map(\.bitPattern) == results[0].1.map(\.bitPattern))
                    #expect(results[1].2 == results[0].2)
                }
            }
        }
    }
}
