import CKernels
import Dispatch
import Foundation

/// The blocked GEMM driver (the Goto / BLIS scheme) around an MR x NR micro-kernel (6 x 16 for AVX2 and
/// the portable kernel, 12 x 32 for AVX-512).
///
/// For each block of `packedBCapacity` floats of B: B is packed into NR-column panels, zero-padded past n
/// (the transposes of B are resolved here); then, for each k block of `blockDepth` and each block of
/// `blockRows` rows of A (read in place, or packed into MR-row panels), every NR-column panel of B
/// (kc x NR floats, in L1 or L2) meets every MR-row panel of A (kept in L2) in one micro-kernel call.
/// The first k block stores into C, later ones (and all of them when accumulating) add to it.
/// The AVX-512 kernel can also read a row-major B in place (no packing) where that is faster (n or m
/// <= 64). Large problems split the tiles of C between threads, in chunks of rows of panels or of columns
/// of panels that the threads claim one by one (on the ``GEMMWorkerPool``, else Dispatch); split by rows,
/// the threads first pack one shared B together.
extension Kernels {
    // Block sizes. kc = 512: AVX-512's kc x 32 B panel (64 KiB) then outgrows Ice Lake's 48 KiB L1d and
    // streams from L2 (the AVX2 kernel's kc x 16 panel, 32 KiB, still fits a 32 KiB-or-larger L1d), but
    // C, beyond L2 at n = 1024, is read and written half as often. Measured on the 2-vCPU Ice Lake VM
    // under load (in-process, kc values alternated call by call, medians of ~15 calls, 1 thread):
    // 1024^3 68 -> 72 GFLOP/s, 1024 x 512 x 2048 71 -> 72, 512 x 8000 x 512 62 -> 66 against kc = 256;
    // 384 was in between; 128 and 192 were slower. 168 rows x 512 of A (336 KiB) stay in a 1.25 MiB L2.
    // Packed B is capped at 8 MiB, beyond that column blocks.
    static let defaultBlockDepth = 512
    static let defaultBlockRows = 168
    static let defaultPackedBCapacity = 1 << 21
    /// Threads splitting rows pack their shared B together from 2^19 packed floats (2 MiB, ~0.3 ms of
    /// packing: 1024 x 1024 B and larger); a smaller B is packed by the caller alone before the workers
    /// join. Packing together is one more job handed to the workers, so one more wait for a worker that
    /// another process may have preempted: from 2^16 already, medium's 2-thread training step measured
    /// ~6% slower (3 alternating runs, tokens/s 939 / 948 / 932 vs 1002 / 959 / 1104).
    static let defaultParallelPackingFloats = 1 << 19
    /// Multiply-adds a thread must get before a GEMM is split over a second one (2^20, ~20 us on one
    /// core): below it the hand-off to a ``GEMMWorkerPool`` worker (which spins 2 ms between jobs, so it
    /// joins within microseconds) costs more than the work saves. At 2^20 small's 2-thread training step
    /// measured 35.4 ms against 39.9 ms at 2^22 (medians of 3 alternating runs); docs/speed.md has how the
    /// threshold was found.
    static let defaultWorkPerThread = 1 << 20

    /// Whether this CPU can run the AVX2 + FMA kernels (``KernelBackend/avx2``).
    static var hasAVX2FMA: Bool { KernelBackend.avx2.isSupported }
    /// Whether this CPU can run the AVX-512 kernels (``KernelBackend/avx512``).
    static var hasAVX512: Bool { KernelBackend.avx512.isSupported }
    /// Cores available to the threaded paths (``ComputeThreads``).
    static var activeCores: Int { ComputeThreads.activeCores }

    /// The micro-kernels the driver can call; all share the contract of `ck_sgemm_6x16_avx2`.
    enum MicroKernel: Sendable {
        case portable, avx2, avx512

        /// Tile height (MR): rows of C per call.
        var rows: Int { self == .avx512 ? 12 : 6 }
        /// Tile width (NR): columns of C per call, and floats per step of a packed B panel.
        var columns: Int { self == .avx512 ? 32 : 16 }
    }

    /// One GEMM's arguments. Raw pointers that cross into `concurrentPerform` workers; workers write
    /// disjoint tiles of C.
    struct GEMMOperands: @unchecked Sendable {
        let transposeA: Bool, transposeB: Bool
        let m: Int, n: Int, k: Int
        let a: UnsafePointer<Float>, lda: Int
        let b: UnsafePointer<Float>, ldb: Int
        let c: UnsafeMutablePointer<Float>, ldc: Int
        let accumulate: Bool
    }

