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

    /// How the elements of a broadcast input map onto the output.
    enum Map {
        /// Same shape: element i reads element i.
        case identity
        /// The input's shape is the output's trailing dimensions (leading 1s aside), e.g. a bias [C]
        /// against [B, T, C]: element i reads element i % count.
        case tiled(count: Int)
        /// Anything else: element i reads `offsets[i]`.
        case general([Int])
    }

    /// The map that stretches `input` to `output`. Precondition: `Broadcast.shape(input, output) == output`.
    static func map(from input: [Int], to output: [Int]) -> Map {
        if input == output { return .identity }
        let trimmed = Array(input.drop { $0 == 1 })
        if trimmed.count <= output.count && Array(output.suffix(trimmed.count)) == trimmed {
            return .tiled(count: trimmed.reduce(1, *))
        }
        let rank = output.count
        let padded = [Int](repeating: 1, count: rank - input.count) + input
        let inputStrides = Tensor.strides(of: padded)
        // Stride 0 along a stretched dimension.
        let strides = (0..<rank).map { padded[$0] == 1 && output[$0] != 1 ? 0 : inputStrides[$0] }
        return .general(offsets(outputShape: output, strides: strides))
    }

    /// Stretches `input` out to `outputCount` elements following `map`.
    static func expand(_ input: [Float], _ map: Map, outputCount: Int) -> [Float] {
        switch map {
        case .identity:
            return input
        case let .tiled(count):
            guard count > 0 else { return [Float](repeating: 0, count: outputCount) }
            return Kernels.uninitializedArray(outputCount) { out in
                input.withUnsafeBufferPointer { source in
                    for start in stride(from: 0, to: outputCount, by: count) {
                        (out + start).update(from: source.baseAddress!, count: count)
                    }
                }
            }
        case let .general(offsets):
            return gather(input, offsets: offsets)
        }
    }

    /// The adjoint of ``expand``: sums a gradient of the output shape back onto the input's elements.
    static func reduce(_ gradient: [Float], _ map: Map, inputCount: Int) -> [Float] {
        if case .identity = map { return gradient }
        var result = [Float](repeating: 0, count: inputCount)
        switch map {
        case .identity:
            return gradient
        case let .tiled(count):
            guard count > 0 else { return result }
            result.withUnsafeMutableBufferPointer { out in
                gradient.withUnsafeBufferPointer { g in
                    for start in stride(from: 0, to: g.count, by: count) {
                        for j in 0..<count { out[j] += g[start + j] }
                    }
                }
            }
        case let .general(offsets):
            result.withUnsafeMutableBufferPointer { out in
                gradient.withUnsafeBufferPointer { g in
                    offsets.withUnsafeBufferPointer { map in
                        for i in 0..<map.count { out[map[i]] += g[i] }
                    }
                }
            }
        }
        return result
    }

    /// result[i] = input[offsets[i]].
    static func gather(_ input: [Float], offsets: [Int]) -> [Float] {
        Kernels.uninitializedArray(offsets.count) { out in
            input.withUnsafeBufferPointer { source in
                offsets.withUnsafeBufferPointer { map in
                    for i in 0..<map.count { out[i] = source[map[i]] }
                }
            }
        }
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
