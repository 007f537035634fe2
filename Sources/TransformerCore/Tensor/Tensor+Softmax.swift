import Foundation

/// Softmax and log-softmax over the last axis, max-subtracted so large logits cannot overflow.
extension Tensor {
    /// y_i = exp(x_i - m) / sum_j exp(x_j - m), m = max_j x_j, over the last axis.
    /// A row that is entirely -inf (every key masked) gives all zeros rather than NaN.
    /// Backward: dx_i = y_i (dy_i - sum_j dy_j y_j).
    public func softmax() -> Tensor {
        let width = shape.last ?? 1
        let y = Tensor.softmaxRows(scalars, width: width, logarithm: false)
        return Tensor.result(shape: shape, scalars: y, inputs: [self]) { dy in
            var dx = [Float](repeating: 0, count: dy.count)
            guard width > 0 else { return [dx] }   // empty rows: stride(by: 0) would trap
            dx.withUnsafeMutableBufferPointer { dx in y.withUnsafeBufferPointer { y in dy.withUnsafeBufferPointer { dy in
                for start in stride(from: 0, to: dy.count, by: width) {
                    var dot: Float = 0
                    for j in start..<(start + width) { dot += dy[j] * y[j] }
                    for j in start..<(start + width) { dx[j] = y[j] * (dy[j] - dot) }
                }
            } } }
            return [dx]
        }
    }

    /// y_i = x_i - m - log sum_j exp(x_j - m), over the last axis (the stable log-sum-exp).
    /// Backward: dx_i = dy_i - softmax(x)_i sum_j dy_j.
    public func logSoftmax() -> Tensor {
        let width = shape.last ?? 1
        let y = Tensor.softmaxRows(scalars, width: width, logarithm: true)
        return Tensor.result(shape: shape, scalars: y, inputs: [self]) { dy in
            var dx = [Float](repeating: 0, count: dy.count)
            guard width > 0 else { return [dx] }
            for start in stride(from: 0, to: dy.count, by: width) {
                var total: Float = 0
                for j in start..<(start + width) { total += dy[j] }
                for j in start..<(start + width) { dx[j] = dy[j] - Foundation.exp(y[j]) * total }
            }
            return [dx]
        }
    }

    /// Row-wise softmax (or log-softmax) of consecutive rows of `width` elements.
    static func softmaxRows(_ x: [Float], width: Int, logarithm: Bool) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        guard width > 0 else { return y }
        x.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { y in
            for start in stride(from: 0, to: x.count, by: width) {
                var m = -Float.infinity
                for j in start..<(start + width) { m = Swift.max(m, x[j]) }
                if m == -.infinity {   // fully masked row
                    for j in start..<(start + width) { y[j] = logarithm ? -.infinity : 0 }
                    continue
                }
                var total: Float = 0
                for j in start..<(start + width) {
                    let e = Foundation.exp(x[j] - m)
                    y[j] = e
                    total += e
                }
                if logarithm {
                    let logTotal = Foundation.log(total)
                    for j in start..<(start + width) { y[j] = x[j] - m - logTotal }
                } else {
                    let inverse = 1 / total
                    for j in start..<(start + width) { y[j] *= inverse }
                }
            }
        } }
        return y
    }
}
