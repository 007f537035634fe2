import Foundation

/// Row-wise loops shared by several ops, on raw pointers (Array subscripts in these loops blocked
/// vectorization).
extension Kernels {
    /// sums[j] = sum_r x[r * columns + j] for a row-major `[rows, columns]` x. Overwrites `sums`.
    static func columnSums(_ x: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Float>) {
        sums.update(repeating: 0, count: columns)
        for r in 0..<rows {
            let row = x + r * columns
            for j in 0..<columns { sums[j] += row[j] }
        }
    }
}

extension Kernels {
    /// y = softmax(scale * x + mask) of one row of `width` floats (`mask` nil: no mask). A row whose
    /// every entry is -inf (all keys masked) gives zeros. The same steps as `Tensor.softmaxRows` after
    /// `scale * x + 0 + mask`.
    @inline(__always)
    static func scaledMaskedSoftmaxRow(_ x: UnsafePointer<Float>, scale: Float, mask: UnsafePointer<Float>?,
                                       width: Int, into y: UnsafeMutablePointer<Float>) {
        if let mask {
            for j in 0..<width { y[j] = (scale * x[j] + 0) + mask[j] }
        } else {
            for j in 0..<width { y[j] = scale * x[j] + 0 }
        }
        var m = -Float.infinity
        for j in 0..<width { m = Swift.max(m, y[j]) }
        if m == -.infinity {
            y.update(repeating: 0, count: width)
            return
        }
        var total: Float = 0
        for j in 0..<width {
            let e = exp(y[j] - m)
            y[j] = e
            total += e
        }
        let inverse = 1 / total
        for j in 0..<width { y[j] *= inverse }
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
