import Foundation
import CKernels

/// Multi-head attention on the projections in place: the kernels of ``Tensor/multiHeadAttention``.
///
/// Head h of batch entry b reads Q_bh `[T, D]`, K_bh and V_bh `[S, D]` as column blocks h*D..<(h+1)*D of
/// the row-major `[B, T, C]` / `[B, S, C]` projections (row stride C = H * D), and writes its output O_bh
/// into the same columns of a `[B, T, C]` result: no head split or merge copies. Each (b, h) pair runs
/// its own small products (``AttentionProducts``: the AVX-512 or AVX2 kernels of ck_attention.h when S, D <= 64,
/// else ``Kernels/gemm`` with lda/ldb/ldc = C); pairs are split over threads when the work pays for the
/// dispatch.
extension Kernels {
    /// Multiply-adds a thread must get before the (b, h) pairs are split over a second thread (2^19). The
    /// pairs run on the GEMM worker pool (workers join within microseconds when warm), so even tiny's and
    /// small's attention (1-4M multiply-adds) pays for the second thread: their 2-thread training steps
    /// measured 27.3 and 12.9 ms with this split against 35.0 and 20.7 ms without it (medians of 3
    /// alternating runs). Task-local so that tests can reach the threaded path with small shapes.
    @TaskLocal static var attentionWorkPerThread = 1 << 19

    /// One attention call's operands: raw pointers shared by the workers, which read the inputs and write
    /// disjoint blocks of the outputs (pair p = b * H + h owns block p of the `[B, H, T, S]` buffers and
    /// columns h*D..<(h+1)*D of rows of batch entry b in the `[B, T, C]` / `[B, S, C]` ones).
    struct AttentionOperands: @unchecked Sendable {
        let batch: Int, heads: Int, queries: Int, keys: Int, headDimension: Int
        let scale: Float
        let q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>
        /// The additive mask and the strides of its b, h and t axes (0 where broadcast); nil: no mask.
        let mask: UnsafePointer<Float>?, maskStrides: (b: Int, h: Int, t: Int)
        /// C = H * D, the row stride of Q, K, V and the output.
        var width: Int { heads * headDimension }
        var pairs: Int { batch * heads }
        /// T * S, the floats of one pair's weights.
        var block: Int { queries * keys }

        @inline(__always) func queryOffset(_ pair: Int) -> Int {
            (pair / heads) * queries * width + (pair % heads) * headDimension
        }
        @inline(__always) func keyOffset(_ pair: Int) -> Int {
            (pair / heads) * keys * width + (pair % heads) * headDimension
        }
        @inline(__always) func maskRow(_ pair: Int, _ t: Int) -> UnsafePointer<Float>? {
            mask.map { $0 + (pair / heads) * maskStrides.b + (pair % heads) * maskStrides.h + t * maskStrides.t }
        }
        /// Multiply-adds of one pair's forward (Q K^T and P V).
        var forwardWork: Int { 2 * block * headDimension }
    }

    /// The inverted-dropout draw of ``Tensor/dropout(probability:generator:)``: `threshold` on 24 bits and
    /// the survivors' scale `keep`; `state` is the generator's state before the whole `[B, H, T, S]` draw.
    /// Pair p's mask is elements p * T * S ..< (p + 1) * T * S of that draw (``Kernels/dropout``'s `first`),
    /// so the pairs' masks together equal one draw over `[B, H, T, S]`. The forward keeps the
    /// masks as bits in `keptBits` (1/32 of the weights' size) and the backward rebuilds P' = W * mask from
    /// them with a masked multiply instead of drawing again (the draw was 0.8% of small's 1-thread step);
    /// the dropped weights themselves are not kept from forward to backward.
    struct AttentionDropout: Sendable {
        let state: UInt64, threshold: UInt64, keep: Float
        /// Filled by ``Kernels/attentionForward``, read by ``Kernels/attentionBackward``.
        let keptBits = AttentionDropoutBits()

        /// P' = W * mask_p for pair p, for `count` = T * S weights, and the keep bits of mask_p when `bits`
        /// is given (``Kernels/dropoutMaskWords(_:)`` words).
        @inline(__always)
        func apply(pair p: Int, count: Int, weights: UnsafePointer<Float>, into dropped: UnsafeMutablePointer<Float>,
                   bits: UnsafeMutablePointer<UInt16>?, backend: KernelBackend) {
            var state = self.state
            Kernels.dropout(state: &state, first: p * count, count: count, threshold: threshold, keep: keep,
                            x: weights, y: dropped, bits: bits, backend: backend)
        }
    }

