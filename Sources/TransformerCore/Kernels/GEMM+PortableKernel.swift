/// The portable micro-kernel: the same contract as the C kernel `ck_sgemm_6x16_avx2`, in Swift SIMD.
extension Kernels {
    /// One 6 x 16 tile of C += A B (C = A B unless `accumulate`) over `depth` steps.
    ///
    /// A's element (i, p) is `a[i * rowStrideA + p * columnStrideA]`, read only for i < `rows` (a missing
    /// row reuses the last one and is never stored); B is a packed panel of 16 floats per step; only the
    /// top-left `rows` x `columns` of C (row stride `ldc`) are written. Used when the CPU lacks AVX2/FMA
    /// (and on arm64), and by tests as a second oracle.
    ///
    /// The tile runs as two 6 x 8 halves: 6 x 16 accumulators need 24 SSE registers and spilled on
    /// baseline x86-64 (16 registers), 6 x 8 need 12. Written as `x * b + c`, not `.addingProduct`: on
    /// baseline x86-64 the latter becomes one `fmaf` call per lane, while the former vectorizes.
    static func portableMicroKernel(depth: Int, a: UnsafePointer<Float>, rowStrideA: Int, columnStrideA: Int,
                                    b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
                                    rows: Int, columns: Int, accumulate: Bool) {
        portableHalfTile(depth: depth, a: a, rowStrideA: rowStrideA, columnStrideA: columnStrideA, b: b, c: c,
                         ldc: ldc, rows: rows, columns: min(columns, 8), accumulate: accumulate)
        if columns > 8 {
            portableHalfTile(depth: depth, a: a, rowStrideA: rowStrideA, columnStrideA: columnStrideA, b: b + 8,
                             c: c + 8, ldc: ldc, rows: rows, columns: columns - 8, accumulate: accumulate)
        }
    }

    /// Columns 0..<8 of the tile (B's panel still has 16 floats per step).
    @inline(__always)
    private static func portableHalfTile(depth: Int, a: UnsafePointer<Float>, rowStrideA: Int, columnStrideA: Int,
                                         b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
                                         rows: Int, columns: Int, accumulate: Bool) {
        typealias Row = SIMD8<Float>
        let a0 = a
        let a1 = a + min(1, rows - 1) * rowStrideA
        let a2 = a + min(2, rows - 1) * rowStrideA
        let a3 = a + min(3, rows - 1) * rowStrideA
        let a4 = a + min(4, rows - 1) * rowStrideA
        let a5 = a + min(5, rows - 1) * rowStrideA
        var c0 = Row(), c1 = Row(), c2 = Row(), c3 = Row(), c4 = Row(), c5 = Row()
        let bRaw = UnsafeRawPointer(b)
        var offset = 0
        for p in 0..<depth {
            let bRow = bRaw.loadUnaligned(fromByteOffset: p * 16 * MemoryLayout<Float>.stride, as: Row.self)
            c0 = Row(repeating: a0[offset]) * bRow + c0
            c1 = Row(repeating: a1[offset]) * bRow + c1
            c2 = Row(repeating: a2[offset]) * bRow + c2
            c3 = Row(repeating: a3[offset]) * bRow + c3
            c4 = Row(repeating: a4[offset]) * bRow + c4
            c5 = Row(repeating: a5[offset]) * bRow + c5
            offset += columnStrideA
        }
        let sums = (c0, c1, c2, c3, c4, c5)
        withUnsafeBytes(of: sums) { tile in
            if columns == 8 {
                for i in 0..<rows {
                    let target = UnsafeMutableRawPointer(c + i * ldc)
                    var row = tile.load(fromByteOffset: i * MemoryLayout<Row>.stride, as: Row.self)
                    if accumulate { row = target.loadUnaligned(as: Row.self) + row }
                    target.storeBytes(of: row, as: Row.self)
                }
                return
            }
            let values = tile.assumingMemoryBound(to: Float.self)
            for i in 0..<rows {
                let target = c + i * ldc
                for j in 0..<columns {
                    let value = values[i * 8 + j]
                    target[j] = accumulate ? target[j] + value : value
                }
            }
        }
    }
}
