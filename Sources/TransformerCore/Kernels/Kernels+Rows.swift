import CKernels
import Foundation

/// Row-wise loops shared by several ops, on raw pointers (Array subscripts in these loops blocked
/// vectorization).
extension Kernels {
    /// sums[j] = sum_r x[r * columns + j] for a row-major `[rows, columns]` x. Overwrites `sums`. With
    /// the avx512 / avx2 backends, `ck_column_sums_avx512` / `_avx2` (the sums in registers; the same
    /// additions in the same order).
    static func columnSums(_ x: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Float>,
                           backend: KernelBackend = .current) {
        switch backend {
        case .avx512: ck_column_sums_avx512(rows, columns, x, sums)
        case .avx2: ck_column_sums_avx2(rows, columns, x, sums)
        case .portable: columnSumsLoop(x, rows: rows, columns: columns, into: sums)
        }
    }

    /// ``columnSums(_:rows:columns:into:)`` as a plain loop: the fallback and the oracle.
    static func columnSumsLoop(_ x: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Float>) {
        sums.update(repeating: 0, count: columns)
        for r in 0..<rows {
            let row = x + r * columns
            for j in 0..<columns { sums[j] += row[j] }
        }
    }
}

extension Kernels {
    /// y = softmax(scale * x + mask) of one row of `width` floats (`mask` nil: no mask). A row whose
    /// every entry is -inf (all keys masked) gives zeros. The steps of `Tensor.softmaxRows` after
    /// `scale * x + 0 + mask`, 8 lanes at a time with ``exp8(_:)`` (so the maximum, the exponentials
    /// and the sum differ from the scalar loop by rounding only); with the avx512 / avx2 backends the
    /// same steps in C on 16 / 8 lanes (`ck_scaled_masked_softmax_row_avx512` / `_avx2`: exp8's method
    /// with fused multiply-adds, the sum in another order). `x` and `y` may be the same buffer.
    /// `backend` is read once by the caller (``KernelBackend/current``), not per row.
    @inline(__always)
    static func scaledMaskedSoftmaxRow(_ x: UnsafePointer<Float>, scale: Float, mask: UnsafePointer<Float>?,
                                       width: Int, into y: UnsafeMutablePointer<Float>, backend: KernelBackend) {
        switch backend {
        case .avx512: ck_scaled_masked_softmax_row_avx512(x, scale, mask, width, y)
        case .avx2: ck_scaled_masked_softmax_row_avx2(x, scale, mask, width, y)
        case .portable: scaledMaskedSoftmaxRowSIMD8(x, scale: scale, mask: mask, width: width, into: y)
        }
    }

    /// ``scaledMaskedSoftmaxRow(_:scale:mask:width:into:)`` in Swift's 8 lanes: the path without AVX-512
    /// and the oracle of the C row.
    @inline(__always)
    static func scaledMaskedSoftmaxRowSIMD8(_ x: UnsafePointer<Float>, scale: Float, mask: UnsafePointer<Float>?,
                                            width: Int, into y: UnsafeMutablePointer<Float>) {
        let scales = SIMD8<Float>(repeating: scale)
        var maxima = SIMD8<Float>(repeating: -.infinity)
        var j = 0
        while j + 8 <= width {
            var v = scales * load8(x + j) + 0
            if let mask { v += load8(mask + j) }
            store8(v, y + j)
            maxima.replace(with: v, where: v .> maxima)
            j += 8
        }
        var m = horizontalMax(maxima)
        while j < width {
            let v = (scale * x[j] + 0) + (mask?[j] ?? 0)
            y[j] = v
            m = Swift.max(m, v)
            j += 1
        }
        if m == -.infinity {
            y.update(repeating: 0, count: width)
            return
        }
        let inverse = 1 / shiftedExponentialsSIMD8(y, shift: m, count: width, into: y)
        let inverses = SIMD8<Float>(repeating: inverse)
        j = 0
        while j + 8 <= width {
            store8(load8(y + j) * inverses, y + j)
            j += 8
        }
        while j < width { y[j] *= inverse; j += 1 }
    }
}