    /// How one GEMM is cut into blocks (derived from the shape and ``GEMMOptions``).
    struct BlockPlan: Sendable {
        let kernel: MicroKernel
        /// k extent of a block (balanced: k = 600 with depth 512 runs as 2 x 300, not 512 + 88).
        let depth: Int
        /// Row panels (of MR rows) of A per block.
        let blockRowPanels: Int
        /// Most floats of packed B held at once.
        let packedBCapacity: Int
        let packA: Bool
        /// Whether B is packed into panels, or read in place (AVX-512 kernel and B not transposed only).
        let packB: Bool
    }

    /// The k extent of a block for depth `k` (balanced: k = 600 with depth 512 runs as 2 x 300).
    @inline(__always)
    static func blockDepth(k: Int, options: GEMMOptions) -> Int {
        if k <= options.blockDepth { return k }   // (small problems skip two integer divisions: they
                                                  // showed in the profile of the tiny attention products)
        let kBlockCount = (k + options.blockDepth - 1) / max(options.blockDepth, 1)
        return (k + kBlockCount - 1) / kBlockCount
    }

    static func blockedGemm(_ g: GEMMOperands, kernel: MicroKernel, options: GEMMOptions, packedB: PackedMatrix? = nil) {
        let panelCount = (g.n + kernel.columns - 1) / kernel.columns
        let rowPanelCount = (g.m + kernel.rows - 1) / kernel.rows
        let depth = blockDepth(k: g.k, options: options)
        let prepacked = packedB.flatMap { $0.fits(g, kernel: kernel, depth: depth) ? $0 : nil }
        let plan = BlockPlan(kernel: kernel, depth: depth, blockRowPanels: max(1, options.blockRows / kernel.rows),
                             packedBCapacity: options.packedBCapacity,
                             packA: options.packA ?? shouldPackA(g),
                             packB: prepacked != nil || !canReadBInPlace(g, kernel: kernel)
                                 || (options.packB ?? shouldPackB(g)))
        let threads = threadCount(g, options: options, tiles: rowPanelCount * panelCount)
        /// Every worker reads the same B panels (packed once, or B itself).
        func computeShared(_ block: PanelBlock) {
            guard threads > 1 else {
                computeTiles(g, plan: plan, block: block, rowPanels: 0..<rowPanelCount, panels: 0..<panelCount)
                return
            }
            let splitRows = rowPanelCount >= panelCount
            let shared = SendableBlock(block: block)
            let chunks = ChunkQueue(splitRows ? 0..<rowPanelCount : 0..<panelCount, threads: threads,
                                    largest: splitRows ? plan.blockRowPanels : panelCount)
            parallel(threads) { _ in
                while let chunk = chunks.claim() {
                    computeTiles(g, plan: plan, block: shared.block, rowPanels: splitRows ? chunk : 0..<rowPanelCount,
                                 panels: splitRows ? 0..<panelCount : chunk)
                }
            }
        }
        if let prepacked {   // B packed once for all calls
            prepacked.withPanels { panels in
                computeShared(PanelBlock(panels: 0..<panelCount, width: kernel.columns, depth: depth, packedB: panels))
            }
            return
        }
        if !plan.packB {   // the kernel reads B's rows in place
            computeShared(PanelBlock(inPlace: g.b, ldb: g.ldb, panels: 0..<panelCount, width: kernel.columns,
                                     depth: depth))
            return
        }
        guard threads > 1 else {
            multiplyTiles(g, plan: plan, rowPanels: 0..<rowPanelCount, panels: 0..<panelCount)
            return
        }
        // Split the larger side of the tile grid into chunks of whole panels that the threads claim one
        // at a time (a thread that starts late takes fewer). Splitting rows (B must then fit one column
        // block), all of B is packed once into one buffer that every thread reads: the threads first pack
        // chunks of its panels (a job of its own, so every panel is packed when it returns), then
        // multiply. Splitting columns, each chunk packs only its own panels, into a buffer of its own.
        let width = kernel.columns
        let splitRows = rowPanelCount >= panelCount && panelCount * width * g.k <= plan.packedBCapacity
        guard splitRows else {
            let chunks = ChunkQueue(0..<panelCount, threads: threads, largest: panelCount)
            parallel(threads) { _ in
                while let chunk = chunks.claim() { multiplyTiles(g, plan: plan, rowPanels: 0..<rowPanelCount, panels: chunk) }
            }
            return
        }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: panelCount * width * g.k) { packedB in
            let shared = SendableBlock(block: PanelBlock(panels: 0..<panelCount, width: width, depth: plan.depth,
                                                         packedB: packedB.baseAddress!))
            if panelCount * width * g.k >= options.parallelPackingFloats {
                let packChunks = ChunkQueue(0..<panelCount, threads: threads, largest: panelCount)
                parallel(threads) { _ in
                    while let chunk = packChunks.claim() { packB(g, block: shared.block, panels: chunk) }
                }
            } else {   // a small B: the caller packs it (the workers join the multiplication right after)
                packB(g, block: shared.block)
            }
            computeShared(shared.block)
        }
    }

    /// Contiguous chunks of a range of panels, claimed one at a time by the threads of one GEMM: about four
    /// per thread (so that a thread starting late, or slowed by another process, is made up for), at most
    /// `largest` panels each.
    final class ChunkQueue: @unchecked Sendable {   // `next` is guarded by `lock`
        let range: Range<Int>
        let size: Int
        private let lock = NSLock()
        private var next: Int

        init(_ range: Range<Int>, threads: Int, largest: Int) {
            self.range = range
            size = max(1, min(largest, (range.count + 4 * threads - 1) / (4 * threads)))
            next = range.lowerBound
        }

        /// The next unclaimed chunk, or nil when all are claimed.
        func claim() -> Range<Int>? {
            lock.lock()
            defer { lock.unlock() }
            guard next < range.upperBound else { return nil }
            let chunk = next..<min(range.upperBound, next + size)
            next = chunk.upperBound
            return chunk
        }
    }

    /// C[rowPanels, panels] (in MR x NR tiles) = op(A) op(B) (+ C): packs B column block by column block
    /// into a buffer of its own, then runs the tiles.
    static func multiplyTiles(_ g: GEMMOperands, plan: BlockPlan, rowPanels: Range<Int>, panels: Range<Int>) {
        guard !rowPanels.isEmpty, !panels.isEmpty else { return }
        let width = plan.kernel.columns
        let panelsPerBlock = panels.count * width * g.k <= plan.packedBCapacity
            ? panels.count : max(1, plan.packedBCapacity / (g.k * width))
        withUnsafeTemporaryAllocation(of: Float.self, capacity: panelsPerBlock * width * g.k) { packedB in
            for firstPanel in stride(from: panels.lowerBound, to: panels.upperBound, by: panelsPerBlock) {
                let blockPanels = firstPanel..<min(panels.upperBound, firstPanel + panelsPerBlock)
                let block = PanelBlock(panels: blockPanels, width: width, depth: plan.depth,
                                       packedB: packedB.baseAddress!)
                packB(g, block: block)
                computeTiles(g, plan: plan, block: block, rowPanels: rowPanels, panels: blockPanels)
            }
        }
    }

    /// The packed B of one column block: for k block [p0, p0 + kc) and panel q, a kc x NR panel at
    /// `p0 * panels.count * NR + (q - panels.lowerBound) * kc * NR`, NR = `width`. Or (`inPlace`) B itself,
    /// row-major and not transposed: panel q of k block p0 starts at `B + p0 * ldb + q * NR`.
    struct PanelBlock {
        let panels: Range<Int>
        let width: Int
        let depth: Int
        let packedB: UnsafeMutablePointer<Float>
        /// Floats from one step p of a panel to the next: NR when packed, ldb in place.
        let stepStride: Int
        let inPlace: Bool

        init(panels: Range<Int>, width: Int, depth: Int, packedB: UnsafeMutablePointer<Float>) {
            (self.panels, self.width, self.depth, self.packedB) = (panels, width, depth, packedB)
            (stepStride, inPlace) = (width, false)
        }

        /// B read in place (never written through `packedB`).
        init(inPlace b: UnsafePointer<Float>, ldb: Int, panels: Range<Int>, width: Int, depth: Int) {
            (self.panels, self.width, self.depth, packedB) = (panels, width, depth, UnsafeMutablePointer(mutating: b))
            (stepStride, inPlace) = (ldb, true)
        }

        func panel(_ q: Int, depthStart p0: Int, depth kc: Int) -> UnsafeMutablePointer<Float> {
            inPlace ? packedB + p0 * stepStride + q * width
                : packedB + p0 * panels.count * width + (q - panels.lowerBound) * kc * width
        }
    }

    /// Threads for a problem: one per `workPerThread` multiply-adds, at most one per core and per tile.
    static func threadCount(_ g: GEMMOperands, options: GEMMOptions, tiles: Int) -> Int {
        let work = g.m * g.n * g.k
        guard work >= 2 * options.workPerThread else { return 1 }
        return ComputeThreads.count(work: work, workPerThread: options.workPerThread, pieces: tiles,
                                    maximum: options.maximumThreads ?? ComputeThreads.activeCores)
    }

    /// Packing A costs a copy of A per column block (a cheap one since the copies run in SIMD registers)
    /// and pays off when enough column panels reuse it: measured on the 2-vCPU Ice Lake VM, at n >= 256
    /// (e.g. 2048 x 256 x 256 A B 92 -> 102 GFLOP/s, 1024 x 512 x 2048 A B 75 -> 88), while at n = 64
    /// reading A in place stayed ~10% faster. A^T read in place steps by lda floats per k step, i.e. one
    /// page per step once lda >= 1024: there packing pays even at n = 64 (1024 x 64 x 64 A^T B 92 -> 108;
    /// 1024 x 512 x 2048 A^T B 60 -> 86), while at lda = 64 ... 256 and n = 64 in place stayed faster.
    static func shouldPackA(_ g: GEMMOperands) -> Bool {
        g.n >= 256 || (g.transposeA && g.lda >= 512)
    }

    /// Whether the kernel can read B in place: only the AVX-512 kernel takes a row stride for B, and only
    /// a non-transposed B has its panel rows contiguous.
    static func canReadBInPlace(_ g: GEMMOperands, kernel: MicroKernel) -> Bool {
        kernel == .avx512 && !g.transposeB
    }

    /// Reading B in place saves packing B (k x n floats copied for m x n x k multiply-adds, so it matters
    /// when m is small) but its panel rows lie ldb floats apart, which crowds a few L1 sets when ldb is
    /// large: measured, in place was faster for n = 64 or m = 64 (1024 x 64 x 64 A^T B 108 -> 118,
    /// 64 x 256 x 1024 A^T B 81 -> 95 GFLOP/s) and slower for wide B (2048 x 1024 x 256 A B 57 -> 39).
    static func shouldPackB(_ g: GEMMOperands) -> Bool {
        !(g.n <= 64 || g.m <= 64)
    }

    /// The packed panels of a shared ``PackedMatrix``, read (never written) by every worker.
    struct SendableBlock: @unchecked Sendable {
        let block: PanelBlock
    }

    /// Multiplies rows `rowPanels` (in MR-row panels) of op(A) by the panels `panels` (a sub-range of
    /// `block.panels`) of the packed B of `block` into C, k block by k block.
    static func computeTiles(_ g: GEMMOperands, plan: BlockPlan, block: PanelBlock, rowPanels: Range<Int>,
                             panels: Range<Int>) {
        let kernel = plan.kernel, packA = plan.packA, blockRowPanels = plan.blockRowPanels
        let (tileRows, tileColumns) = (kernel.rows, kernel.columns)
        let capacity = packA ? min(blockRowPanels, rowPanels.count) * tileRows * block.depth : 0
        withUnsafeTemporaryAllocation(of: Float.self, capacity: capacity) { packedA in
            for p0 in stride(from: 0, to: g.k, by: block.depth) {
                let kc = min(block.depth, g.k - p0)
                let add = g.accumulate || p0 > 0
                for firstRowPanel in stride(from: rowPanels.lowerBound, to: rowPanels.upperBound, by: blockRowPanels) {
                    let rowBlock = firstRowPanel..<min(rowPanels.upperBound, firstRowPanel + blockRowPanels)
                    if packA {
                        packRowsOfA(g, rowPanels: rowBlock, height: tileRows, depthStart: p0, depth: kc,
                                    into: packedA.baseAddress!)
                    }
                    for q in panels {
                        let bPanel = UnsafePointer(block.panel(q, depthStart: p0, depth: kc))
                        let j = q * tileColumns
                        let columns = min(tileColumns, g.n - j)
                        for rowPanel in rowBlock {
                            let i = rowPanel * tileRows
                            let rows = min(tileRows, g.m - i)
                            let a: UnsafePointer<Float>, rowStride: Int, columnStride: Int
                            if packA {
                                let panel = (rowPanel - rowBlock.lowerBound) * tileRows * kc
                                a = UnsafePointer(packedA.baseAddress! + panel)
                                (rowStride, columnStride) = (1, tileRows)
                            } else if g.transposeA {   // op(A)[i, p] = A[p, i]
                                a = g.a + p0 * g.lda + i
                                (rowStride, columnStride) = (1, g.lda)
                            } else {
                                a = g.a + i * g.lda + p0
                                (rowStride, columnStride) = (g.lda, 1)
                            }
                            let c = g.c + i * g.ldc + j
                            switch kernel {
                            case .avx2:
                                ck_sgemm_6x16_avx2(kc, a, rowStride, columnStride, bPanel, c, g.ldc, rows, columns,
                                                   add ? 1 : 0)
                            case .avx512:
                                ck_sgemm_12x32_avx512(kc, a, rowStride, columnStride, bPanel, block.stepStride, c,
                                                      g.ldc, rows, columns, add ? 1 : 0)
                            case .portable:
                                portableMicroKernel(depth: kc, a: a, rowStrideA: rowStride, columnStrideA: columnStride,
                                                    b: bPanel, c: c, ldc: g.ldc, rows: rows, columns: columns,
                                                    accumulate: add)
                            }
                        }
                    }
                }
            }
        }
    }
}
