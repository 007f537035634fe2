/// NumPy-style broadcasting: shapes are aligned at the right; a dimension of 1 (or a missing one)
/// stretches to match the other.
enum Broadcast {
    /// The broadcast shape of `a` and `b`. Precondition: they are compatible.
    static func shape(_ a: [Int], _ b: [Int]) -> [Int] {
        let rank = max(a.count, b.count)
        let paddedA = [Int](repeating: 1, count: rank - a.count) + a
        let paddedB = [Int](repeating: 1, count: rank - b.count) + b
        return zip(paddedA, paddedB).map { x, y in
            precondition(x == y || x == 1 || y == 1, "Shapes \(a) and \(b) cannot be broadcast together")
            return max(x, y)
        }
    }

    /// For each element of `output` (row-major), the offset of the element of `input` it reads.
    /// Nil when `input == output` (the identity map).
    static func offsets(from input: [Int], to output: [Int]) -> [Int]? {
        if input == output { return nil }
        let rank = output.count
        let padded = [Int](repeating: 1, count: rank - input.count) + input
        let inputStrides = Tensor.strides(of: padded)
        // Stride 0 along a stretched dimension.
        let strides = (0..<rank).map { padded[$0] == 1 && output[$0] != 1 ? 0 : inputStrides[$0] }
        return offsets(outputShape: output, strides: strides)
    }

    /// Gathers `input` out to the output shape using `offsets` (or returns it unchanged when nil).
    static func expand(_ input: [Float], offsets: [Int]?) -> [Float] {
        guard let offsets else { return input }
        var result = [Float](repeating: 0, count: offsets.count)
        result.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { source in
                offsets.withUnsafeBufferPointer { map in
                    for i in 0..<map.count { out[i] = source[map[i]] }
                }
            }
        }
        return result
    }

    /// The adjoint of ``expand``: sums a gradient of the output shape back onto the input's elements.
    static func reduce(_ gradient: [Float], offsets: [Int]?, inputCount: Int) -> [Float] {
        guard let offsets else { return gradient }
        var result = [Float](repeating: 0, count: inputCount)
        result.withUnsafeMutableBufferPointer { out in
            gradient.withUnsafeBufferPointer { g in
                offsets.withUnsafeBufferPointer { map in
                    for i in 0..<map.count { out[map[i]] += g[i] }
                }
            }
        }
        return result
    }

    /// Offsets for walking an output of `outputShape` whose axes have the given input `strides`.
    static func offsets(outputShape: [Int], strides: [Int]) -> [Int] {
        let rank = outputShape.count
        let total = outputShape.reduce(1, *)
        var result = [Int](repeating: 0, count: total)
        guard total > 0 else { return result }
        var index = [Int](repeating: 0, count: rank)
        var offset = 0
        result.withUnsafeMutableBufferPointer { out in
            for flat in 0..<total {
                out[flat] = offset
                var axis = rank - 1
                while axis >= 0 {
                    index[axis] += 1
                    offset += strides[axis]
                    if index[axis] < outputShape[axis] { break }
                    offset -= strides[axis] * index[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        return result
    }
}
