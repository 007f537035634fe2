/// Reshaping, permuting, concatenating and the head split/merge of multi-head attention.
extension Tensor {
    /// The same elements viewed with a new shape; one dimension may be -1 (inferred).
    /// Backward: the gradient is reshaped back.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "Cannot reshape \(shape) to \(newShape)")
            resolved[unknown] = count / known
        }
        precondition(resolved.reduce(1, *) == count, "Cannot reshape \(shape) to \(newShape)")
        return Tensor.result(shape: resolved, scalars: scalars, inputs: [self]) { g in [g] }
    }

    /// Reorders the axes: output axis i is input axis `order[i]`.
    /// Backward: the gradient is permuted by the inverse order.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(0..<rank), "permutation \(order) is invalid for shape \(shape)")
        let outputShape = order.map { shape[$0] }
        let y = Tensor.permute(scalars, shape: shape, order: order)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, axis) in order.enumerated() { inverse[axis] = i }
        return Tensor.result(shape: outputShape, scalars: y, inputs: [self]) { g in
            [Tensor.permute(g, shape: outputShape, order: inverse)]
        }
    }

    /// Swaps two axes (by default the last two: a matrix transpose).
    public func transposed(_ axis1: Int = -2, _ axis2: Int = -1) -> Tensor {
        var order = Array(0..<rank)
        order.swapAt(Tensor.normalize(axis: axis1, rank: rank), Tensor.normalize(axis: axis2, rank: rank))
        return permuted(order)
    }

    static func permute(_ x: [Float], shape: [Int], order: [Int]) -> [Float] {
        if order == [0, 2, 1, 3] {   // the head split and merge (and their backward): a direct loop
            return Kernels.uninitializedArray(x.count) { y in
                x.withUnsafeBufferPointer { x in
                    Kernels.swapMiddleAxes(x.baseAddress!, outer: shape[0], first: shape[1], second: shape[2],
                                           inner: shape[3], into: y)
                }
            }
        }
        let outputShape = order.map { shape[$0] }
        let inputStrides = strides(of: shape)
        guard let last = order.last, last == shape.count - 1, shape[last] > 1 else {
            let offsets = Broadcast.offsets(outputShape: outputShape, strides: order.map { inputStrides[$0] })
            return Broadcast.gather(x, offsets: offsets)
        }
        // The last axis stays last (as in splitting heads): move whole contiguous rows.
        let width = shape[last]
        let rowOffsets = Broadcast.offsets(outputShape: Array(outputShape.dropLast()),
                                           strides: order.dropLast().map { inputStrides[$0] })
        return Kernels.uninitializedArray(x.count) { y in   // every row is copied
            x.withUnsafeBufferPointer { x in
                for (row, offset) in rowOffsets.enumerated() {
                    (y + row * width).update(from: x.baseAddress! + offset, count: width)
                }
            }
        }
    }

    /// Joins tensors along `axis`; all other dimensions must agree.
    /// Backward: each input gets its slice of the gradient.
    public static func concatenate(_ tensors: [Tensor], alongAxis axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate needs at least one tensor")
        let first = tensors[0]
        let axis = normalize(axis: axis, rank: first.rank)
        for t in tensors {
            precondition(t.rank == first.rank && (0..<first.rank).allSatisfy { $0 == axis || t.shape[$0] == first.shape[$0] },
                         "concatenate along axis \(axis): shape \(t.shape) does not match \(first.shape)")
        }
        let outer = first.shape[..<axis].reduce(1, *)
        let widths = tensors.map { $0.shape[axis...].reduce(1, *) }   // contiguous block per outer index
        let totalWidth = widths.reduce(0, +)
        var y = [Float]()
        y.reserveCapacity(outer * totalWidth)
        for o in 0..<outer {
            for (t, w) in zip(tensors, widths) { y.append(contentsOf: t.scalars[(o * w)..<((o + 1) * w)]) }
        }
        var outputShape = first.shape
        outputShape[axis] = tensors.map { $0.shape[axis] }.reduce(0, +)
        return result(shape: outputShape, scalars: y, inputs: tensors) { g in
            var start = 0
            return widths.map { w in
                defer { start += w }
                var gi = [Float]()
                gi.reserveCapacity(outer * w)
                for o in 0..<outer { gi.append(contentsOf: g[(o * totalWidth + start)..<(o * totalWidth + start + w)]) }
                return gi
            }
        }
    }

    /// [B, T, C] -> [B, H, T, D] with D = C / H: each head gets its own contiguous slice of features.
    public func splittingHeads(_ headCount: Int) -> Tensor {
        precondition(rank == 3 && shape[2] % headCount == 0,
                     "splittingHeads(\(headCount)) needs [B, T, C] with C divisible by H, got \(shape)")
        return reshaped([shape[0], shape[1], headCount, shape[2] / headCount]).permuted([0, 2, 1, 3])
    }

    /// [B, H, T, D] -> [B, T, C] with C = H * D: the inverse of ``splittingHeads(_:)`` (concatenates heads).
    public func mergingHeads() -> Tensor {
        precondition(rank == 4, "mergingHeads needs [B, H, T, D], got \(shape)")
        return permuted([0, 2, 1, 3]).reshaped([shape[0], shape[2], shape[1] * shape[3]])
    }
}