    /// The keep bits of every pair of one attention call (pair p's ``Kernels/dropoutMaskWords(_:)`` words
    /// at p * that count), allocated by the forward before its workers start; each worker writes its own
    /// pairs' words, the backward only reads.
    final class AttentionDropoutBits: @unchecked Sendable {
        private(set) var words: UnsafeMutablePointer<UInt16>?
        private(set) var wordsPerPair = 0

        /// Room for `pairs` pairs of `count` weights (called once, by the forward, before its workers).
        func allocate(pairs: Int, count: Int) {
            precondition(words == nil, "attention dropout bits filled twice")
            wordsPerPair = dropoutMaskWords(count)
            words = .allocate(capacity: Swift.max(1, pairs * wordsPerPair))
        }

        /// Pair p's words.
        @inline(__always) func pair(_ p: Int) -> UnsafeMutablePointer<UInt16>? { words.map { $0 + p * wordsPerPair } }

        deinit { words?.deallocate() }
    }

    /// Threads for `work` multiply-adds over `pairs` independent pairs, at most ``ComputeThreads/effective``.
    static func attentionThreads(work: Int, pairs: Int) -> Int {
        ComputeThreads.count(work: work, workPerThread: attentionWorkPerThread, pieces: pairs)
    }

    /// Runs `body` over 0..<pairs in contiguous chunks on up to `threads` threads: the GEMM worker pool
    /// (or Dispatch) takes chunks from a shared queue, so a worker that starts late takes fewer and the
    /// caller does whatever is left. Each pair is computed by one thread, so results do not depend on the
    /// split.
    static func forEachPairShare(pairs: Int, threads: Int, _ body: @escaping @Sendable (Range<Int>) -> Void) {
        guard threads > 1 else {
            body(0..<pairs)
            return
        }
        let chunks = ChunkQueue(0..<pairs, threads: threads, largest: pairs)
        parallel(threads) { _ in
            while let chunk = chunks.claim() { body(chunk) }
        }
    }

    /// Whether the per-pair products may use the C attention kernels (ck_attention.h) of the current
    /// ``KernelBackend``. Task-local so that tests can run the ``Kernels/gemm`` path, their oracle, on the
    /// same inputs.
    @TaskLocal static var attentionProductKernels = true

    /// The largest S and D the attention kernels take: a row of every product (S or D floats) fits in four
    /// zmm (AVX-512) or eight ymm (AVX2) registers.
    static let attentionKernelLimit = 64

    /// The three product shapes of one pair, on row-major operands read in place (leading dimensions
    /// lda, ldb, ldc), and the softmax rows forward and backward: with the C kernels of `backend` when
    /// `kernels` (no packing; B^T goes through `scratch`, k * n floats, transposed once per product), else
    /// with single-threaded ``Kernels/gemm`` calls and the Swift rows (SIMD8: SSE on the baseline x86-64
    /// target).
    struct AttentionProducts {
        /// Read once per op on the calling thread (``KernelBackend/current``).
        let backend: KernelBackend
        let kernels: Bool
        /// The single-threaded GEMM of the products without kernels.
        let gemmOptions: GEMMOptions
        /// At least S * D floats when `kernels`, for the transposed B of ``abT``.
        let scratch: UnsafeMutablePointer<Float>?

        /// Whether a call with these shapes may use the kernels (backend, task-local switch, S and D limits).
        static func useKernels(_ g: AttentionOperands, backend: KernelBackend) -> Bool {
            backend != .portable && attentionProductKernels && (1...attentionKernelLimit).contains(g.keys)
                && (1...attentionKernelLimit).contains(g.headDimension)
        }

        /// C = A B^T: A `[m, k]`, B `[n, k]`, C `[m, n]` (n <= 64 with the kernels).
        @inline(__always)
        func abT(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                 c: UnsafeMutablePointer<Float>, ldc: Int) {
            guard kernels, let bT = scratch else {
                gemm(transposeA: false, transposeB: true, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c,
                     ldc: ldc, accumulate: false, options: gemmOptions)
                return
            }
            transpose(n, k, b, ldb, bT, n)   // B^T [k, n]
            product(m, n, k, a, lda, 1, bT, n, c, ldc)
        }

