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

    /// softmax(scale * x + mask) over the last axis as one op: the scaled, masked softmax of attention
    /// scores (``scaledDotProductAttention(query:key:value:mask:dropout:)``), without the intermediate
    /// tensors of `affine`, a broadcast mask add and `softmax` (same operations in the same order, so the
    /// same values). `mask` broadcasts to this shape and is not differentiated; one whose last axis is
    /// broadcast, or that requires a gradient, takes the composed ops.
    /// Backward: dx_i = scale * y_i (dy_i - sum_j dy_j y_j).
    func scaledMaskedSoftmax(scale: Float, mask: Tensor?) -> Tensor {
        let width = shape.last ?? 1
        if let mask, mask.shape.last != width || mask.rank > rank || (mask.requiresGradient && GradientMode.isEnabled) {
            return (affine(scale: scale) + mask).softmax()
        }
        let rows = width > 0 ? count / width : 0
        // Offset of each row's mask row: the mask's leading axes broadcast to ours.
        var maskRows: [Int] = []
        if let mask {
            precondition(Broadcast.shape(shape, mask.shape) == shape, "mask of shape \(mask.shape) does not broadcast to \(shape)")
            let padded = [Int](repeating: 1, count: rank - mask.rank) + mask.shape
            let maskStrides = Tensor.strides(of: padded)
            let leading = Array(shape.dropLast())
            let strides = (0..<(rank - 1)).map { padded[$0] == 1 && leading[$0] != 1 ? 0 : maskStrides[$0] }
            maskRows = Broadcast.offsets(outputShape: leading, strides: strides)
        }
        let maskScalars = mask?.scalars ?? []
        let backend = KernelBackend.current
        let y = Kernels.uninitializedArray(count) { y in
            scalars.withUnsafeBufferPointer { x in maskScalars.withUnsafeBufferPointer { m in
                maskRows.withUnsafeBufferPointer { maskRows in
                    for r in 0..<rows {
                        Kernels.scaledMaskedSoftmaxRow(x.baseAddress! + r * width, scale: scale,
                                                       mask: maskRows.isEmpty ? nil : m.baseAddress! + maskRows[r],
                                                       width: width, into: y + r * width, backend: backend)
                    }
                }
            } }
        }
        return Tensor.result(shape: shape, scalars: y, inputs: [self]) { dy in
            let dx = Kernels.uninitializedArray(dy.count) { dx in
                y.withUnsafeBufferPointer { y in dy.withUnsafeBufferPointer { dy in
                    for r in 0..<rows {
                        let (yr, dyr, dxr) = (y.baseAddress! + r * width, dy.baseAddress! + r * width, dx + r * width)
                        var dot: Float = 0
                        for j in 0..<width { dot += dyr[j] * yr[j] }
                        for j in 0..<width { dxr[j] = scale * (yr[j] * (dyr[j] - dot)) }
                    }
                } }
            }
            return [dx]
        }
    }

    /// Row-wise softmax (or log-softmax) of consecutive rows of `width` elements.
    static func softmaxRows(_ x: [Float], width: Int, logarithm: Bool) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        guard width > 0 else { return y }
        let backend = KernelBackend.current
        x.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { y in
            for start in stride(from: 0, to: x.count, by: width) {
                var m = -Float.infinity
                for j in start..<(start + width) { m = Swift.max(m, x[j]) }
                if m == -.infinity {   // fully masked row
                    for j in start..<(start + width) { y[j] = logarithm ? -.infinity : 0 }
                    continue
                }
                // y_j = exp(x_j - m) in 8 lanes (Kernels.exp8), returning the sum.
                let total = Kernels.shiftedExponentials(x.baseAddress! + start, shift: m, count: width,
                                                        into: y.baseAddress! + start, backend: backend)
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