extension Kernels {
    /// y[j] = exp(x[j] - shift) for j < count, 8 lanes at a time with ``exp8(_:)`` (the tail in one padded
    /// vector), or 16 / 8 in C with the avx512 / avx2 backends (`ck_shifted_exponentials_avx512` /
    /// `_avx2`, exp8's method with fused multiply-adds); returns sum_j y[j]. `x` and `y` may be the same
    /// buffer. `backend` is read once by the caller, not per row.
    @inline(__always)
    static func shiftedExponentials(_ x: UnsafePointer<Float>, shift: Float, count: Int,
                                    into y: UnsafeMutablePointer<Float>, backend: KernelBackend) -> Float {
        switch backend {
        case .avx512: ck_shifted_exponentials_avx512(x, shift, count, y)
        case .avx2: ck_shifted_exponentials_avx2(x, shift, count, y)
        case .portable: shiftedExponentialsSIMD8(x, shift: shift, count: count, into: y)
        }
    }

    /// ``shiftedExponentials(_:shift:count:into:)`` in Swift's 8 lanes: the path without AVX-512 and the
    /// oracle of the C loop.
    @inline(__always)
    static func shiftedExponentialsSIMD8(_ x: UnsafePointer<Float>, shift: Float, count: Int,
                                         into y: UnsafeMutablePointer<Float>) -> Float {
        let shifts = SIMD8<Float>(repeating: shift)
        var totals = SIMD8<Float>()
        var j = 0
        while j + 8 <= count {
            let e = exp8(load8(x + j) - shifts)
            store8(e, y + j)
            totals += e
            j += 8
        }
        if j < count {   // exp(-inf) = 0 in the unused lanes
            var v = SIMD8<Float>(repeating: -.infinity)
            for i in 0..<(count - j) { v[i] = x[j + i] - shift }
            let e = exp8(v)
            for i in 0..<(count - j) { y[j + i] = e[i] }
            totals += e
        }
        return horizontalSum(totals)
    }
}

extension Kernels {
    /// exp(x) lane by lane (Cephes' expf): x = n ln 2 + r with n = round(x / ln 2) and |r| <= ln 2 / 2
    /// (ln 2 split in two constants so n ln 2 is exact), exp(r) by the degree-7 polynomial
    /// 1 + r + r^2 (1/2 + r (1/6 + ...)), and 2^n built from exponent bits in two halves, so that n from
    /// -159 to 128 gives denormal to overflowing results without wrapping the exponent field.
    /// Max relative error vs exp on normal results: `VectorExpTests.maxRelativeError` (measured).
    /// x is first clamped to [``expClampLow``, ``expClampHigh``]: above 88.72 (including +inf) the result
    /// overflows to +inf; NaN stays NaN (every step propagates it). Below ``expFlushBelow`` (including
    /// -inf) the result is exactly 0: a deviation from exp, which would give denormals down to x = -103.97.
    /// On Intel cores an SSE/AVX instruction whose result is denormal takes a microcode assist (some 100
    /// cycles), and masked attention keys (-inf) hit it on every softmax row: flushing them like the FTZ
    /// mode does cut the decoder's softmax time (see ``expFlushBelow``).
    @inline(__always)
    static func exp16(_ x: SIMD16<Float>) -> SIMD16<Float> {
        SIMD16(lowHalf: exp8(x.lowHalf), highHalf: exp8(x.highHalf))
    }