        /// C = A B: A `[m, k]`, B `[k, n]`, C `[m, n]` (n <= 64 with the kernels).
        @inline(__always)
        func ab(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                c: UnsafeMutablePointer<Float>, ldc: Int) {
            guard kernels else {
                gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c,
                     ldc: ldc, accumulate: false, options: gemmOptions)
                return
            }
            product(m, n, k, a, lda, 1, b, ldb, c, ldc)
        }

        /// C = A^T B: A `[k, m]`, B `[k, n]`, C `[m, n]` (n <= 64 with the kernels).
        @inline(__always)
        func aTb(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                 c: UnsafeMutablePointer<Float>, ldc: Int) {
            guard kernels else {
                gemm(transposeA: true, transposeB: false, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c,
                     ldc: ldc, accumulate: false, options: gemmOptions)
                return
            }
            product(m, n, k, a, 1, lda, b, ldb, c, ldc)
        }

        /// W = softmax(scale * A B^T + M) by rows: ``abT`` into `w` (`[m, n]`, contiguous) then ``softmaxRows``;
        /// with the kernels in one pass (each row's softmax applied in registers before it is stored).
        @inline(__always)
        func weights(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     into w: UnsafeMutablePointer<Float>, scale: Float, mask: UnsafePointer<Float>?, maskRowStride: Int) {
            guard kernels, let bT = scratch else {
                abT(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: w, ldc: n)
                softmaxRows(m, width: n, w, scale: scale, mask: mask, maskRowStride: maskRowStride)
                return
            }
            transpose(n, k, b, ldb, bT, n)   // B^T [k, n]
            if backend == .avx512 {
                ck_attention_scores_avx512(m, n, k, a, lda, bT, n, w, n, scale, mask, maskRowStride)
            } else {
                ck_attention_scores_avx2(m, n, k, a, lda, bT, n, w, n, scale, mask, maskRowStride)
            }
        }

        /// x_i = softmax(scale * x_i + m_i) for the `rows` rows of `width` (x_i at x + i * width), m_i at
        /// mask + i * maskRowStride: ``Kernels/scaledMaskedSoftmaxRow`` or its AVX-512 twin (width <= 64).
        @inline(__always)
        func softmaxRows(_ rows: Int, width: Int, _ x: UnsafeMutablePointer<Float>, scale: Float,
                         mask: UnsafePointer<Float>?, maskRowStride: Int) {
            guard kernels else {
                for row in 0..<rows {
                    scaledMaskedSoftmaxRow(x + row * width, scale: scale, mask: mask.map { $0 + row * maskRowStride },
                                           width: width, into: x + row * width, backend: backend)
                }
                return
            }
            if backend == .avx512 {
                ck_attention_softmax_avx512(rows, width, x, width, scale, mask, maskRowStride)
            } else {
                ck_attention_softmax_avx2(rows, width, x, width, scale, mask, maskRowStride)
            }
        }

        /// The softmax backward of ``softmaxRows`` in place on the `rows` rows of g (W's rows alike):
        /// g_i = scale * w_i * (g_i - sum_j g_ij w_ij).
        @inline(__always)
        func softmaxBackwardRows(_ rows: Int, width: Int, _ g: UnsafeMutablePointer<Float>, weights w: UnsafePointer<Float>,
                                 scale: Float) {
            guard kernels else {
                for row in 0..<rows {
                    softmaxBackwardRow(g + row * width, weights: w + row * width, scale: scale, width: width)
                }
                return
            }
            if backend == .avx512 {
                ck_attention_softmax_backward_avx512(rows, width, g, w, width, scale)
            } else {
                ck_attention_softmax_backward_avx2(rows, width, g, w, width, scale)
            }
        }

        /// The C product of the backend (`ck_attention_product_avx512` / `_avx2`, same contract).
        @inline(__always)
        private func product(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ rowStrideA: Int,
                             _ columnStrideA: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
                             _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
            if backend == .avx512 {
                ck_attention_product_avx512(m, n, k, a, rowStrideA, columnStrideA, b, ldb, c, ldc)
            } else {
                ck_attention_product_avx2(m, n, k, a, rowStrideA, columnStrideA, b, ldb, c, ldc)
            }
        }

