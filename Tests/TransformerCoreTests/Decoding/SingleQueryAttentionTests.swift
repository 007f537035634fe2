import Testing
@testable import TransformerCore

/// The decoding step's attention kernels: threaded against one thread, and the weighted sum of value
/// rows against its plain loop.
@Suite struct SingleQueryAttentionTests {
    /// The (row, head) pairs split over two threads give the same floats as one thread (each pair is
    /// computed by the same code either way), and one query row equals the full attention's row.
    @Test func threadedPairsEqualOneThreadAndTheComposedAttention() {
        let (rows, heads, d, keys) = (3, 4, 8, 6)
        let q = randomTensor([rows, heads, 1, d], seed: 1), k = randomTensor([rows, heads, keys, d], seed: 2)
        let v = randomTensor([rows, heads, keys, d], seed: 3)
        let mask = AttentionMask.keyPadding([[3, 4, 5, 0, 0, 0], [3, 4, 5, 6, 7, 8], [3, 0, 0, 0, 0, 0]], paddingIndex: 0)
        func run() -> [Float] {
            singleQueryAttention(queries: q.scalars, rowCount: rows, headCount: heads, headDimension: d,
                                 keys: k.scalars, values: v.scalars, keyCount: keys, keyStride: d,
                                 keyOffset: { r, h in (r * heads + h) * keys * d }, mask: mask.scalars,
                                 maskOffset: { r, _ in r * keys })
        }
        let single = ComputeThreads.$limit.withValue(1) { run() }
        let threaded = ComputeThreads.$limit.withValue(2) { Kernels.$singleQueryWorkPerThread.withValue(1) { run() } }
        #expect(single == threaded)
        let (expected, _) = scaledDotProductAttention(query: q, key: k, value: v, mask: mask)
        expectClose(single, expected.scalars, tolerance: Tolerance.exact * 10)
    }

    @Test(arguments: [1, 8, 37, 64, 96])
    func weightedSumOfRowsMatchesThePlainLoop(width: Int) {
        let (count, stride) = (5, width + 3)
        let rows = randomTensor([count * stride], seed: UInt64(width)).scalars
        let weights = randomTensor([count], seed: 7).scalars
        var expected = [Float](repeating: 0, count: width)
        for p in 0..<width { for j in 0..<count { expected[p] += weights[j] * rows[j * stride + p] } }
        let actual = Kernels.uninitializedArray(width) { out in
            rows.withUnsafeBufferPointer { r in weights.withUnsafeBufferPointer { w in
                Kernels.weightedSumOfRows(w.baseAddress!, rows: r.baseAddress!, count: count, stride: stride,
                                          width: width, into: out)
            } }
        }
        expectClose(actual, expected, tolerance: Tolerance.exact)
    }
}

extension SingleQueryAttentionTests {
    @Test(arguments: [1, 8, 13, 32])
    func dotsWithRowsMatchThePlainLoop(width: Int) {
        for count in [0, 3, 4, 9] {
            let stride = width + 2
            let rows = randomTensor([Swift.max(1, count * stride)], seed: UInt64(width)).scalars
            let x = randomTensor([width], seed: 5).scalars
            let expected = (0..<count).map { j in (0..<width).reduce(Float(0)) { $0 + x[$1] * rows[j * stride + $1] } }
            var actual = [Float](repeating: 0, count: count)
            rows.withUnsafeBufferPointer { r in x.withUnsafeBufferPointer { x in actual.withUnsafeMutableBufferPointer { a in
                if count > 0 {
                    Kernels.dotsWithRows(x.baseAddress!, rows: r.baseAddress!, count: count, stride: stride, width: width,
                                         into: a.baseAddress!)
                }
            } } }
            expectClose(actual, expected, tolerance: Tolerance.exact * 10)
        }
    }
}