    /// ``exp16(_:)`` on 8 lanes (what it runs twice, and what the softmax rows use: 16-lane temporaries spilled the 16 SSE
    /// registers).
    @inline(__always)
    static func exp8(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let low = SIMD8<Float>(repeating: expClampLow), high = SIMD8<Float>(repeating: expClampHigh)
        let flushed = x .< SIMD8<Float>(repeating: expFlushBelow)
        let clamped = x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
        let magic = SIMD8<Float>(repeating: 12_582_912)   // 1.5 * 2^23: adding it rounds to an integer
        let t = clamped * SIMD8(repeating: 1.442_695_04) + magic
        let n = t - magic
        var r = clamped - n * SIMD8(repeating: 0.693_359_375)
        r = r - n * SIMD8(repeating: -2.121_944_40e-4)
        var p = SIMD8<Float>(repeating: 1.987_569_150_0e-4)
        p = p * r + SIMD8(repeating: 1.398_199_950_7e-3)
        p = p * r + SIMD8(repeating: 8.333_451_907_3e-3)
        p = p * r + SIMD8(repeating: 4.166_579_589_4e-2)
        p = p * r + SIMD8(repeating: 1.666_666_545_9e-1)
        p = p * r + SIMD8(repeating: 5.000_000_120_1e-1)
        let expR = p * (r * r) + r + 1
        // n from the bits of t (its low mantissa bits hold n + 2^22), then 2^n = 2^half * 2^(n - half).
        let ni = unsafeBitCast(t, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let half = ni &>> 1
        let bias = SIMD8<Int32>(repeating: 127)
        let scale1 = unsafeBitCast((half &+ bias) &<< 23, to: SIMD8<Float>.self)
        let scale2 = unsafeBitCast((ni &- half &+ bias) &<< 23, to: SIMD8<Float>.self)
        return (expR * scale1 * scale2).replacing(with: 0, where: flushed)
    }

    /// The largest lane (by halves: SIMD's `max()` was a generic call in the profile).
    @inline(__always)
    static func horizontalMax(_ v: SIMD8<Float>) -> Float {
        var h4 = v.lowHalf
        h4.replace(with: v.highHalf, where: v.highHalf .> h4)
        return Swift.max(Swift.max(h4[0], h4[1]), Swift.max(h4[2], h4[3]))
    }

    /// The sum of the lanes (by halves: SIMD's `sum()` was a generic call in the profile).
    @inline(__always)
    static func horizontalSum(_ v: SIMD8<Float>) -> Float {
        let h4 = v.lowHalf + v.highHalf
        return (h4[0] + h4[1]) + (h4[2] + h4[3])
    }

    @inline(__always)
    static func store8(_ v: SIMD8<Float>, _ y: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(y).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// exp's inputs are clamped to this first, so that every intermediate and the result stay normal
    /// floats (exp(-87) = 1.6e-38 > Float.leastNormalMagnitude = 1.2e-38); lanes below
    /// ``expFlushBelow`` are then replaced by 0.
    static let expClampLow: Float = -87
    /// exp(x) for x below this is 0 (true results under 1.6e-38: denormal or nearly so). Flush to zero
    /// instead of computing denormals, which cost a microcode assist per instruction on Intel cores.
    static let expFlushBelow: Float = -87
    /// exp(89) overflows to +inf (the largest Float is about exp(88.72)); n = 128 splits into 2^64 2^64.
    static let expClampHigh: Float = 89

    @inline(__always)
    static func load16(_ x: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(x).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func store16(_ v: SIMD16<Float>, _ y: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(y).storeBytes(of: v, as: SIMD16<Float>.self)
    }
}

extension Kernels {
    /// One row of layer normalization: y = gain * xhat + bias, xhat = (x - mean) * rstd; stores xhat when
    /// asked (training) and returns rstd = 1 / sqrt(variance + epsilon) (biased variance).
    @inline(__always)
    static func layerNormRow(_ x: UnsafePointer<Float>, width: Int, epsilon: Float, gain: UnsafePointer<Float>,
                             bias: UnsafePointer<Float>, xhat: UnsafeMutablePointer<Float>?,
                             into y: UnsafeMutablePointer<Float>) -> Float {
        let mean = sum(x, count: width) / Float(width)
        let variance = sumOfSquaredDeviations(x, from: mean, count: width) / Float(width)
        let inv = 1 / (variance + epsilon).squareRoot()
        if let xhat {
            for j in 0..<width {
                let h = (x[j] - mean) * inv
                xhat[j] = h
                y[j] = gain[j] * h + bias[j]
            }
        } else {
            for j in 0..<width { y[j] = gain[j] * ((x[j] - mean) * inv) + bias[j] }
        }
        return inv
    }

    /// The backward of one row: dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) with
    /// dxhat = dy * gain; adds dy * xhat into dGain and dy into dBias.
    @inline(__always)
    static func layerNormBackwardRow(_ dy: UnsafePointer<Float>, xhat: UnsafePointer<Float>, rstd: Float,
                                     gain: UnsafePointer<Float>, width: Int, dGain: UnsafeMutablePointer<Float>,
                                     dBias: UnsafeMutablePointer<Float>, into dx: UnsafeMutablePointer<Float>) {
        // Sums in 8 lanes (a scalar sum is one long chain of dependent adds).
        var lanesD = SIMD8<Float>(), lanesDX = SIMD8<Float>()
        var j = 0
        while j + 8 <= width {
            let d = load8(dy + j) * load8(gain + j)
            lanesD += d
            lanesDX += d * load8(xhat + j)
            j += 8
        }
        var meanD = lanesD.sum(), meanDX = lanesDX.sum()
        while j < width {
            let d = dy[j] * gain[j]
            meanD += d
            meanDX += d * xhat[j]
            j += 1
        }
        for j in 0..<width {
            dGain[j] += dy[j] * xhat[j]
            dBias[j] += dy[j]
        }
        meanD /= Float(width)
        meanDX /= Float(width)
        for j in 0..<width {
            let d = dy[j] * gain[j]
            dx[j] = rstd * (d - meanD - xhat[j] * meanDX)
        }
    }
}

extension Kernels {
    /// y[o, j, i, :] = x[o, i, j, :] for x `[outer, first, second, inner]` (y `[outer, second, first, inner]`):
    /// the permutation [0, 2, 1, 3] of splitting and merging attention heads. Rows of `inner` floats
    /// are copied with an inline loop (a memmove call per 8-64 floats cost more than the copy).
    static func swapMiddleAxes(_ x: UnsafePointer<Float>, outer: Int, first: Int, second: Int, inner: Int,
                               into y: UnsafeMutablePointer<Float>) {
        for o in 0..<outer {
            let (xBlock, yBlock) = (x + o * first * second * inner, y + o * first * second * inner)
            for j in 0..<second {
                for i in 0..<first {
                    let (source, target) = (xBlock + (i * second + j) * inner, yBlock + (j * first + i) * inner)
                    var p = 0
                    while p + 16 <= inner {
                        UnsafeMutableRawPointer(target + p).storeBytes(
                            of: UnsafeRawPointer(source + p).loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
                        p += 16
                    }
                    if p < inner { copyShortRow(from: source + p, count: inner - p, to: target + p) }
                }
            }
        }
    }
}

extension Kernels {
    @inline(__always)
    static func load8(_ x: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(x).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// sum_j x[j], in 8 lanes then a scalar tail.
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD8<Float>()
        var j = 0
        while j + 8 <= count { lanes += load8(x + j); j += 8 }
        var total = lanes.sum()
        while j < count { total += x[j]; j += 1 }
        return total
    }

    /// max_j x[j] (-inf for count 0), in 8 lanes then a scalar tail (a scalar running maximum is one
    /// chain the compiler does not split into lanes).
    @inline(__always)
    static func maximum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD8<Float>(repeating: -.infinity)
        var j = 0
        while j + 8 <= count {
            let v = load8(x + j)
            lanes.replace(with: v, where: v .> lanes)
            j += 8
        }
        var m = horizontalMax(lanes)
        while j < count { m = Swift.max(m, x[j]); j += 1 }
        return m
    }

    /// sum_j (x[j] - a - b), in 8 lanes then a scalar tail (the same differences as the scalar loop).
    @inline(__always)
    static func sumOfDifferences(_ x: UnsafePointer<Float>, minus a: Float, minus b: Float, count: Int) -> Float {
        var lanes = SIMD8<Float>()
        let (va, vb) = (SIMD8<Float>(repeating: a), SIMD8<Float>(repeating: b))
        var j = 0
        while j + 8 <= count { lanes += load8(x + j) - va - vb; j += 8 }
        var total = horizontalSum(lanes)
        while j < count { total += x[j] - a - b; j += 1 }
        return total
    }

    /// sum_j (x[j] - mean)^2, in 8 lanes then a scalar tail.
    @inline(__always)
    static func sumOfSquaredDeviations(_ x: UnsafePointer<Float>, from mean: Float, count: Int) -> Float {
        var lanes = SIMD8<Float>()
        let m = SIMD8<Float>(repeating: mean)
        var j = 0
        while j + 8 <= count { let d = load8(x + j) - m; lanes += d * d; j += 8 }
        var total = lanes.sum()
        while j < count { let d = x[j] - mean; total += d * d; j += 1 }
        return total
    }
}
