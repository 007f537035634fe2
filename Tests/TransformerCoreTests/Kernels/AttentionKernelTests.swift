import Testing
@testable import TransformerCore

/// The attention op on the C attention kernels of every backend this CPU runs against the same op on
/// ``Kernels/gemm`` (``Kernels/attentionProductKernels`` off), its oracle. (AttentionCKernelTests checks
/// the kernels themselves against plain loops.)
@Suite struct AttentionKernelTests {
    /// The op on the kernels vs on GEMM: the same sums, possibly in a different order.
    static let pathTolerance: Float = 1e-5

    /// Seeded values in [-1, 1).
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        count == 0 ? [] : randomTensor([count], seed: seed).scalars
    }

    /// One problem: T queries, S keys, H heads of D, B = 2; with a key-padding mask (batch entry 1 has its
    /// last key padded, or all keys when S = 1: a fully masked row) or none, dropout 0.3 or none.
    struct Shape: CustomStringConvertible, Sendable {
        let queries: Int, keys: Int, headDimension: Int, heads: Int
        var description: String { "T \(queries) S \(keys) D \(headDimension) H \(heads)" }
    }

    static let shapes: [Shape] = [
        Shape(queries: 1, keys: 1, headDimension: 1, heads: 1), Shape(queries: 3, keys: 5, headDimension: 5, heads: 2),
        Shape(queries: 16, keys: 16, headDimension: 8, heads: 4), Shape(queries: 16, keys: 16, headDimension: 16, heads: 4),
        Shape(queries: 17, keys: 3, headDimension: 32, heads: 2), Shape(queries: 33, keys: 17, headDimension: 64, heads: 1),
        Shape(queries: 64, keys: 64, headDimension: 32, heads: 2), Shape(queries: 3, keys: 33, headDimension: 16, heads: 3),
        Shape(queries: 64, keys: 64, headDimension: 64, heads: 1),
        // S > 64: the GEMM path on both sides (the kernels' limit).
        Shape(queries: 5, keys: 65, headDimension: 8, heads: 2),
    ]

    /// Output, weights, dQ, dK, dV of weightedSum(output).
    static func run(_ shape: Shape, masked: Bool, dropout: Float, kernels: Bool, threads: Int = 1,
                    backend: KernelBackend = .current) -> [[Float]] {
        let (b, t, s, c) = (2, shape.queries, shape.keys, shape.headDimension * shape.heads)
        let q = Tensor(shape: [b, t, c], scalars: randomTensor([b, t, c], seed: 1).scalars, requiresGradient: true)
        let k = Tensor(shape: [b, s, c], scalars: randomTensor([b, s, c], seed: 2).scalars, requiresGradient: true)
        let v = Tensor(shape: [b, s, c], scalars: randomTensor([b, s, c], seed: 3).scalars, requiresGradient: true)
        let tokens = [[Int](repeating: 1, count: s), (0..<s).map { $0 == s - 1 ? 0 : 1 }]
        let mask = masked ? AttentionMask.keyPadding(tokens, paddingIndex: 0) : nil
        let layer = Dropout(probability: dropout, generator: SeededGenerator(seed: 5))
        return KernelBackend.$override.withValue(backend) { ComputeThreads.$limit.withValue(threads) {
            Kernels.$attentionWorkPerThread.withValue(1) {
                Kernels.$attentionProductKernels.withValue(kernels) {
                    let (output, weights) = q.multiHeadAttention(key: k, value: v, headCount: shape.heads, mask: mask,
                                                                 dropout: layer)
                    weightedSum(output).backward()
                    return [output.scalars, weights.scalars, q.gradient!.scalars, k.gradient!.scalars,
                            v.gradient!.scalars]
                }
            }
        } }
    }

    /// The backends with C attention kernels this CPU runs (AVX-512 and AVX2 on an AVX-512 machine).
    static let kernelBackends = KernelBackend.supported.filter { $0 != .portable }

    @Test(arguments: [false, true], [Float(0), 0.3])
    func opOnTheKernelsEqualsTheGEMMPath(masked: Bool, dropout: Float) {
        for shape in Self.shapes {
            let expected = Self.run(shape, masked: masked, dropout: dropout, kernels: false)
            for backend in Self.kernelBackends {
                let actual = Self.run(shape, masked: masked, dropout: dropout, kernels: true, backend: backend)
                for (a, e) in zip(actual, expected) { expectClose(a, e, tolerance: Self.pathTolerance) }
            }
        }
    }

    /// Each pair is computed by one thread, so the split over threads does not change a bit.
    @Test func resultsAreIdenticalAtOneAndTwoThreads() {
        for shape in [Self.shapes[3], Self.shapes[6]] {
            for backend in KernelBackend.supported {
                let one = Self.run(shape, masked: true, dropout: 0.3, kernels: true, threads: 1, backend: backend)
                let two = Self.run(shape, masked: true, dropout: 0.3, kernels: true, threads: 2, backend: backend)
                #expect(one == two, "\(shape) \(backend)")
            }
        }
    }

    /// The backward rebuilds P' and the dropout masks from the forward's kept bits; with a draw whose bits
    /// were never kept it draws them again: the same gradients, bit for bit (both paths, kernels or GEMM).
    @Test(arguments: [false, true])
    func backwardFromKeptBitsEqualsTheRedraw(kernels: Bool) {
        let (b, h, t, s, d) = (2, 2, 5, 7, 3)
        let c = h * d
        let (q, k, v) = (Self.values(b * t * c, seed: 1), Self.values(b * s * c, seed: 2), Self.values(b * s * c, seed: 3))
        let dO = Self.values(b * t * c, seed: 4)
        let (threshold, keep) = Tensor.dropoutParameters(0.3)
        let forwardDraw = Kernels.AttentionDropout(state: 77, threshold: threshold, keep: keep)
        let freshDraw = Kernels.AttentionDropout(state: 77, threshold: threshold, keep: keep)
        var weights = [Float](repeating: 0, count: b * h * t * s), output = [Float](repeating: 0, count: b * t * c)
        var gradients: [[Float]] = []
        Kernels.$attentionProductKernels.withValue(kernels) {
            q.withUnsafeBufferPointer { q in k.withUnsafeBufferPointer { k in v.withUnsafeBufferPointer { v in
                let g = Kernels.AttentionOperands(batch: b, heads: h, queries: t, keys: s, headDimension: d, scale: 0.6,
                                                  q: q.baseAddress!, k: k.baseAddress!, v: v.baseAddress!, mask: nil,
                                                  maskStrides: (0, 0, 0))
                Kernels.attentionForward(g, dropout: forwardDraw, weights: &weights, output: &output)
                for draw in [forwardDraw, freshDraw] {
                    var dQ = [Float](repeating: 0, count: b * t * c), dK = [Float](repeating: 0, count: b * s * c)
                    var dV = dK
                    Kernels.attentionBackward(g, outputGradient: dO, weights: weights, dropout: draw, dQ: &dQ, dK: &dK,
                                              dV: &dV)
                    gradients.append(dQ + dK + dV)
                }
            } } }
        }
        #expect(freshDraw.keptBits.words == nil)
        #expect(gradients[0] == gradients[1])
        #expect(gradients[0].contains { $0 != 0 })
    }

    @Test func gradientsMatchFiniteDifferencesOnTheKernels() {
        let mask = AttentionMask.keyPadding([[1, 1, 1, 0], [1, 1, 1, 1]], paddingIndex: 0)
        let inputs = [randomTensor([2, 3, 4], seed: 7), randomTensor([2, 4, 4], seed: 8), randomTensor([2, 4, 4], seed: 9)]
        Kernels.$attentionProductKernels.withValue(true) {
            expectGradientsMatch(inputs) { t in
                weightedSum(t[0].multiHeadAttention(key: t[1], value: t[2], headCount: 2, mask: mask, dropout: nil).output)
            }
        }
    }
}
