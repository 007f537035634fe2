import Foundation
import Testing
@testable import TransformerCore

/// Kernels.gemm against the triple-loop oracle Kernels.referenceGemm, for every micro-kernel this CPU can
/// run (AVX-512 and AVX2 + FMA in C, and the portable Swift one), all four transpose combinations, sizes
/// around every tile and block edge, padded strides, accumulation, non-finite values and the threaded
/// path. Tolerance: ``GEMMTolerance``.
@Suite struct GEMMTests {
    /// Small blocks so that modest sizes cross k-block, row-block and column-block edges.
    static func smallBlocks(_ implementation: GEMMImplementation, packA: Bool? = nil, packB: Bool? = nil) -> GEMMOptions {
        var options = GEMMOptions()
        options.implementation = implementation
        options.blockDepth = 7            // k = 20 runs as 3 blocks of 7, 7, 6
        options.blockRows = 12            // 2 tile rows (1 of AVX-512's) per row block
        options.packedBCapacity = 16 * 40 // 2 16-column panels (1 32-column one) per packed block at k = 20
        options.packA = packA
        options.packB = packB
        options.maximumThreads = 1
        return options
    }

    static func options(_ implementation: GEMMImplementation, packA: Bool? = nil, packB: Bool? = nil) -> GEMMOptions {
        var options = GEMMOptions()
        options.implementation = implementation
        options.packA = packA
        options.packB = packB
        return options
    }

    /// The ways B can reach `implementation`'s kernel: packed, and (AVX-512 only; the driver packs a
    /// transposed B anyway) read in place.
    static func packBChoices(_ implementation: GEMMImplementation) -> [Bool] {
        implementation == .avx512 ? [true, false] : [true]
    }

