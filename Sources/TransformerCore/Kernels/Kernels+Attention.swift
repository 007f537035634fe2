/// Attention for one query vector over keys and values read in place (the decoder's key/value cache).
extension Kernels {
    /// out[0..<d] = sum_j w_j V_j with w = softmax(scale * (q . K_j) + mask_j) over `keyCount` keys;
    /// key j's K_j and V_j are d floats at `j * keyStride` from `keys` / `values`; `mask` (nil: none)
    /// holds keyCount additive entries (0 or -inf). `scratch` holds 2 * keyCount floats.
    /// Dot products run in 8-float chunks, so sums are reassociated: results equal a GEMM's to rounding.
    /// Keys go four at a time (``dotsWithRows``).
    /// Every product is computed (no skipping of zero weights), so NaN and Inf propagate.
    static func singleQueryAttention(query: UnsafePointer<Float>, keys: UnsafePointer<Float>,
                                     values: UnsafePointer<Float>, keyCount: Int, keyStride: Int, d: Int,
                                     scale: Float, mask: UnsafePointer<Float>?, scratch: UnsafeMutablePointer<Float>,
                                     into out: UnsafeMutablePointer<Float>, backend: KernelBackend) {
        let (dots, weights) = (scratch, scratch + keyCount)
        dotsWithRows(query, rows: keys, count: keyCount, stride: keyStride, width: d, into: dots)
        scaledMaskedSoftmaxRow(dots, scale: scale, mask: mask, width: keyCount, into: weights, backend: backend)
        weightedSumOfRows(weights, rows: values, count: keyCount, stride: keyStride, width: d, into: out)
    }

    /// dots[j] = x . K_j for `count` rows K_j of `width` floats at `j * stride` from `rows`: four rows at a
    /// time (four independent 8-lane sums sharing each load of x), then one at a time with ``dot``.
    @inline(__always)
    static func dotsWithRows(_ x: UnsafePointer<Float>, rows: UnsafePointer<Float>, count: Int, stride: Int,
                             width: Int, into dots: UnsafeMutablePointer<Float>) {
        var j = 0
        while j + 4 <= count {
            let (k0, k1, k2, k3) = (rows + j * stride, rows + (j + 1) * stride, rows + (j + 2) * stride,
                                    rows + (j + 3) * stride)
            var (s0, s1, s2, s3) = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
            var p = 0
            while p + 8 <= width {
                let xv = load8(x + p)
                s0 += xv * load8(k0 + p)
                s1 += xv * load8(k1 + p)
                s2 += xv * load8(k2 + p)
                s3 += xv * load8(k3 + p)
                p += 8
            }
            var (t0, t1, t2, t3) = (horizontalSum(s0), horizontalSum(s1), horizontalSum(s2), horizontalSum(s3))
            while p < width {
                t0 += x[p] * k0[p]
                t1 += x[p] * k1[p]
                t2 += x[p] * k2[p]
                t3 += x[p] * k3[p]
                p += 1
            }
            (dots[j], dots[j + 1], dots[j + 2], dots[j + 3]) = (t0, t1, t2, t3)
            j += 4
        }
        while j < count {
            dots[j] = dot(x, rows + j * stride, count: width)
            j += 1
        }
    }

    /// out[0..<width] = sum_j w_j V_j over `count` rows V_j of `width` floats at `j * stride` from `rows`.
    /// Columns go in blocks of 32 (four 8-lane sums kept in registers across the rows: four independent
    /// chains of adds, where one 8-lane sum per pass waited on each add), then 8, then one at a time.
    @inline(__always)
    static func weightedSumOfRows(_ weights: UnsafePointer<Float>, rows: UnsafePointer<Float>, count: Int,
                                  stride: Int, width: Int, into out: UnsafeMutablePointer<Float>) {
        var p = 0
        while p + 32 <= width {
            var (a0, a1, a2, a3) = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
            for j in 0..<count {
                let w = SIMD8<Float>(repeating: weights[j])
                let row = rows + j * stride + p
                a0 += w * load8(row)
                a1 += w * load8(row + 8)
                a2 += w * load8(row + 16)
                a3 += w * load8(row + 24)
            }
            store8(a0, out + p)
            store8(a1, out + p + 8)
            store8(a2, out + p + 16)
            store8(a3, out + p + 24)
            p += 32
        }
        while p + 8 <= width {
            var lanes = SIMD8<Float>()
            for j in 0..<count { lanes += SIMD8(repeating: weights[j]) * load8(rows + j * stride + p) }
            store8(lanes, out + p)
            p += 8
        }
        while p < width {
            var total: Float = 0
            for j in 0..<count { total += weights[j] * rows[j * stride + p] }
            out[p] = total
            p += 1
        }
    }

    /// sum_p x[p] y[p], in 8-lane partial sums then a scalar tail.
    @inline(__always)
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD8<Float>()
        var p = 0
        let (rx, ry) = (UnsafeRawPointer(x), UnsafeRawPointer(y))
        while p + 8 <= count {
            let offset = p * MemoryLayout<Float>.stride
            lanes += rx.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                * ry.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            p += 8
        }
        var total = horizontalSum(lanes)
        while p < count {
            total += x[p] * y[p]
            p += 1
        }
        return total
    }
}

extension Kernels {
    /// Multiply-adds a thread must get before the (row, head) pairs of a decoding step's attention are
    /// split over a second thread. Lower than ``attentionWorkPerThread``: these loops are Swift SIMD
    /// (SSE), several times slower per multiply-add than the GEMM micro-kernels.
    @TaskLocal static var singleQueryWorkPerThread = 1 << 17

    static func singleQueryThreads(work: Int, pairs: Int) -> Int {
        ComputeThreads.count(work: work, workPerThread: singleQueryWorkPerThread, pieces: pairs)
    }

    /// The operands of one ``singleQueryAttention(queries:rowCount:headCount:headDimension:keys:values:keyCount:keyStride:keyOffset:mask:maskOffset:)``
    /// call, shared by the workers (each writes the outputs of its own pairs).
    struct SingleQueryOperands: @unchecked Sendable {
        let q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, mask: UnsafePointer<Float>?
        let keyOffsets: UnsafePointer<Int>, maskOffsets: UnsafePointer<Int>?
        let out: UnsafeMutablePointer<Float>
        let headCount: Int, d: Int, keyCount: Int, keyStride: Int
        let scale: Float
        /// Read once by the op (``KernelBackend/current``) for its workers.
        let backend: KernelBackend = .current
    }
}
