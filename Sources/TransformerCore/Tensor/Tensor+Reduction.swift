/// Sums, means and maxima, over one axis or over everything.
extension Tensor {
    /// Splits `shape` around `axis` into (outer, size, inner) so element (o, a, i) sits at
    /// (o * size + a) * inner + i.
    func split(around axis: Int) -> (outer: Int, size: Int, inner: Int) {
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        return (outer, shape[axis], inner)
    }

    func reducedShape(axis: Int, keepingDimension: Bool) -> [Int] {
        var reduced = shape
        if keepingDimension { reduced[axis] = 1 } else { reduced.remove(at: axis) }
        return reduced
    }

    /// The sum of all elements, as a scalar tensor. Backward: every input gets the output gradient.
    public func sum() -> Tensor {
        let total = scalars.reduce(0, +)
        let n = count
        return Tensor.result(shape: [], scalars: [total], inputs: [self]) { g in
            [[Float](repeating: g[0], count: n)]
        }
    }

    /// The mean of all elements, as a scalar tensor.
    public func mean() -> Tensor {
        sum() / Float(Swift.max(count, 1))
    }

    /// y[o, i] = sum_a x[o, a, i]. Backward: x's gradient is y's gradient repeated along `axis`.
    public func sum(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        let axis = Tensor.normalize(axis: axis, rank: rank)
        let (outer, size, inner) = split(around: axis)
        var y = [Float](repeating: 0, count: outer * inner)
        scalars.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
                for o in 0..<outer {
                    for a in 0..<size {
                        let row = x.baseAddress! + (o * size + a) * inner
                        for i in 0..<inner { y[o * inner + i] += row[i] }
                    }
                }
            }
        }
        let n = count
        return Tensor.result(shape: reducedShape(axis: axis, keepingDimension: keepingDimension),
                             scalars: y, inputs: [self]) { g in
            var gx = [Float](repeating: 0, count: n)
            for o in 0..<outer { for a in 0..<size { for i in 0..<inner {
                gx[(o * size + a) * inner + i] = g[o * inner + i]
            } } }
            return [gx]
        }
    }

    /// The mean along `axis`: sum / size.
    public func mean(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        let size = shape[Tensor.normalize(axis: axis, rank: rank)]
        return sum(alongAxis: axis, keepingDimension: keepingDimension) / Float(size)
    }

    /// y[o, i] = max_a x[o, a, i]. Backward: the gradient goes to the first position holding the max.
    public func max(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        let axis = Tensor.normalize(axis: axis, rank: rank)
        let (outer, size, inner) = split(around: axis)
        precondition(size > 0, "max along an empty axis of shape \(shape)")
        var y = [Float](repeating: -.infinity, count: outer * inner)
        var argmax = [Int](repeating: 0, count: outer * inner)
        let x = scalars
        for o in 0..<outer { for a in 0..<size { for i in 0..<inner {
            let v = x[(o * size + a) * inner + i]
            if v > y[o * inner + i] || a == 0 { y[o * inner + i] = v; argmax[o * inner + i] = a }
        } } }
        let n = count
        return Tensor.result(shape: reducedShape(axis: axis, keepingDimension: keepingDimension),
                             scalars: y, inputs: [self]) { g in
            var gx = [Float](repeating: 0, count: n)
            for o in 0..<outer { for i in 0..<inner {
                gx[(o * size + argmax[o * inner + i]) * inner + i] = g[o * inner + i]
            } }
            return [gx]
        }
    }

    /// The largest element.
    public func max() -> Tensor {
        reshaped([count]).max(alongAxis: 0)
    }
}