    @Test func handExample() {
        // [[1, 2], [3, 4]] x [[5, 6], [7, 8]] = [[19, 22], [43, 50]]; the oracle itself is checked here.
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [5, 6, 7, 8]
        #expect(Kernels.referenceGemm(transposeA: false, transposeB: false, m: 2, n: 2, k: 2, a: a, b: b)
                == [19, 22, 43, 50])
        // A^T B with A^T = [[1, 3], [2, 4]].
        #expect(Kernels.referenceGemm(transposeA: true, transposeB: false, m: 2, n: 2, k: 2, a: a, b: b)
                == [26, 30, 38, 44])
        for implementation in GEMMImplementation.testable + [.automatic] {
            var c = [Float](repeating: 9, count: 4)
            a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in c.withUnsafeMutableBufferPointer { c in
                Kernels.gemm(transposeA: false, transposeB: true, m: 2, n: 2, k: 2, a: a.baseAddress!, lda: 2,
                             b: b.baseAddress!, ldb: 2, c: c.baseAddress!, ldc: 2, accumulate: false,
                             options: Self.options(implementation))
            } } }
            // A B^T = [[1*5 + 2*6, 1*7 + 2*8], [3*5 + 4*6, 3*7 + 4*8]]: small integers, exact in any order.
            #expect(c == [17, 23, 39, 53], "\(implementation)")
        }
    }

    /// Every tile edge: m around the 6- and 12-row tiles, n around the 16- and 32-column tiles, k around
    /// the 2- and 4-step unrolls; every kernel, A and B packed or read in place, against one reference each.
    @Test(arguments: GEMMLayout.all)
    func tileEdges(layout: GEMMLayout) {
        var seed: UInt64 = 1000
        for m in [1, 5, 6, 7, 11, 12, 13, 25] { for n in [1, 15, 16, 17, 31, 32, 33] { for k in [1, 3, 4, 9] {
            let fixture = GEMMFixture(layout, m: m, n: n, k: k, padding: (m + n + k) % 3, seed: seed)
            let accumulate = seed % 2 == 0
            let expected = fixture.expectation(accumulate: accumulate)
            for implementation in GEMMImplementation.testable { for packA in [false, true] {
                for packB in Self.packBChoices(implementation) {
                    fixture.check(accumulate: accumulate, options: Self.options(implementation, packA: packA, packB: packB),
                                  expected: expected)
                }
            } }
            seed += 3
        } } }
    }

    /// Block edges with shrunken blocks: several k blocks (with C stored, then added to), row blocks and
    /// packed-B column blocks, A and B packed or read in place, accumulating or not, strides padded.
    @Test(arguments: GEMMLayout.all)
    func blockEdges(layout: GEMMLayout) {
        var seed: UInt64 = 2000
        for (m, n, k) in [(13, 33, 20), (25, 47, 14), (30, 65, 21), (7, 95, 8), (97, 17, 15)] {
            for accumulate in [false, true] {
                let fixture = GEMMFixture(layout, m: m, n: n, k: k, padding: 3, seed: seed)
                let expected = fixture.expectation(accumulate: accumulate)
                for implementation in GEMMImplementation.testable { for packA in [false, true] {
                    for packB in Self.packBChoices(implementation) {
                        fixture.check(accumulate: accumulate,
                                      options: Self.smallBlocks(implementation, packA: packA, packB: packB),
                                      expected: expected)
                    }
                } }
                seed += 3
            }
        }
    }

    /// The default blocks' own edges: k just past one 512-deep block (and past 256), m past one 168-row
    /// block, n past whole 32-column panels (B packed row by row across them, then the edge panel).
    @Test(arguments: [(GEMMLayout.all[0], 169, 17, 257), (GEMMLayout.all[3], 33, 130, 257),
                      (GEMMLayout.all[1], 175, 33, 95), (GEMMLayout.all[2], 97, 16, 300),
                      (GEMMLayout.all[0], 25, 70, 513), (GEMMLayout.all[2], 13, 97, 515)])
    func defaultBlockEdges(layout: GEMMLayout, m: Int, n: Int, k: Int) {
        let fixture = GEMMFixture(layout, m: m, n: n, k: k, padding: 1, seed: UInt64(3000 + m))
        let expected = fixture.expectation(accumulate: m % 2 == 1)
        for implementation in GEMMImplementation.testable {
            fixture.check(accumulate: m % 2 == 1, options: Self.options(implementation), expected: expected)
        }
    }

    /// The threaded path, forced at small sizes: split by rows (m > n; B packed once, its panels shared
    /// out between the threads, then read by all) and by columns (n > m), in chunks claimed by 2 threads
    /// (the worker pool's, or Dispatch's when another test holds the pool) and 3 (more than this machine's
    /// pool has: Dispatch). The last shape has several whole B panels and an edge one, in one packed block
    /// that the threads pack together (the others' B is packed by the caller alone).
    @Test(arguments: GEMMImplementation.testable, GEMMLayout.all)
    func threadedPath(implementation: GEMMImplementation, layout: GEMMLayout) {
        var seed: UInt64 = 4000
        for (m, n, k) in [(61, 20, 9), (13, 100, 11), (150, 70, 9)] { for threads in [2, 3] {
            for packB in Self.packBChoices(implementation) {
                var options = Self.smallBlocks(implementation, packB: packB)
                options.maximumThreads = threads
                options.workPerThread = 1
                if m == 150 {   // all of B (up to 3 x 32 columns) at once, packed by the threads together
                    options.packedBCapacity = 96 * k
                    options.parallelPackingFloats = 0
                }
                let fixture = GEMMFixture(layout, m: m, n: n, k: k, padding: 2, seed: seed)
                fixture.check(accumulate: threads == 3, options: options)
            }
            seed += 3
        } }
    }

    /// The worker pool runs index 0 on the calling thread, and every other index at most once, on a worker
    /// thread, job after job; it declines jobs wider than itself. (Other tests' GEMMs may hold it: then
    /// `run` returns false and is retried. Whether a worker joins in time depends on the load.)
    @Test func workerPoolRunsIndicesAtMostOnce() throws {
        guard #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *), let pool = GEMMWorkerPool.shared else { return }
        #expect(!pool.run(pool.workers + 2) { _ in })
        let threads = pool.workers + 1
        for job in 0..<20 {
            let record = ThreadRecord(count: threads)
            let caller = pthread_self()
            var ran = false
            for _ in 0..<10_000 where !ran {
                ran = pool.run(threads) { index in
                    record.mark(index, onCaller: pthread_equal(pthread_self(), caller) != 0)
                    if index == 0 { usleep(200) }   // time for a spinning worker to join
                }
                if !ran { usleep(100) }
            }
            #expect(ran, "job \(job): the pool stayed busy")
            #expect(record.counts[0] == 1 && record.onCaller[0], "job \(job)")
            for index in 1..<threads {
                #expect(record.counts[index] <= 1 && !record.onCaller[index], "job \(job): \(record.counts)")
            }
        }
    }

    /// Which indices of a pool job ran, how often, and on which thread.
    final class ThreadRecord: @unchecked Sendable {   // guarded by `lock`
        private let lock = NSLock()
        private(set) var counts: [Int]
        private(set) var onCaller: [Bool]
        init(count: Int) { counts = [Int](repeating: 0, count: count); onCaller = [Bool](repeating: false, count: count) }
        func mark(_ index: Int, onCaller caller: Bool) {
            lock.lock(); defer { lock.unlock() }
            counts[index] += 1
            onCaller[index] = caller
        }
    }

    /// The threaded path at the default threshold, through the plain entry point. Splitting the tiles
    /// between threads changes no tile's arithmetic, so the result must equal the one-thread result bit
    /// for bit (which the tests above compare with the reference; doing that here at 8M multiply-adds
    /// would take seconds in a debug build).
    @Test(arguments: GEMMLayout.all)
    func defaultThreadedPath(layout: GEMMLayout) {
        let (m, n, k) = (203, 161, 257)   // ragged in every tile size and past one k block; 8.4M multiply-adds
        #expect(m * n * k >= 2 * Kernels.defaultWorkPerThread, "large enough for two threads by default")
        let fixture = GEMMFixture(layout, m: m, n: n, k: k, padding: 1, seed: 4100)
        var oneThread = GEMMOptions()
        oneThread.maximumThreads = 1
        let threaded = fixture.run(accumulate: true, options: nil)
        let serial = fixture.run(accumulate: true, options: oneThread)
        #expect(threaded == serial, "\(layout): threaded and one-thread results differ")
        #expect(threaded[n] == GEMMFixture.sentinel, "padding of row 0 was written")
    }

    @Test(arguments: GEMMLayout.all)
    func leadingDimensionsLargerThanTheMatrix(layout: GEMMLayout) {
        // Sub-matrices of wider buffers through the plain entry point: only C's first n columns written.
        GEMMFixture(layout, m: 5, n: 4, k: 3, padding: 2, seed: 400).check(accumulate: false, options: nil)
        GEMMFixture(layout, m: 33, n: 17, k: 19, padding: 5, seed: 403).check(accumulate: true, options: nil)
    }

    @Test(arguments: GEMMImplementation.testable)
    func emptyDimensions(implementation: GEMMImplementation) {
        let options = Self.options(implementation)
        let a: [Float] = [0], b: [Float] = [0]
        var c: [Float] = [1, 2, 3, 4, 5, 6]
        func run(m: Int, n: Int, k: Int, accumulate: Bool) {
            a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in c.withUnsafeMutableBufferPointer { c in
                Kernels.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, a: a.baseAddress!, lda: 0,
                             b: b.baseAddress!, ldb: 3, c: c.baseAddress!, ldc: 3, accumulate: accumulate,
                             options: options)
            } } }
        }
        // k = 0: C = 0 (or unchanged when accumulating); m = 0 or n = 0: nothing to write.
        run(m: 2, n: 3, k: 0, accumulate: true)
        #expect(c == [1, 2, 3, 4, 5, 6])
        run(m: 0, n: 3, k: 2, accumulate: false)
        run(m: 2, n: 0, k: 2, accumulate: false)
        #expect(c == [1, 2, 3, 4, 5, 6])
        run(m: 2, n: 3, k: 0, accumulate: false)
        #expect(c == [0, 0, 0, 0, 0, 0])
    }

    /// No zero is skipped: 0 * Inf and NaN reach C exactly where the reference puts them, in every tile
    /// position (first and last row and column of tiles, edge tiles) and with A packed or in place.
    @Test(arguments: GEMMImplementation.testable, GEMMLayout.all)
    func nonFiniteValuesPropagate(implementation: GEMMImplementation, layout: GEMMLayout) {
        let (m, n, k) = (13, 19, 6)
        for packA in [false, true] { for packB in Self.packBChoices(implementation) {
            var fixture = GEMMFixture(layout, m: m, n: n, k: k, padding: 1, seed: 500)
            func setA(_ i: Int, _ p: Int, _ value: Float) {
                fixture.a[layout.transposeA ? p * fixture.lda + i : i * fixture.lda + p] = value
            }
            func setB(_ p: Int, _ j: Int, _ value: Float) {
                fixture.b[layout.transposeB ? j * fixture.ldb + p : p * fixture.ldb + j] = value
            }
            for p in 0..<k { setA(5, p, 0) }   // row 5 of A is zero ...
            setB(2, 16, .infinity)             // ... and meets an infinity: C[5, 16] = 0 * Inf + ... = NaN
            setA(12, 3, .nan)                  // a NaN in the edge row: row 12 of C is all NaN
            setB(4, 0, -.infinity)             // column 0 of C is -Inf or NaN (or +-Inf where it meets NaN)
            let actual = fixture.run(accumulate: false,
                                     options: Self.options(implementation, packA: packA, packB: packB))
            let reference = Kernels.referenceGemm(transposeA: layout.transposeA, transposeB: layout.transposeB,
                                                  m: m, n: n, k: k, a: fixture.packedA, b: fixture.packedB)
            #expect(actual[5 * fixture.ldc + 16].isNaN && actual[12 * fixture.ldc + 7].isNaN)
            var mismatches: [String] = []
            for i in 0..<m { for j in 0..<n {
                let (value, expected) = (actual[i * fixture.ldc + j], reference[i * n + j])
                let same = expected.isNaN ? value.isNaN : expected.isInfinite ? value == expected : value.isFinite
                if !same { mismatches.append("C[\(i), \(j)] = \(value), expected \(expected)") }
            } }
            #expect(mismatches.isEmpty,
                    "\(implementation) \(layout) packA \(packA) packB \(packB): \(mismatches.prefix(5))")
        } }
    }

    /// A transformer-like shape (96 rows of d_model 64) through the plain entry point.
    @Test(arguments: GEMMLayout.all)
    func transformerShape(layout: GEMMLayout) {
        GEMMFixture(layout, m: 96, n: 64, k: 64, padding: 0, seed: 600).check(accumulate: false, options: nil)
    }
}
