import Testing
@testable import TransformerCore

/// The fused ops and kernels that replaced chains of simpler ops, each against its plain composition or
/// reference loop (the oracle), plus central-difference gradient checks.
@Suite struct FusedKernelTests {
    /// The dropout paths compared: the reference loop (nil), then every kernel backend this CPU runs.
    static let dropoutPaths: [KernelBackend?] = [nil] + KernelBackend.supported.map(Optional.some)

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
            var x = randomTensor([count], seed: UInt64(count)).scalars
            if count > 3 { x[3] = .nan }   // NaN stays NaN when dropped (x * 0), and ReLU maps it to 0
            for p in [0.1, 0.5] as [Double] {
                let (threshold, keep) = Tensor.dropoutParameters(Float(p))
                for relu in [false, true] {
                    var results: [(UInt64, [Float], [UInt16])] = []
                    for path in Self.dropoutPaths {
                        var state: UInt64 = 0x1234_5678_9ABC_DEF0 &+ UInt64(count)
                        var y = [Float](repeating: 0, count: count)
                        var bits = [UInt16](repeating: 0xFFFF, count: Kernels.dropoutMaskWords(count))
                        x.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { y in bits.withUnsafeMutableBufferPointer { m in
                            guard count > 0 else { return }
                            if let backend = path {
                                Kernels.dropout(state: &state, count: count, threshold: threshold, keep: keep, relu: relu,
                                                x: x.baseAddress!, y: y.baseAddress!, bits: m.baseAddress!, backend: backend)
                            } else {
                                Kernels.referenceDropout(state: &state, count: count, threshold: threshold, keep: keep,
                                                         relu: relu, x: x.baseAddress!, y: y.baseAddress!, bits: m.baseAddress!)
                            }
                        } } }
                        results.append((state, y, bits))
                    }
                    // The reference takes two 24-bit uniforms from each SeededGenerator.next(): bits 8-31, then 40-63.
                    let generator = SeededGenerator(seed: 0x1234_5678_9ABC_DEF0 &+ UInt64(count))
                    var uniforms: [UInt64] = []
                    while uniforms.count < count {
                        let z = generator.next()
                        uniforms += [(z >> 8) & 0xFF_FFFF, z >> 40]
                    }
                    let kept = uniforms.prefix(count).map { $0 >= threshold }
                    let expectedBits = (0..<Kernels.dropoutMaskWords(count)).map { w in
                        (0..<16).reduce(UInt16(0)) { word, j in 16 * w + j < count && kept[16 * w + j] ? word | 1 << j : word }
                    }
                    let expectedY = zip(x, kept).map { v, k in (relu ? Swift.max(0, v) : v) * (k ? keep : 0) }
                    #expect(results[0].2 == expectedBits)
                    #expect(results[0].1.map(\.bitPattern) == expectedY.map(\.bitPattern))
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

    /// A draw of elements first ..< first + count (attention draws each pair so) is that slice of one draw
    /// from element 0, for even and odd `first`, on both kernels, and leaves the generator state of a draw of
    /// first + count elements.
    @Test func dropoutFromAnyElementIsASliceOfOneDraw() {
        let total = 100
        let x = randomTensor([total], seed: 77).scalars
        let (threshold, keep) = Tensor.dropoutParameters(0.3)
        var whole = [Float](repeating: 0, count: total)
        var state: UInt64 = 99
        Kernels.referenceDropout(state: &state, count: total, threshold: threshold, keep: keep, x: x, y: &whole, bits: nil)
        for backend in KernelBackend.supported {
            for (first, count) in [(0, 100), (1, 99), (1, 16), (3, 40), (16, 33), (17, 50), (50, 50), (63, 1)] {
                var s: UInt64 = 99
                var y = [Float](repeating: .nan, count: count)
                var bits = [UInt16](repeating: 0, count: Kernels.dropoutMaskWords(count))
                x.withUnsafeBufferPointer { x in
                    Kernels.dropout(state: &s, first: first, count: count, threshold: threshold, keep: keep,
                                    x: x.baseAddress! + first, y: &y, bits: &bits, backend: backend)
                }
                #expect(y.map(\.bitPattern) == whole[first..<(first + count)].map(\.bitPattern), "first \(first) count \(count)")
                let keptBits = (0..<count).map { (bits[$0 / 16] >> UInt16($0 % 16)) & 1 == 1 }
                #expect(keptBits == whole[first..<(first + count)].map { $0 != 0 })   // (x has no zeros)
                #expect(s == Kernels.splitMixState(99, advancedBy: (first + count + 1) / 2))
            }
        }
    }

    @Test func dropoutBackwardKernelMatchesTheReference() {
        for count in [1, 15, 16, 17, 100] {
            var g = randomTensor([count], seed: 40 + UInt64(count)).scalars
            g[0] = .nan   // NaN * 0 stays NaN, as g * mask
            let bits = (0..<Kernels.dropoutMaskWords(count)).map { UInt16(truncatingIfNeeded: $0 &* 40503 &+ 12345) }
            var results: [[Float]] = []
            for path in Self.dropoutPaths {
                var dx = [Float](repeating: 7, count: count + 3)   // the 3 past the end must stay untouched
                g.withUnsafeBufferPointer { g in bits.withUnsafeBufferPointer { bits in dx.withUnsafeMutableBufferPointer { dx in
                    if let backend = path {
                        Kernels.dropoutBackward(count: count, keep: 1.25, bits: bits.baseAddress!, g: g.baseAddress!,
                                                dx: dx.baseAddress!, backend: backend)
                    } else {
                        Kernels.referenceDropoutBackward(count: count, keep: 1.25, bits: bits.baseAddress!,
                                                         g: g.baseAddress!, dx: dx.baseAddress!)
                    }
                } } }
                results.append(dx)
            }
            var expected = [Float](repeating: 7, count: count + 3)
            for i in 0..<count {
                let kept = (bits[i / 16] >> UInt16(i % 16)) & 1 == 1
                expected[i] = g[i] * (kept ? 1.25 : 0)
            }
            let expectedPatterns: [UInt32] = expected.map { $0.bitPattern }
            for result in results { #expect(result.map { $0.bitPattern } == expectedPatterns) }
        }
    }

    @Test func linearReLUMatchesTheComposedOps() {
        let x = randomTensor([2, 3, 5], seed: 20), w = randomTensor([7, 5], seed: 21), b = randomTensor([7], seed: 22)
        expectClose(x.linearReLU(weight: w, bias: b, dropout: nil), x.linear(weight: w, bias: b).relu(),
                    tolerance: Tolerance.exact)
        expectClose(x.linearReLU(weight: w, bias: nil, dropout: nil), x.linear(weight: w, bias: nil).relu(),
                    tolerance: Tolerance.exact)
        // With dropout: the same draws as dropout(probability:generator:) on the ReLU output.
        let fused = x.linearReLU(weight: w, bias: b, dropout: (0.4, SeededGenerator(seed: 23)))
        let composed = x.linear(weight: w, bias: b).relu().dropout(probability: 0.4, generator: SeededGenerator(seed: 23))
        expectClose(fused, composed, tolerance: Tolerance.exact)
        #expect(fused.scalars.contains(0) && fused.scalars.contains { $0 > 0 })
    }

    @Test func linearReLUGradientsEqualTheComposedOps() {
        // 6 x 9 = 54 outputs: three 16-lane steps of the AVX-512 backward and a tail of 6.
        let x = randomTensor([6, 5], seed: 24), w = randomTensor([9, 5], seed: 25), b = randomTensor([9], seed: 26)
        for p in [0, 0.3] as [Float] {
            var fused: [[Float]] = [], composed: [[Float]] = []
            for useFused in [true, false] {
                let inputs = [x, w, b].map { Tensor(shape: $0.shape, scalars: $0.scalars, requiresGradient: true) }
                let generator = SeededGenerator(seed: 27)
                let y = useFused
                    ? inputs[0].linearReLU(weight: inputs[1], bias: inputs[2], dropout: p > 0 ? (p, generator) : nil)
                    : inputs[0].linear(weight: inputs[1], bias: inputs[2]).relu().dropout(probability: p, generator: generator)
                weightedSum(y).backward()
                let gradients = inputs.map { $0.gradientScalars! }
                if useFused { fused = gradients } else { composed = gradients }
            }
            for (f, c) in zip(fused, composed) { expectClose(f, c, tolerance: Tolerance.exact) }
        }
    }

    @Test func linearReLUGradients() {
        let x = randomTensor([3, 4], seed: 28), w = randomTensor([6, 4], seed: 29), b = randomTensor([6], seed: 30)
        expectGradientsMatch([x, w, b], step: reluSafeStep) {
            weightedSum($0[0].linearReLU(weight: $0[1], bias: $0[2], dropout: nil))
        }
        // A fresh generator per evaluation: the same mask every time, as the check needs.
        expectGradientsMatch([x, w, b], step: reluSafeStep) {
            weightedSum($0[0].linearReLU(weight: $0[1], bias: $0[2], dropout: (0.3, SeededGenerator(seed: 31))))
        }
    }

    @Test func addingDropoutMatchesTheComposedOps() {
        let x = randomTensor([3, 7], seed: 32), branch = randomTensor([3, 7], seed: 33)
        for p in [0, 0.4] as [Float] {
            let fused = x.addingDropout(of: branch, probability: p, generator: SeededGenerator(seed: 34))
            let composed = x + branch.dropout(probability: p, generator: SeededGenerator(seed: 34))
            #expect(fused.scalars.map(\.bitPattern) == composed.scalars.map(\.bitPattern))
        }
    }

    @Test func addingDropoutGradients() {
        let x = randomTensor([2, 9], seed: 35), branch = randomTensor([2, 9], seed: 36)
        expectGradientsMatch([x, branch]) {
            weightedSum($0[0].addingDropout(of: $0[1], probability: 0.3, generator: SeededGenerator(seed: 37)))
        }
        var fused: [[Float]] = [], composed: [[Float]] = []
        for useFused in [true, false] {
            let inputs = [x, branch].map { Tensor(shape: $0.shape, scalars: $0.scalars, requiresGradient: true) }
            let generator = SeededGenerator(seed: 38)
            let z = useFused ? inputs[0].addingDropout(of: inputs[1], probability: 0.3, generator: generator)
                             : inputs[0] + inputs[1].dropout(probability: 0.3, generator: generator)
            weightedSum(z).backward()
            let gradients = inputs.map { $0.gradientScalars! }
            if useFused { fused = gradients } else { composed = gradients }
        }
        for (f, c) in zip(fused, composed) { expectClose(f, c, tolerance: Tolerance.exact) }
    }

    /// The bias gradient's column sums (AVX-512 when available) equal the plain loop bit for bit: the same
    /// additions in the same order, over widths around the 16-lane and 128-column blocks.
    @Test func columnSumsEqualThePlainLoop() {
        for (rows, columns) in [(1, 1), (7, 15), (5, 16), (9, 17), (33, 64), (4, 129), (3, 300)] {
            let x = randomTensor([rows, columns], seed: UInt64(rows * 1000 + columns)).scalars
            var (sums, expected) = ([Float](repeating: .nan, count: columns), [Float](repeating: .nan, count: columns))
            Kernels.columnSums(x, rows: rows, columns: columns, into: &sums)
            Kernels.columnSumsLoop(x, rows: rows, columns: columns, into: &expected)
            #expect(sums.map(\.bitPattern) == expected.map(\.bitPattern), "\(rows) x \(columns)")
        }
    }
}