        /// The C transpose of the backend (`ck_attention_transpose_avx512` / `_avx2`).
        @inline(__always)
        private func transpose(_ rows: Int, _ columns: Int, _ src: UnsafePointer<Float>, _ lds: Int,
                               _ dst: UnsafeMutablePointer<Float>, _ ldd: Int) {
            if backend == .avx512 {
                ck_attention_transpose_avx512(rows, columns, src, lds, dst, ldd)
            } else {
                ck_attention_transpose_avx2(rows, columns, src, lds, dst, ldd)
            }
        }
    }

    /// One GEMM per head product, single-threaded (the pairs are what is split over threads).
    static func attentionGEMMOptions(_ backend: KernelBackend) -> GEMMOptions {
        var options = GEMMOptions()
        options.backend = backend
        options.maximumThreads = 1
        return options
    }

    /// Forward, for every pair p = (b, h):
    ///
    ///     W_p = softmax(scale * Q_bh K_bh^T + M_bh)        [T, S]  -> weights + p * T * S
    ///     P'_p = dropout(W_p)                              (when `dropout` is given; else P' = W)
    ///     O_bh = P'_p V_bh                                 [T, D]  -> output columns of head h
    ///
    /// `weights` `[B, H, T, S]`; `output` `[B, T, C]`, every element written.
    static func attentionForward(_ g: AttentionOperands, dropout: AttentionDropout?,
                                 weights: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let threads = attentionThreads(work: g.pairs * g.forwardWork, pairs: g.pairs)
        let (t, s, d, c) = (g.queries, g.keys, g.headDimension, g.width)
        let backend = KernelBackend.current
        let kernels = AttentionProducts.useKernels(g, backend: backend)
        dropout?.keptBits.allocate(pairs: g.pairs, count: g.block)
        let out = SendablePointers(weights: weights, output: output)
        forEachPairShare(pairs: g.pairs, threads: threads) { pairs in
            let (weights, output) = (out.weights, out.output)
            // P' of the current pair (when dropout is on), then K^T for the kernels.
            let droppedCount = dropout == nil ? 0 : g.block
            let floats = droppedCount + (kernels ? s * d : 0)
            withUnsafeTemporaryAllocation(of: Float.self, capacity: floats) { scratch in
                let products = AttentionProducts(backend: backend, kernels: kernels, gemmOptions: attentionGEMMOptions(backend), scratch: kernels ? scratch.baseAddress! + droppedCount : nil)
                for p in pairs {
                    let w = weights + p * g.block
                    products.weights(m: t, n: s, k: d, a: g.q + g.queryOffset(p), lda: c, b: g.k + g.keyOffset(p),
                                     ldb: c, into: w, scale: g.scale, mask: g.maskRow(p, 0),
                                     maskRowStride: g.maskStrides.t)
                    var attended = UnsafePointer(w)
                    if let dropout {
                        let dropped = scratch.baseAddress!
                        dropout.apply(pair: p, count: g.block, weights: w, into: dropped, bits: dropout.keptBits.pair(p), backend: backend)
                        attended = UnsafePointer(dropped)
                    }
                    products.ab(m: t, n: d, k: s, a: attended, lda: s, b: g.v + g.keyOffset(p), ldb: c,
                                c: output + g.queryOffset(p), ldc: c)
                }
            }
        }
    }

    /// The gradients of one attention call: dO `[B, T, C]` in, dQ `[B, T, C]`, dK and dV `[B, S, C]` out
    /// (nil: not needed; every element of the others is written). For every pair p = (b, h):
    ///
    ///     dP' = dO_bh V_bh^T                      [T, S]
    ///     dV_bh = P'^T dO_bh                      [S, D]
    ///     dP = dP' * mask_p                       (dropout's backward; dP = dP' without dropout)
    ///     dZ = scale * W * (dP - rowsum(dP * W))  (softmax's backward, with the scale of the scores)
    ///     dQ_bh = dZ K_bh,  dK_bh = dZ^T Q_bh     [T, D], [S, D]
    ///
    /// `weights` is W `[B, H, T, S]`; `dropout` the forward's draw (P' and the mask are drawn again per pair).
    static func attentionBackward(_ g: AttentionOperands, outputGradient dO: UnsafePointer<Float>,
                                  weights: UnsafePointer<Float>, dropout: AttentionDropout?,
                                  dQ: UnsafeMutablePointer<Float>?,
                                  dK: UnsafeMutablePointer<Float>?, dV: UnsafeMutablePointer<Float>?) {
        let threads = attentionThreads(work: 2 * g.pairs * g.forwardWork, pairs: g.pairs)
        let (t, s, d, c) = (g.queries, g.keys, g.headDimension, g.width)
        let backend = KernelBackend.current
        let kernels = AttentionProducts.useKernels(g, backend: backend)
        let needScores = dQ != nil || dK != nil
        let io = SendableGradients(dO: dO, weights: weights, dQ: dQ, dK: dK, dV: dV)
        forEachPairShare(pairs: g.pairs, threads: threads) { pairs in
            let (dO, weights, dQ, dK, dV) = (io.dO, io.weights, io.dQ, io.dK, io.dV)
            // dP, then P' and the keep bits of the current pair (when dropout is on), then V^T for the kernels.
            let words = dropout == nil ? 0 : dropoutMaskWords(g.block)
            let blocks = (dropout == nil ? 1 : 2) * Swift.max(1, g.block)
            let floats = blocks + (kernels ? s * d : 0)
            withUnsafeTemporaryAllocation(of: Float.self, capacity: floats) { scratch in
                withUnsafeTemporaryAllocation(of: UInt16.self, capacity: words) { bitScratch in
                    let dP = scratch.baseAddress!
                    let dropped = dP + g.block
                    let products = AttentionProducts(backend: backend, kernels: kernels, gemmOptions: attentionGEMMOptions(backend), scratch: kernels ? dP + blocks : nil)
                    for p in pairs {
                        let (qOffset, kOffset) = (g.queryOffset(p), g.keyOffset(p))
                        let dOp = dO + qOffset
                        var attended = weights + p * g.block
                        // This pair's keep bits: the forward's, else (a forward that did not keep them) drawn again.
                        var kept = UnsafePointer(bitScratch.baseAddress)
                        if let dropout {
                            if let saved = dropout.keptBits.pair(p) {   // P' = W * mask
                                dropoutBackward(count: g.block, keep: dropout.keep, bits: saved, g: attended, dx: dropped,
                                                backend: backend)
                                kept = UnsafePointer(saved)
                            } else {
                                dropout.apply(pair: p, count: g.block, weights: attended, into: dropped,
                                              bits: bitScratch.baseAddress!, backend: backend)
                            }
                            attended = UnsafePointer(dropped)
                        }
                        if let dV {
                            products.aTb(m: s, n: d, k: t, a: attended, lda: s, b: dOp, ldb: c, c: dV + kOffset, ldc: c)
                        }
                        guard needScores else { continue }
                        products.abT(m: t, n: s, k: d, a: dOp, lda: c, b: g.v + kOffset, ldb: c, c: dP, ldc: s)
                        if let dropout {   // dropout's backward: dP = dP' * mask
                            dropoutBackward(count: g.block, keep: dropout.keep, bits: kept!, g: dP, dx: dP, backend: backend)
                        }
                        let w = weights + p * g.block
                        products.softmaxBackwardRows(t, width: s, dP, weights: w, scale: g.scale)
                        if let dQ {
                            products.ab(m: t, n: d, k: s, a: dP, lda: s, b: g.k + kOffset, ldb: c, c: dQ + qOffset, ldc: c)
                        }
                        if let dK {
                            products.aTb(m: s, n: d, k: t, a: dP, lda: s, b: g.q + qOffset, ldb: c, c: dK + kOffset, ldc: c)
                        }
                    }
                }
            }
        }
    }

    /// The output buffers of ``attentionForward``, handed to the workers (each writes its own blocks).
    struct SendablePointers: @unchecked Sendable {
        let weights: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>
    }

    /// The buffers of ``attentionBackward``, handed to the workers (each writes its own blocks).
    struct SendableGradients: @unchecked Sendable {
        let dO: UnsafePointer<Float>, weights: UnsafePointer<Float>
        let dQ: UnsafeMutablePointer<Float>?, dK: UnsafeMutablePointer<Float>?, dV: UnsafeMutablePointer<Float>?
    }

    /// In place on one row of `width`: g = scale * w * (g - sum_j g_j w_j).
    @inline(__always)
    static func softmaxBackwardRow(_ g: UnsafeMutablePointer<Float>, weights w: UnsafePointer<Float>,
                                   scale: Float, width: Int) {
        var lanes = SIMD8<Float>()
        var j = 0
        while j + 8 <= width {
            lanes += load8(g + j) * load8(w + j)
            j += 8
        }
        var dot = lanes.sum()
        while j < width {
            dot += g[j] * w[j]
            j += 1
        }
        for j in 0..<width { g[j] = scale * (w[j] * (g[j] - dot)) }
    }
}
